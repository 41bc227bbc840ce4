package dev.billing.testkit.fake;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.MigrationTargetContract;

class InMemoryMigrationTargetContractTest extends MigrationTargetContract {
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();

    @Override
    protected BillingStores stores() {
        return stores.stores();
    }
}

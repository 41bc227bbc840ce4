package dev.billing.testkit.fake;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.AuditLogContract;

class InMemoryAuditLogContractTest extends AuditLogContract {
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();

    @Override
    protected BillingStores stores() {
        return stores.stores();
    }
}

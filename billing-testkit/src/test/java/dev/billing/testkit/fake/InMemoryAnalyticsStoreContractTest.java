package dev.billing.testkit.fake;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.AnalyticsStoreContract;

class InMemoryAnalyticsStoreContractTest extends AnalyticsStoreContract {
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();

    @Override
    protected BillingStores stores() {
        return stores.stores();
    }
}

package dev.billing.testkit.fake;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.GuestPurchaseStoreContract;

class InMemoryGuestPurchaseStoreContractTest extends GuestPurchaseStoreContract {
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();

    @Override
    protected BillingStores stores() {
        return stores.stores();
    }
}

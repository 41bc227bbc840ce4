package dev.billing.testkit.fake;

import dev.billing.core.port.GuestPurchaseStore;
import dev.billing.testkit.contract.GuestPurchaseStoreContract;

class InMemoryGuestPurchaseStoreContractTest extends GuestPurchaseStoreContract {
    private final InMemoryGuestPurchaseStore store = new InMemoryGuestPurchaseStore();

    @Override
    protected GuestPurchaseStore guests() {
        return store;
    }
}

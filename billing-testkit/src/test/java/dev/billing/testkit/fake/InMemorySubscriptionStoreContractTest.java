package dev.billing.testkit.fake;

import dev.billing.core.port.SubscriptionStore;
import dev.billing.testkit.contract.SubscriptionStoreContract;

class InMemorySubscriptionStoreContractTest extends SubscriptionStoreContract {
    private final InMemorySubscriptionStore store = new InMemorySubscriptionStore();

    @Override
    protected SubscriptionStore store() {
        return store;
    }
}

package dev.billing.testkit.fake;

import dev.billing.core.port.CustomerStore;
import dev.billing.testkit.contract.CustomerStoreContract;

class InMemoryCustomerStoreContractTest extends CustomerStoreContract {
    private final InMemoryCustomerStore store = new InMemoryCustomerStore();

    @Override
    protected CustomerStore store() {
        return store;
    }
}

package dev.billing.testkit.fake;

import dev.billing.core.port.ServiceKeyStore;
import dev.billing.testkit.contract.ServiceKeyStoreContract;

class InMemoryServiceKeyStoreContractTest extends ServiceKeyStoreContract {
    private final InMemoryServiceKeyStore store = new InMemoryServiceKeyStore();

    @Override
    protected ServiceKeyStore store() {
        return store;
    }
}

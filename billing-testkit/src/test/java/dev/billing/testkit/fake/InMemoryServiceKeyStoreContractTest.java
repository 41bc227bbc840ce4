package dev.billing.testkit.fake;

import dev.billing.core.port.AuditLog;
import dev.billing.core.port.ServiceKeyStore;
import dev.billing.testkit.contract.ServiceKeyStoreContract;

class InMemoryServiceKeyStoreContractTest extends ServiceKeyStoreContract {
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();

    @Override
    protected ServiceKeyStore store() {
        return stores.serviceKeys();
    }

    @Override
    protected AuditLog audit() {
        return stores.audit();
    }
}

package dev.billing.postgres;

import dev.billing.core.port.AuditLog;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.ServiceKeyStore;
import dev.billing.testkit.contract.ServiceKeyStoreContract;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@link ServiceKeyStoreContract} against JdbiServiceKeyStore on a fresh, migrated Postgres database. */
@ExtendWith(PostgresDatabaseExtension.class)
class JdbiServiceKeyStoreContractIT extends ServiceKeyStoreContract {
    private static BillingStores stores;

    @BeforeAll
    static void openStores(TestDatabase db) {
        stores = TestStores.open(db);
    }

    @AfterAll
    static void closeStores() {
        stores.close();
    }

    @Override
    protected ServiceKeyStore store() {
        return stores.serviceKeys();
    }

    @Override
    protected AuditLog audit() {
        return stores.audit();
    }
}

package dev.billing.postgres;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.AuditLogContract;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link AuditLogContract} against JdbiAuditLog and V11's triggers on a fresh, migrated Postgres database; its
 * concurrent writers go through the subscription upserts' group commit.
 */
@ExtendWith(PostgresDatabaseExtension.class)
class JdbiAuditLogContractIT extends AuditLogContract {
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
    protected BillingStores stores() {
        return stores;
    }
}

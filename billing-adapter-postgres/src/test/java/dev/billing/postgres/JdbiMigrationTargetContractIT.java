package dev.billing.postgres;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.MigrationTargetContract;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link MigrationTargetContract} on a fresh, migrated Postgres database: each {@code remove*} is one DELETE by
 * primary key (JdbiRemovals), which no audit trigger sees.
 */
@ExtendWith(PostgresDatabaseExtension.class)
class JdbiMigrationTargetContractIT extends MigrationTargetContract {
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

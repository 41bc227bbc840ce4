package dev.billing.postgres;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.NoticeLog;
import dev.billing.testkit.contract.NoticeLogContract;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@link NoticeLogContract} against JdbiNoticeLog on V13's table in a fresh, migrated Postgres database. */
@ExtendWith(PostgresDatabaseExtension.class)
class JdbiNoticeLogContractIT extends NoticeLogContract {
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
    protected NoticeLog log() {
        return stores.notices();
    }
}

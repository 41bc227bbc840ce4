package dev.billing.postgres;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.GuestPurchaseStoreContract;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@link GuestPurchaseStoreContract} against JdbiGuestPurchaseStore on a fresh, migrated Postgres database. */
@ExtendWith(PostgresDatabaseExtension.class)
class JdbiGuestPurchaseStoreContractIT extends GuestPurchaseStoreContract {
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

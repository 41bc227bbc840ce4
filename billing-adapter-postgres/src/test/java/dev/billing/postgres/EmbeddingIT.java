package dev.billing.postgres;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore.LinkResult;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An application that owns its pool hands it to the stores; and what callers see when the store fails. */
@ExtendWith(PostgresDatabaseExtension.class)
class EmbeddingIT {

    @Test
    void theStoresUseButNeverCloseTheCallersPool(TestDatabase db) {
        try (HikariDataSource appPool = appPool(db)) {
            BillingStores stores = PostgresBillingStores.create(appPool);
            CustomerLink link = link("someone@example.com");
            assertThat(stores.customers().link(link)).isEqualTo(new LinkResult.Linked(link));
            stores.ping();

            stores.close();
            assertThat(appPool.isClosed()).isFalse();
            assertThat(Sql.count(appPool, "SELECT count(*) FROM billing.customers"))
                    .isEqualTo(1);
            assertThatThrownBy(() -> stores.customers().count()).isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void migrationsCanBeLeftToTheHost(TestDatabase db) {
        try (HikariDataSource appPool = appPool(db)) {
            BillingStores stores = PostgresBillingStores.create(appPool, "billing_later", false);
            assertThat(Sql.count(appPool, "SELECT count(*) FROM pg_namespace WHERE nspname = 'billing_later'"))
                    .isZero();

            assertThat(PostgresBillingStores.migrate(appPool, "billing_later")).isEqualTo(Migrations.SHIPPED_COUNT);
            assertThat(stores.inbox().countByStatus()).containsEntry(InboxStatus.PENDING, 0L);
        }
    }

    @Test
    void aFailingStatementIsAStoreErrorThatQuotesNeitherSqlNorValues(TestDatabase db) {
        try (HikariDataSource appPool = appPool(db)) {
            BillingStores stores = PostgresBillingStores.create(appPool, "never_migrated", false);
            // the database is there, the tables are not: not ready, and saying why (MigrationsIT has the details)
            assertThatThrownBy(stores::ping)
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("'never_migrated' is at version 0");

            String email = "very.private." + unique("") + "@example.com";
            StoreException failure = catchThrowableOfType(
                    StoreException.class, () -> stores.customers().link(link(email)));

            assertThat(failure).isNotInstanceOf(StoreUnavailableException.class);
            assertThat(failure.code()).isEqualTo("store_error");
            assertThat(failure.getMessage()).isEqualTo("Postgres store error: customers.link failed (SQLState 42P01)");
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString())
                    .doesNotContain(email)
                    .doesNotContain("INSERT INTO")
                    .doesNotContain("ON CONFLICT")
                    .contains("does not exist");
        }
    }

    @Test
    void aForgedCursorIsTheCallersMistake(TestDatabase db) {
        try (HikariDataSource appPool = appPool(db)) {
            BillingStores stores = PostgresBillingStores.create(appPool);
            assertThatThrownBy(() -> stores.inbox().list(null, "%%%", 10)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> stores.customers().list("a.b", 10)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> stores.usage().listCounters("YQ.YQ.eHl6", 10))
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    private static HikariDataSource appPool(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(3);
        config.setPoolName("host-app-" + unique(""));
        return new HikariDataSource(config);
    }

    private static CustomerLink link(String email) {
        return new CustomerLink(UserId.of(unique("user_")), CustomerId.of(unique("cus_")), email, T0);
    }
}

package dev.billing.postgres;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.postgres.TestDatabase;
import java.util.concurrent.atomic.AtomicInteger;

/** Stores on a test database, through the same public entry point an application uses. */
final class TestStores {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private TestStores() {}

    static PostgresConfig.Builder config(TestDatabase db) {
        return PostgresConfig.builder().databaseUrl(db.postgresUrl()).poolName("test-pool-" + POOLS.incrementAndGet());
    }

    static BillingStores open(TestDatabase db) {
        return PostgresBillingStores.create(config(db).build());
    }

    static String poolName(BillingStores stores) {
        return ((PostgresLifecycle) stores.lifecycle()).poolName();
    }

    /** The pool of stores made by {@link PostgresBillingStores#create(PostgresConfig)}. */
    static com.zaxxer.hikari.HikariPoolMXBean pool(BillingStores stores) {
        return ((PostgresLifecycle) stores.lifecycle()).pool();
    }
}

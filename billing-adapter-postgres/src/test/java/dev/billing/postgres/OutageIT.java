package dev.billing.postgres;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore.LinkResult;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.postgres.DedicatedPostgres;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Postgres stopped under the stores: every call fails fast with {@link StoreUnavailableException} (bounded by the
 * pool's 3 s connection timeout, never the driver's or the OS's much longer waits), and once Postgres is back the
 * same pool serves again, with no connection left checked out.
 */
class OutageIT {
    /** The assertion bound: the 3 s connection timeout plus slack for a loaded 2-core build machine. */
    private static final long FAIL_FAST_MILLIS = 5_000;

    private static DedicatedPostgres pg;

    @BeforeAll
    static void startServer() {
        pg = PostgresFixture.startDedicated();
    }

    @AfterAll
    static void closeServer() {
        pg.close();
    }

    @AfterEach
    void serverBackUp() {
        pg.start();
    }

    @Test
    void callsFailFastWhileDownAndTheSamePoolRecovers() {
        TestDatabase db = pg.newDatabase("outage");
        try (BillingStores stores = TestStores.open(db)) {
            stores.ping();
            CustomerLink before = link();
            assertThat(stores.customers().link(before)).isInstanceOf(LinkResult.Linked.class);

            pg.stop();
            long pingMillis = failsUnavailable(() -> {
                stores.ping();
                return null;
            });
            long readMillis = failsUnavailable(() -> stores.customers().findByUserId(before.userId()));
            long writeMillis = failsUnavailable(() -> stores.usage().increment(increment()));
            long inboxMillis = failsUnavailable(() -> stores.inbox().countByStatus());
            System.out.printf(
                    "Postgres down: ping failed in %d ms, read in %d ms, transaction in %d ms, " + "inbox in %d ms%n",
                    pingMillis, readMillis, writeMillis, inboxMillis);

            pg.start();
            long t0 = System.nanoTime();
            int failedPings = pingUntilUp(stores);
            System.out.printf(
                    "Postgres back: a ping succeeded %d ms after the server was up (%d failed before)%n",
                    (System.nanoTime() - t0) / 1_000_000, failedPings);
            assertThat(stores.customers().findByUserId(before.userId())).contains(before);
            assertThat(stores.usage().increment(increment())).isInstanceOf(UsageResult.Accepted.class);
            assertThat(TestStores.pool(stores).getActiveConnections()).isZero();
        }
    }

    @Test
    void concurrentRequestsDuringAnOutageLeakNoConnection() {
        TestDatabase db = pg.newDatabase("outage_load");
        try (BillingStores stores = PostgresBillingStores.create(
                TestStores.config(db).maximumPoolSize(4).build())) {
            HikariPoolMXBean pool = TestStores.pool(stores);
            stores.ping();

            pg.stop();
            List<Throwable> failures = Race.run(12, i -> {
                long t0 = System.nanoTime();
                Throwable failure = catchThrowable(() -> stores.customers().link(link()));
                long millis = (System.nanoTime() - t0) / 1_000_000;
                // Twelve callers share four connections, each waits at most the connection timeout once.
                assertThat(millis).isLessThan(FAIL_FAST_MILLIS);
                return failure;
            });
            assertThat(failures).allSatisfy(f -> assertThat(f).isInstanceOf(StoreUnavailableException.class));
            assertThat(pool.getActiveConnections()).isZero();

            pg.start();
            List<LinkResult> results = Race.run(12, i -> stores.customers().link(link()));
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(LinkResult.Linked.class));
            assertThat(pool.getActiveConnections()).isZero();
            assertThat(pool.getTotalConnections()).isLessThanOrEqualTo(4);
            assertThat(Sql.count(
                            db.dataSource(),
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                    + " AND application_name = '" + TestStores.poolName(stores) + "'"))
                    .isLessThanOrEqualTo(4);
        }
    }

    @Test
    void startingWhileDownFailsFastAndClosesThePool() {
        TestDatabase db = pg.newDatabase("outage_start");
        pg.stop();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> TestStores.open(db))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("connecting to");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("Postgres down at start: create(config) failed in %d ms%n", millis);
        assertThat(millis).isLessThan(FAIL_FAST_MILLIS);
    }

    @Test
    void withoutMigrationsTheStoresStartWhileDownAndServeOnceUp() {
        TestDatabase db = pg.newDatabase("outage_lazy");
        PostgresBillingStores.migrate(db.dataSource());
        pg.stop();
        try (BillingStores stores = PostgresBillingStores.create(
                TestStores.config(db).runMigrations(false).build())) {
            failsUnavailable(() -> {
                stores.ping();
                return null;
            });
            pg.start();
            stores.ping();
            assertThat(stores.customers().count()).isZero();
        }
    }

    @Test
    void aClosedStoreRefusesCallsAsUnavailable() {
        TestDatabase db = pg.newDatabase("outage_closed");
        BillingStores stores = TestStores.open(db);
        stores.close();
        assertThatThrownBy(stores::ping)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> stores.customers().count()).isInstanceOf(StoreUnavailableException.class);
        stores.close(); // idempotent
    }

    /** Runs {@code call}, expects {@link StoreUnavailableException} within {@link #FAIL_FAST_MILLIS}; returns ms. */
    private static long failsUnavailable(Supplier<?> call) {
        long t0 = System.nanoTime();
        Throwable failure = catchThrowable(call::get);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(failure).isInstanceOf(StoreUnavailableException.class);
        assertThat(((StoreException) failure).code()).isEqualTo("store_unavailable");
        assertThat(millis).isLessThan(FAIL_FAST_MILLIS);
        return millis;
    }

    private static CustomerLink link() {
        return new CustomerLink(UserId.of(unique("user_")), CustomerId.of(unique("cus_")), null, T0);
    }

    private static UsageIncrement increment() {
        return new UsageIncrement(
                UserId.of(unique("user_")),
                "api_calls",
                new UsagePeriod(T0, T0.plusSeconds(60)),
                1,
                10,
                unique("k"),
                "api_calls:1",
                T0,
                null);
    }

    /**
     * Pings until the same pool reaches the restarted server: HikariCP may be backing off from a connection attempt
     * that failed while the server was down, so the first ping can still fail (recovery took 0-2 s, docs/POSTGRES.md).
     * Fails when it has not recovered within 15 s.
     */
    private static int pingUntilUp(BillingStores stores) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        int failed = 0;
        while (true) {
            try {
                stores.ping();
                return failed;
            } catch (StoreUnavailableException stillDown) {
                failed++;
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("The pool did not recover within 15 s of the restart", stillDown);
                }
            }
        }
    }
}

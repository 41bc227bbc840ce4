package dev.billing.postgres;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.billing.core.error.StoreException;
import dev.billing.core.port.StoreLifecycle;

/**
 * Health and shutdown of the Postgres stores: {@code ping} is one {@code SELECT 1} (a
 * {@link dev.billing.core.error.StoreUnavailableException} within the pool's connection timeout when the database
 * is down), after a check of the schema's version while it is not known to be current; {@code close} closes the
 * pool only when these stores opened it.
 */
final class PostgresLifecycle implements StoreLifecycle {
    private final Db db;
    private final HikariDataSource ownedPool;
    /** Whether the schema is known to be at this jar's version (migrated at creation, or checked by a ping). */
    private volatile boolean schemaCurrent;

    PostgresLifecycle(Db db, HikariDataSource ownedPool, boolean migrated) {
        this.db = db;
        this.ownedPool = ownedPool;
        this.schemaCurrent = migrated;
    }

    /**
     * One {@code SELECT 1}; until the schema is known to be current (stores created without migrations), the read of
     * its version instead: a schema behind this jar's migrations fails the ping with a {@link StoreException} that
     * says so, so that readiness stays down (no request meets a table this code does not fit) until it is migrated.
     */
    @Override
    public void ping() {
        if (schemaCurrent) {
            db.call("ping", h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            return;
        }
        int applied = db.jdbc("ping", c -> Migrations.appliedVersion(c, db.schema()));
        if (applied < Migrations.LATEST_VERSION) {
            throw new StoreException("The billing schema '" + db.schema() + "' is at version " + applied
                    + "; this version of billing needs " + Migrations.LATEST_VERSION + ". Apply the migrations: "
                    + "billing-server schema migrate, or PostgresBillingStores.migrate(dataSource, schema).");
        }
        schemaCurrent = true;
    }

    @Override
    public void close() {
        db.markClosed();
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    /**
     * Has the owned pool report to {@code meterRegistry} (HikariCP's own {@code hikaricp.*} meters, tagged with the
     * pool's name); false when the caller owns the pool (its owner binds it) or it reports somewhere already.
     */
    boolean bindMetrics(Object meterRegistry) {
        if (ownedPool == null
                || ownedPool.getMetricRegistry() != null
                || ownedPool.getMetricsTrackerFactory() != null) {
            return false;
        }
        ownedPool.setMetricRegistry(meterRegistry);
        return true;
    }

    /** The owned pool's name (also the connections' application_name); null when the caller owns the pool. */
    String poolName() {
        return ownedPool == null ? null : ownedPool.getPoolName();
    }

    /** The owned pool's live numbers (tests and diagnostics); null when the caller owns the data source. */
    HikariPoolMXBean pool() {
        return ownedPool == null ? null : ownedPool.getHikariPoolMXBean();
    }
}

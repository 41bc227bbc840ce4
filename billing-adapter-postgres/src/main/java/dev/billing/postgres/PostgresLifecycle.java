package dev.billing.postgres;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.billing.core.port.StoreLifecycle;

/**
 * Health and shutdown of the Postgres stores: {@code ping} is one {@code SELECT 1} (a
 * {@link dev.billing.core.error.StoreUnavailableException} within the pool's connection timeout when the database
 * is down); {@code close} closes the pool only when these stores opened it.
 */
final class PostgresLifecycle implements StoreLifecycle {
    private final Db db;
    private final HikariDataSource ownedPool;

    PostgresLifecycle(Db db, HikariDataSource ownedPool) {
        this.db = db;
        this.ownedPool = ownedPool;
    }

    @Override
    public void ping() {
        db.call("ping", h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
    }

    @Override
    public void close() {
        db.markClosed();
        if (ownedPool != null) {
            ownedPool.close();
        }
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

package dev.billing.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.billing.core.error.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * The HikariCP pool for a {@link PostgresConfig}: the pool's timeouts, and the same bounds on the driver itself
 * (connect, login and socket timeouts, TCP keepalive) so that a vanished server is a fast, typed failure and never
 * a hang. Driver properties from the URL win over these defaults.
 */
final class Pools {
    /** The driver's send buffer per connection (its {@code maxSendBufferSize}). */
    static final int SEND_BUFFER_BYTES = 64 * 1024;

    private Pools() {}

    static HikariDataSource open(PostgresConfig config) {
        return new HikariDataSource(hikariConfig(config));
    }

    static HikariConfig hikariConfig(PostgresConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(config.poolName());
        hikari.setDriverClassName("org.postgresql.Driver");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        if (config.password() != null) {
            hikari.setPassword(config.password());
        }
        hikari.setDataSourceProperties(driverProperties(config));
        hikari.setMaximumPoolSize(config.maximumPoolSize());
        hikari.setMinimumIdle(config.minimumIdle());
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.setValidationTimeout(config.validationTimeout().toMillis());
        hikari.setIdleTimeout(config.idleTimeout().toMillis());
        hikari.setMaxLifetime(config.maxLifetime().toMillis());
        hikari.setKeepaliveTime(config.keepaliveTime().toMillis());
        // The stores' concurrency reasoning (ON CONFLICT waits, conditional updates re-checked on the newest row)
        // is READ COMMITTED's: pin it whatever the server's default_transaction_isolation says.
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        hikari.setAutoCommit(true);
        // Start even when the database is down: calls fail with StoreUnavailableException until it is back.
        hikari.setInitializationFailTimeout(-1);
        return hikari;
    }

    /**
     * One physical connection straight from the driver, closed at once: answers "is the database there?" within
     * the connect timeout, before a pool exists (a pool that never connected takes seconds to shut down while its
     * background connector backs off).
     */
    static void probe(PostgresConfig config) {
        Properties props = driverProperties(config);
        props.setProperty("user", config.user());
        if (config.password() != null) {
            props.setProperty("password", config.password());
        }
        try (Connection connection = new Driver().connect(config.jdbcUrl(), props)) {
            if (connection == null) {
                throw new StoreException("The Postgres driver does not accept the URL for " + config.describe());
            }
        } catch (SQLException e) {
            throw StoreErrors.translate("connecting to " + config.describe(), e);
        }
    }

    static Properties driverProperties(PostgresConfig config) {
        Properties props = new Properties();
        int connectSeconds = seconds(config.connectionTimeout());
        props.setProperty("connectTimeout", Integer.toString(connectSeconds));
        props.setProperty("loginTimeout", Integer.toString(connectSeconds));
        props.setProperty("socketTimeout", Long.toString(config.socketTimeout().toSeconds()));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", config.poolName());
        // Server error details quote row values ("Key (user_id)=(...)"): keep them out of exception messages.
        props.setProperty("logServerErrorDetail", "false");
        // Larger than the driver's 8 KB, so a group-committed insert of 5 KB events is about one socket write per
        // statement, not one per event (docs/BENCHMARKS_HISTORY.md, "Where the rest goes, by statement and by thread").
        props.setProperty("maxSendBufferSize", Integer.toString(SEND_BUFFER_BYTES));
        for (Map.Entry<String, String> property : config.properties().entrySet()) {
            props.setProperty(property.getKey(), property.getValue());
        }
        return props;
    }

    /** Whole seconds, rounded up, at least 1 (the driver's timeouts are in seconds). */
    private static int seconds(Duration duration) {
        long millis = duration.toMillis();
        return (int) Math.max(1, (millis + 999) / 1000);
    }
}

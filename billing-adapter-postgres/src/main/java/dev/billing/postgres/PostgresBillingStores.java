package dev.billing.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.billing.core.error.StoreException;
import dev.billing.core.port.BillingStores;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Every billing store on Postgres (JDBI 3, HikariCP, Flyway): customers, subscriptions, the webhook inbox, the
 * usage ledger, organization memberships and guest purchases, in their own schema ({@code billing} by default) with their own Flyway
 * history table.
 *
 * <p>Usage: {@code try (BillingStores stores = PostgresBillingStores.create(databaseUrl)) { ... }} with a
 * {@code postgres://user:password@host:5432/db} URL the host holds (the server reads it from {@code DATABASE_URL}).
 *
 * <ul>
 *   <li>{@link #create(String)} / {@link #create(PostgresConfig)}: the stores open (and {@code close()} closes)
 *       their own HikariCP pool, and migrate the schema first unless the config says not to.</li>
 *   <li>{@link #create(DataSource)}: embedding in an application that has its pool: the stores use it and never
 *       close it; the schema is migrated first.</li>
 * </ul>
 * Every store method throws {@link dev.billing.core.error.StoreUnavailableException} when the database cannot be
 * reached (within the pool's connection timeout), and {@link StoreException} for any other database failure.
 * Several processes may share one database: every invariant is kept by the database itself.
 */
public final class PostgresBillingStores {
    private static final System.Logger LOG = System.getLogger(PostgresBillingStores.class.getName());

    private PostgresBillingStores() {}

    /**
     * Stores on a pool of their own for {@code databaseUrl} ({@code postgres://user:pass@host:5432/db?sslmode=require}
     * or {@code jdbc:postgresql://...}), with every default of {@link PostgresConfig}.
     *
     * @throws IllegalArgumentException when the URL is malformed (the message never repeats the password)
     */
    public static BillingStores create(String databaseUrl) {
        return create(PostgresConfig.fromDatabaseUrl(databaseUrl));
    }

    /** Stores on a pool of their own, closed by {@link BillingStores#close()}; migrates first unless disabled. */
    public static BillingStores create(PostgresConfig config) {
        Objects.requireNonNull(config, "config");
        if (config.runMigrations()) {
            Pools.probe(config); // down at start: a StoreUnavailableException within the connect timeout
        }
        HikariDataSource pool = Pools.open(config);
        try {
            if (config.runMigrations()) {
                Migrations.migrate(pool, config.schema());
            }
            LOG.log(
                    System.Logger.Level.INFO,
                    "Postgres stores ready: pool ''{0}'' to {1} (max {2} connections), schema ''{3}''",
                    config.poolName(),
                    config.describe(),
                    config.maximumPoolSize(),
                    config.schema());
            return stores(pool, config.schema(), pool, config.runMigrations());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Stores on the caller's data source (a pool, ideally), in schema {@code billing}, migrated first. The stores
     * never close it: {@link BillingStores#close()} only stops them from taking connections.
     */
    public static BillingStores create(DataSource dataSource) {
        return create(dataSource, PostgresConfig.DEFAULT_SCHEMA, true);
    }

    /**
     * Stores on the caller's data source in {@code schema}, migrated first when {@code runMigrations} (otherwise run
     * {@link #migrate(DataSource, String)} yourself, e.g. from a deployment step with a more privileged user).
     */
    public static BillingStores create(DataSource dataSource, String schema, boolean runMigrations) {
        Objects.requireNonNull(dataSource, "dataSource");
        PostgresConfig.checkSchema(schema);
        if (runMigrations) {
            Migrations.migrate(dataSource, schema);
        }
        return stores(dataSource, schema, null, runMigrations);
    }

    /**
     * Applies pending migrations to schema {@code billing} (creating it), recorded in
     * {@code billing.billing_schema_history}; a no-op when current.
     *
     * @return how many migrations ran
     * @throws dev.billing.core.error.StoreUnavailableException when the database cannot be reached
     * @throws StoreException                                    when a migration fails
     */
    public static int migrate(DataSource dataSource) {
        return migrate(dataSource, PostgresConfig.DEFAULT_SCHEMA);
    }

    /** {@link #migrate(DataSource)} into another schema. */
    public static int migrate(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        PostgresConfig.checkSchema(schema);
        return Migrations.migrate(dataSource, schema);
    }

    /**
     * Has the pool these stores opened themselves ({@link #create(PostgresConfig)}) report HikariCP's connection
     * metrics ({@code hikaricp_connections_active}, {@code _pending}, {@code _timeout_total}, ...) to a Micrometer
     * {@code MeterRegistry}, given as an {@code Object} so that this module needs no Micrometer: HikariCP checks its
     * type. A pool the host passed in is the host's to bind.
     *
     * @return true when it bound them; false for other stores, a host's pool, or a pool already reporting
     */
    public static boolean bindPoolMetrics(BillingStores stores, Object meterRegistry) {
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return stores.lifecycle() instanceof PostgresLifecycle lifecycle && lifecycle.bindMetrics(meterRegistry);
    }

    /** {@code migrated}: the schema was just migrated, so {@code ping} need not check its version. */
    private static BillingStores stores(
            DataSource dataSource, String schema, HikariDataSource ownedPool, boolean migrated) {
        Db db = new Db(dataSource, schema);
        return new BillingStores(
                new JdbiCustomerStore(db),
                new JdbiSubscriptionStore(db),
                new JdbiEventInbox(db),
                new JdbiUsageLedger(db),
                new JdbiProjectionChanges(db),
                new PostgresLifecycle(db, ownedPool, migrated),
                new JdbiMembershipStore(db),
                new JdbiGuestPurchaseStore(db),
                new JdbiAuditLog(db),
                new JdbiAnalyticsStore(db),
                new JdbiNoticeLog(db),
                new JdbiServiceKeyStore(db));
    }
}

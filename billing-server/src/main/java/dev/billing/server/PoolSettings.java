package dev.billing.server;

import dev.billing.core.config.BackgroundOptions;
import dev.billing.http.ApiSettings;
import dev.billing.postgres.PostgresConfig;

/**
 * How many connections and threads {@code serve} keeps, read from the environment (docs/OPERATIONS.md, "Pools"):
 * what an operator sizes against the database's connection limit and the container's memory.
 *
 * <p>Usage: {@code PoolSettings pools = PoolSettings.read(reader, store);} (the defaults, with any problem in the
 * reader)
 *
 * @param databaseConnections {@code BILLING_DB_POOL_SIZE}: the Postgres store's most connections
 * @param requestThreads      {@code BILLING_HTTP_THREADS}: the most requests handled at once
 * @param webhookThreads      {@code BILLING_WEBHOOK_THREADS}: the threads that process webhook events after their
 *                            delivery was answered
 */
record PoolSettings(int databaseConnections, int requestThreads, int webhookThreads) {
    static final String DB_POOL_SIZE = "BILLING_DB_POOL_SIZE";
    static final String HTTP_THREADS = "BILLING_HTTP_THREADS";
    static final String WEBHOOK_THREADS = "BILLING_WEBHOOK_THREADS";
    private static final int MAX_CONNECTIONS = 1_000;
    private static final int MAX_REQUEST_THREADS = 10_000;
    private static final int MAX_WEBHOOK_THREADS = 256;

    /** The defaults: the adapters' own. */
    static PoolSettings defaults() {
        return new PoolSettings(
                PostgresConfig.DEFAULT_MAXIMUM_POOL_SIZE,
                ApiSettings.DEFAULT_REQUEST_THREADS,
                BackgroundOptions.defaults().webhookThreads());
    }

    static PoolSettings read(EnvReader r, ServerConfig.Store store) {
        PoolSettings defaults = defaults();
        if (store != ServerConfig.Store.POSTGRES && r.isSet(DB_POOL_SIZE)) {
            r.problem(DB_POOL_SIZE + ": only for BILLING_STORE=postgres (the Supabase store calls its REST API and "
                    + "holds no database connections); remove it");
        }
        return new PoolSettings(
                r.integer(DB_POOL_SIZE, defaults.databaseConnections(), 1, MAX_CONNECTIONS),
                r.integer(
                        HTTP_THREADS, defaults.requestThreads(), ApiSettings.MIN_REQUEST_THREADS, MAX_REQUEST_THREADS),
                r.integer(WEBHOOK_THREADS, defaults.webhookThreads(), 1, MAX_WEBHOOK_THREADS));
    }
}

package dev.billing.bench;

import dev.billing.embeddedpostgres.EmbeddedPostgresServer;
import dev.billing.embeddedpostgres.FreePorts;
import dev.billing.postgres.PostgresConfig;
import dev.billing.server.BillingServer;
import dev.billing.server.LocalKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * What the bench runs against. By default everything on this machine, without network: embedded Postgres with
 * durable settings ({@code fsync=on}, {@code synchronous_commit=on}, {@code full_page_writes=on}: the embedded
 * fixture's own defaults are not durable), the Stripe emulator with the sample catalog in a JVM of its own
 * ({@link EmulatorProcess}), and in this JVM the server wired exactly as {@code serve} wires it (from the same
 * environment variables), with a PEM-mode Clerk verifier on a key generated for the run. Or an external server
 * ({@code --server-url}) and/or an external Postgres ({@code --database-url}).
 */
final class BenchEnvironment implements AutoCloseable {
    static final String DATABASE = "billing_bench";
    static final String ISSUER = "https://clerk.bench.invalid";
    static final String ORIGIN = "https://app.example.com";
    /** The server's rate limits in the bench: on (their cost is measured) but never refusing. */
    static final String RATE_LIMIT = "1000000";
    /** The admin token of the server under test (the analytics scenario calls the admin routes). */
    static final String ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";

    private final BenchOptions options;
    private final Function<Map<String, String>, BillingServer> serverStarter;
    private final EmbeddedPostgresServer postgres;
    private final EmulatorProcess emulator;
    private final PostgresConfig database;
    private final String webhookSecret;
    private final LocalKeys tokenKey;
    private final String issuer;
    private BillingServer server;
    private Boolean serverRefetch;
    private Map<String, String> serverEnv;
    private Map<String, String> serverExtra = Map.of();
    private volatile String checkpointRefused;

    private BenchEnvironment(
            BenchOptions options,
            Function<Map<String, String>, BillingServer> serverStarter,
            EmbeddedPostgresServer postgres,
            EmulatorProcess emulator,
            PostgresConfig database,
            String webhookSecret,
            LocalKeys tokenKey,
            String issuer) {
        this.options = options;
        this.serverStarter = serverStarter;
        this.postgres = postgres;
        this.emulator = emulator;
        this.database = database;
        this.webhookSecret = webhookSecret;
        this.tokenKey = tokenKey;
        this.issuer = issuer;
    }

    BenchOptions options() {
        return options;
    }

    static BenchEnvironment start(
            BenchOptions options, Function<Map<String, String>, BillingServer> serverStarter, Path logDir) {
        EmbeddedPostgresServer postgres = null;
        EmulatorProcess emulator = null;
        try {
            PostgresConfig database;
            if (options.databaseUrl() != null) {
                database = PostgresConfig.fromDatabaseUrl(options.databaseUrl());
            } else {
                EmbeddedPostgresServer.Builder builder = EmbeddedPostgresServer.builder()
                        .serverConfig("fsync", "on")
                        .serverConfig("synchronous_commit", "on")
                        .serverConfig("full_page_writes", "on");
                if (options.dataDir() != null) {
                    builder.dataDirectory(options.dataDir().resolve("pg"));
                }
                postgres = builder.start();
                postgres.createDatabaseIfMissing(DATABASE);
                CpuMeter.postmaster(postmasterPid(postgres.dataDirectory()));
                database = PostgresConfig.fromDatabaseUrl(postgres.postgresUrl(DATABASE));
            }
            String secret;
            LocalKeys key;
            String issuer;
            if (options.serverUrl() == null) {
                emulator = EmulatorProcess.start(logDir, Duration.ofMinutes(2));
                secret = "whsec_bench" + random(16);
                key = LocalKeys.generate(ISSUER, Clock.systemUTC());
                issuer = ISSUER;
            } else {
                secret = options.webhookSecret();
                key = options.tokenKey();
                issuer = options.tokenIssuer();
            }
            return new BenchEnvironment(options, serverStarter, postgres, emulator, database, secret, key, issuer);
        } catch (RuntimeException e) {
            if (emulator != null) {
                emulator.close();
            }
            if (postgres != null) {
                postgres.close();
            }
            throw e;
        }
    }

    boolean external() {
        return options.serverUrl() != null;
    }

    /** Starts (or restarts) the in-process server with re-fetch on or off; a no-op for an external server. */
    void server(boolean refetch) {
        server(refetch, Map.of());
    }

    /**
     * As {@link #server(boolean)}, with {@code extra} variables over the bench's own (the growth scenario turns the
     * entitlements cache off, to measure the store); a server started with other ones is restarted.
     */
    void server(boolean refetch, Map<String, String> extra) {
        if (external()) {
            awaitReady(URI.create(options.serverUrl()), Duration.ofSeconds(60));
            return;
        }
        if (server != null && serverRefetch == refetch && serverExtra.equals(extra)) {
            return;
        }
        stopServer();
        serverEnv = serverEnv(refetch, freePort());
        serverEnv.putAll(extra);
        server = serverStarter.apply(serverEnv);
        serverRefetch = refetch;
        serverExtra = Map.copyOf(extra);
    }

    /**
     * Waits until the server answers {@code GET /health/ready} with 200: measuring a server that is still starting
     * (migrating, warming its pool) would measure its start-up.
     *
     * @throws IllegalStateException when it is not ready within {@code timeout}
     */
    static void awaitReady(URI server, Duration timeout) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = server.resolve("/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            try {
                HttpResponse<Void> r = client.send(
                        HttpRequest.newBuilder(ready)
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + ready, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The server at " + server + " is not ready (" + last + " from "
                        + "/health/ready after " + timeout.toSeconds() + " s): nothing was measured.");
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // polling an external process's state
        }
    }

    /** The environment {@code serve} runs with in this bench (also used for the start-up measurement). */
    Map<String, String> serverEnv(boolean refetch, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STRIPE_SECRET_KEY", emulator.apiKey());
        env.put("STRIPE_API_BASE", emulator.baseUrl());
        env.put("STRIPE_WEBHOOK_SECRET", webhookSecret);
        env.put("CLERK_ISSUER", issuer);
        env.put("CLERK_JWT_KEY", tokenKey.publicKeyPem());
        env.put("DATABASE_URL", databaseUrlWithCredentials());
        env.put("BILLING_ALLOWED_ORIGINS", ORIGIN);
        env.put("BILLING_HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(port));
        env.put("BILLING_RATE_LIMIT_USER_PER_MINUTE", RATE_LIMIT);
        env.put("BILLING_RATE_LIMIT_IP_PER_MINUTE", RATE_LIMIT);
        env.put("BILLING_TRUST_PROXY", "true");
        env.put("BILLING_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("BILLING_REFETCH_ON_WEBHOOK", Boolean.toString(refetch));
        env.put("BILLING_LOG_FORMAT", "json");
        if (options.virtualThreads()) {
            env.put("BILLING_VIRTUAL_THREADS", "true");
        }
        return env;
    }

    void stopServer() {
        if (server != null) {
            server.close();
            server = null;
            serverRefetch = null;
        }
    }

    /** The in-process server, or null for an external one. */
    BillingServer inProcessServer() {
        return server;
    }

    InetSocketAddress serverAddress() {
        URI uri = external() ? URI.create(options.serverUrl()) : URI.create("http://127.0.0.1:" + server.port());
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        if (external() && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--server-url must be http://host:port (the generator speaks plain "
                    + "HTTP/1.1; put it next to the server, not behind TLS)");
        }
        return new InetSocketAddress(uri.getHost(), port);
    }

    String hostHeader() {
        InetSocketAddress a = serverAddress();
        return a.getHostString() + ":" + a.getPort();
    }

    String webhookSecret() {
        return webhookSecret;
    }

    LocalKeys tokenKey() {
        return tokenKey;
    }

    String issuer() {
        return issuer;
    }

    /** The emulator the bench started (in-process server), or null. */
    EmulatorProcess emulator() {
        return emulator;
    }

    /** Base URL and key of the Stripe API the server re-fetches from (the emulator, or given for external runs). */
    String stripeApiBase() {
        return emulator != null ? emulator.baseUrl() : options.stripeApiBase();
    }

    String stripeSecretKey() {
        return emulator != null ? emulator.apiKey() : options.stripeSecretKey();
    }

    boolean embeddedPostgres() {
        return postgres != null;
    }

    Path postgresDataDirectory() {
        return postgres == null ? null : postgres.dataDirectory();
    }

    /** Why the database refused the bench's {@code CHECKPOINT} (null: it did not); set once, by the first refusal. */
    String checkpointRefused() {
        return checkpointRefused;
    }

    void checkpointRefused(String why) {
        if (checkpointRefused == null) {
            checkpointRefused = why;
        }
    }

    /** A new JDBC connection to the bench's database (autocommit). */
    Connection connect() throws SQLException {
        Properties props = new Properties();
        props.putAll(database.properties());
        props.setProperty("user", database.user());
        if (database.password() != null) {
            props.setProperty("password", database.password());
        }
        return DriverManager.getConnection(database.jdbcUrl(), props);
    }

    String databaseUrlWithCredentials() {
        return postgres != null ? postgres.postgresUrl(DATABASE) : options.databaseUrl();
    }

    String describeDatabase() {
        return (postgres != null ? "embedded " : "external ") + database.describe();
    }

    /** What the billing schema holds now ({@link BillingTables#contents}), or null when it has no table. */
    BillingTables.Contents contents() {
        try (Connection c = connect()) {
            return BillingTables.contents(c);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read what the database holds: " + e.getMessage(), e);
        }
    }

    /** The durability and memory settings both the ceiling and the server ran with, and the server's version. */
    private Map<String, String> postgresSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT version()")) {
                rs.next();
                settings.put("version", rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery("""
                    SELECT name, current_setting(name) FROM pg_settings WHERE name IN ('fsync',
                    'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'commit_delay', 'shared_buffers',
                    'wal_buffers', 'max_connections', 'max_wal_size', 'checkpoint_timeout', 'wal_level')
                    ORDER BY name""")) {
                while (rs.next()) {
                    // current_setting shows a value in its own unit (128MB); pg_settings.setting counts
                    // blocks of `unit` (16384 of 8kB), which read as a number glued to a unit.
                    settings.put(rs.getString(1), rs.getString(2));
                }
            }
            settings.put("optimization", optimization(s));
        } catch (SQLException e) {
            settings.put("error", e.getMessage());
        }
        return settings;
    }

    /**
     * The compiler's optimization flag Postgres was built with: zonky's embedded binaries are built for size
     * ({@code -Os}) and spend more CPU per statement than a distribution's {@code -O2} build, so Postgres' figures are
     * read against it (docs/BENCHMARKS_HISTORY.md, "The payload's size and the Postgres build").
     */
    static String optimization(Statement s) {
        try (ResultSet rs = s.executeQuery("SELECT setting FROM pg_config WHERE name = 'CFLAGS'")) {
            return rs.next() ? optimizationFlag(rs.getString(1)) : "unknown (no CFLAGS in pg_config)";
        } catch (SQLException e) {
            // pg_config is readable by superusers only; an external database's bench role may not be one.
            return "unknown (pg_config: " + e.getSQLState() + ")";
        }
    }

    /** The last {@code -O} flag of a compiler command line (the one that wins), or "none". */
    static String optimizationFlag(String cflags) {
        String flag = "none";
        for (String word : cflags.split("\\s+")) {
            if (word.startsWith("-O")) {
                flag = word;
            }
        }
        return flag;
    }

    /**
     * The settings of {@link #postgresSettings()}, read once for the check and the report; fails unless every write
     * on this database waits for the WAL flush (the durability the bench claims).
     */
    Map<String, String> requireDurable() {
        Map<String, String> s = postgresSettings();
        List<String> wrong = new java.util.ArrayList<>();
        if (!"on".equals(s.get("fsync"))) {
            wrong.add("fsync=" + s.get("fsync"));
        }
        if (!"on".equals(s.get("synchronous_commit"))
                && !"remote_apply".equals(s.get("synchronous_commit"))
                && !"remote_write".equals(s.get("synchronous_commit"))) {
            wrong.add("synchronous_commit=" + s.get("synchronous_commit"));
        }
        if (!wrong.isEmpty() && !options.allowNonDurable()) {
            throw new IllegalStateException("The database is not durable (" + String.join(", ", wrong) + "): the "
                    + "ceiling and the ingest figures would be meaningless. Fix the settings, or pass "
                    + "--allow-non-durable to measure anyway (the report then says so).");
        }
        return s;
    }

    @Override
    public void close() {
        stopServer();
        if (emulator != null) {
            emulator.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static long postmasterPid(Path dataDirectory) {
        try {
            return Long.parseLong(java.nio.file.Files.readAllLines(dataDirectory.resolve("postmaster.pid"))
                    .get(0)
                    .strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * A port for a server the bench starts later: drawn below the ephemeral range, where no {@code bind(0)} or
     * outgoing connection of another process can take it before the server binds it.
     */
    static int freePort() {
        return FreePorts.belowEphemeralRange();
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

package dev.billing.testkit.supabase;

import dev.billing.embeddedpostgres.FreePorts;
import dev.billing.testkit.postgres.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Supabase-like REST stack on a real database: the database is prepared the way Supabase prepares a
 * project (roles {@code anon}, {@code authenticated}, {@code service_role}, {@code authenticator}, grants on
 * schema {@code public}, {@code auth.uid()}/{@code auth.role()}/{@code auth.jwt()}), the project's schema SQL is
 * applied, a real PostgREST 12.0.2 is started on it, and a small gateway in front of it serves
 * {@code /rest/v1} and checks the {@code apikey} like Supabase does.
 *
 * <p>Usage:
 * <pre>{@code
 * TestDatabase db = PostgresFixture.shared().newDatabase("supabase");
 * try (SupabaseFixture supabase = SupabaseFixture.builder(db).schemaResource("/db/schema.sql").start()) {
 *     client = new SupabaseRestClient(supabase.url(), supabase.serviceRoleKey());
 * }
 * }</pre>
 *
 * <p>The PostgREST binary comes from {@code BILLING_POSTGREST_BIN} or the npm cache the build fills; without it
 * {@link Builder#start()} fails with the command that installs it. PostgREST's output goes to
 * {@link #logFile()} ({@code target/fixture-logs/} by default).
 */
public final class SupabaseFixture implements AutoCloseable {

    /** PostgREST version run by this fixture. */
    public static final String POSTGREST_VERSION = PostgrestBinary.POSTGREST_VERSION;
    /** Password of the {@code authenticator} login role (the same for every fixture: roles are cluster-wide). */
    static final String AUTHENTICATOR_PASSWORD = "billing-testkit-authenticator";

    static final String LOG_DIR_PROPERTY = "billing.testkit.logDir";
    private static final Logger LOG = LoggerFactory.getLogger(SupabaseFixture.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Duration KEY_LIFETIME = Duration.ofDays(3650);

    private final TestDatabase database;
    private final String jwtSecret;
    private final String anonKey;
    private final String serviceRoleKey;
    private final PostgrestProcess postgrest;
    private final SupabaseGateway gateway;
    private final Thread shutdownHook;
    private boolean closed;

    private SupabaseFixture(TestDatabase database, String jwtSecret, PostgrestProcess postgrest) {
        this.database = database;
        this.jwtSecret = jwtSecret;
        Instant now = Instant.now();
        this.anonKey = HmacJwt.sign(apiKeyClaims("anon", now), jwtSecret);
        this.serviceRoleKey = HmacJwt.sign(apiKeyClaims("service_role", now), jwtSecret);
        this.postgrest = postgrest;
        this.gateway = new SupabaseGateway(
                URI.create("http://127.0.0.1:" + postgrest.port()), Set.of(anonKey, serviceRoleKey));
        this.shutdownHook = new Thread(this::closeQuietly, "billing-supabase-fixture-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts configuring a fixture on {@code database} (a fresh one from {@code PostgresFixture}). */
    public static Builder builder(TestDatabase database) {
        return new Builder(database);
    }

    /** The gateway's base URL, {@code http://127.0.0.1:<port>}: what a project sets as {@code SUPABASE_URL}. */
    public String url() {
        return gateway.baseUrl();
    }

    /** {@code url() + "/rest/v1"}. */
    public String restUrl() {
        return url() + SupabaseGateway.PREFIX;
    }

    /** PostgREST itself, without the gateway (no {@code /rest/v1} prefix, no apikey check). */
    public String postgrestUrl() {
        return "http://127.0.0.1:" + postgrest.port();
    }

    /** The {@code anon} API key: an HS256 JWT {@code {"role":"anon","iss":"supabase",...}}. */
    public String anonKey() {
        return anonKey;
    }

    /** The {@code service_role} API key: an HS256 JWT {@code {"role":"service_role","iss":"supabase",...}}. */
    public String serviceRoleKey() {
        return serviceRoleKey;
    }

    /** The project's JWT secret (random, 48 characters). */
    public String jwtSecret() {
        return jwtSecret;
    }

    /**
     * Signs arbitrary claims with the project's secret, e.g. a user session
     * {@code jwt(Map.of("role", "authenticated", "sub", uuid, "exp", ...))}. Sent as {@code Authorization: Bearer}
     * next to an {@code apikey}, PostgREST runs the request as that role with those claims.
     */
    public String jwt(Map<String, ?> claims) {
        return HmacJwt.sign(claims, jwtSecret);
    }

    /** The database behind the API. */
    public TestDatabase database() {
        return database;
    }

    /** Runs SQL as the database owner (DDL included); call {@link #reloadSchema()} afterwards for DDL. */
    public void executeSql(String sql) {
        SqlScripts.execute(database, sql);
    }

    /**
     * Makes the project's {@code billing_sql_version()} answer {@code version}, as a project whose SQL is of another
     * build does (an upgrade without {@code supabase-sql} run again, or a build rolled back).
     */
    public void claimSqlVersion(int version) {
        executeSql("CREATE OR REPLACE FUNCTION public.billing_sql_version() RETURNS integer LANGUAGE sql IMMUTABLE "
                + "SECURITY INVOKER SET search_path = '' AS $$ SELECT " + version + " $$");
    }

    /**
     * {@code NOTIFY pgrst, 'reload schema'} and waits until PostgREST says its schema cache is reloaded, so that
     * tables and functions created after start are served.
     */
    public void reloadSchema() {
        long loadsBefore = postgrest.schemaCacheLoads();
        executeSql("NOTIFY pgrst, 'reload schema'");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (postgrest.schemaCacheLoads() <= loadsBefore) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgREST did not reload its schema cache within 15 s. Log "
                        + postgrest.logFile() + ":\n" + postgrest.logTail(20));
            }
            PostgrestProcess.sleep(20);
        }
    }

    /** Stops PostgREST (not the database): requests through {@link #url()} then get 502, as when Supabase is down. */
    public void stopPostgrest() {
        postgrest.stop();
    }

    /** Starts PostgREST again (same port, same keys) and waits until it is ready. */
    public void startPostgrest() {
        postgrest.start();
    }

    /** Whether the PostgREST process runs. */
    public boolean isPostgrestRunning() {
        return postgrest.isRunning();
    }

    /** PostgREST's log file. */
    public Path logFile() {
        return postgrest.logFile();
    }

    /** Stops the gateway and kills PostgREST. The database is left alone (close it separately). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            gateway.close();
        } finally {
            postgrest.stop();
            if (Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting; the hook runs anyway
                }
            }
        }
    }

    @Override
    public String toString() {
        return "SupabaseFixture[" + url() + " -> PostgREST " + postgrestUrl() + " -> " + database + "]";
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop the Supabase fixture at JVM exit", e);
        }
    }

    private static Map<String, Object> apiKeyClaims(String role, Instant now) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("role", role);
        claims.put("iss", "supabase");
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(KEY_LIFETIME).getEpochSecond());
        return claims;
    }

    static String randomSecret(int length) {
        StringBuilder secret = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            secret.append(SECRET_ALPHABET.charAt(RANDOM.nextInt(SECRET_ALPHABET.length())));
        }
        return secret.toString();
    }

    static Path defaultLogDirectory() {
        String configured = System.getProperty(LOG_DIR_PROPERTY);
        return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("target", "fixture-logs");
    }

    /** Configures a {@link SupabaseFixture}. */
    public static final class Builder {
        private final TestDatabase database;
        private final List<String> schemaSql = new ArrayList<>();
        private Path logDirectory;
        private Path postgrestBinary;
        private int maxRows = 1000;
        private Duration startupTimeout = Duration.ofSeconds(30);

        private Builder(TestDatabase database) {
            this.database = Objects.requireNonNull(database, "database");
        }

        /** SQL scripts applied in order, as the database owner, after the Supabase roles and before PostgREST starts. */
        public Builder schemaSql(String... scripts) {
            for (String script : scripts) {
                schemaSql.add(Objects.requireNonNull(script, "script"));
            }
            return this;
        }

        /** Like {@link #schemaSql(String...)}, reading UTF-8 classpath resources (absolute names, e.g. {@code /db/schema.sql}). */
        public Builder schemaResource(String... resources) {
            for (String resource : resources) {
                schemaSql.add(readResource(resource));
            }
            return this;
        }

        /** PostgREST's {@code db-max-rows}; Supabase's default, 1000, unless changed (0 = unlimited). */
        public Builder maxRows(int maxRows) {
            if (maxRows < 0) {
                throw new IllegalArgumentException("maxRows must be >= 0");
            }
            this.maxRows = maxRows;
            return this;
        }

        /** Where PostgREST's log goes (default: system property {@code billing.testkit.logDir}, else {@code target/fixture-logs}). */
        public Builder logDirectory(Path directory) {
            this.logDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Uses this PostgREST executable instead of looking it up. */
        public Builder postgrestBinary(Path binary) {
            this.postgrestBinary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /** How long to wait for PostgREST to be ready (default 30 s). */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Prepares the database, applies the schema, starts PostgREST and the gateway.
         *
         * @throws IllegalStateException when PostgREST is not installed (the message says how to install it), or
         *     does not become ready
         */
        public SupabaseFixture start() {
            Path binary = postgrestBinary != null ? postgrestBinary : PostgrestBinary.locate();
            long t0 = System.nanoTime();
            SqlScripts.prepareSupabaseRoles(database, AUTHENTICATOR_PASSWORD);
            SqlScripts.prepareSupabaseDatabase(database);
            for (String script : schemaSql) {
                SqlScripts.execute(database, script);
            }
            long prepared = System.nanoTime();

            String secret = randomSecret(48);
            PostgrestProcess postgrest;
            for (int attempt = 1; ; attempt++) {
                try {
                    postgrest = postgrest(binary, secret, freePort(), freePort());
                    break;
                } catch (IllegalStateException e) {
                    // A port free when picked may be taken before PostgREST binds it (other fixtures, other modules'
                    // tests): pick again.
                    if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("Address in use")) {
                        throw e;
                    }
                    LOG.info("PostgREST's port was taken before it bound it; starting it again on others");
                }
            }
            SupabaseFixture fixture;
            try {
                fixture = new SupabaseFixture(database, secret, postgrest);
            } catch (RuntimeException e) {
                postgrest.stop();
                throw e;
            }
            LOG.info(
                    "Supabase fixture up in {} ms (database prepared in {} ms): {}",
                    (System.nanoTime() - t0) / 1_000_000,
                    (prepared - t0) / 1_000_000,
                    fixture);
            return fixture;
        }

        /** PostgREST on the database, started and ready on {@code port}, its admin server on {@code adminPort}. */
        private PostgrestProcess postgrest(Path binary, String secret, int port, int adminPort) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put(
                    "PGRST_DB_URI",
                    "postgres://authenticator:" + AUTHENTICATOR_PASSWORD + "@" + hostForUri(database.host()) + ":"
                            + database.port() + "/" + database.name());
            env.put("PGRST_DB_SCHEMAS", "public");
            env.put("PGRST_DB_ANON_ROLE", "anon");
            env.put("PGRST_JWT_SECRET", secret);
            env.put("PGRST_DB_POOL", "4");
            env.put("PGRST_DB_MAX_ROWS", Integer.toString(maxRows));
            env.put("PGRST_SERVER_HOST", "127.0.0.1");
            env.put("PGRST_SERVER_PORT", Integer.toString(port));
            env.put("PGRST_ADMIN_SERVER_PORT", Integer.toString(adminPort));
            env.put("PGRST_DB_CHANNEL_ENABLED", "true");
            env.put("PGRST_LOG_LEVEL", "info");
            if (maxRows == 0) {
                env.remove("PGRST_DB_MAX_ROWS");
            }
            Path logs = logDirectory != null ? logDirectory : defaultLogDirectory();
            Path logFile = logs.toAbsolutePath().resolve("postgrest-" + database.name() + "-" + port + ".log");
            PostgrestProcess postgrest = new PostgrestProcess(binary, env, logFile, port, adminPort, startupTimeout);
            postgrest.start();
            return postgrest;
        }

        private static String hostForUri(String host) {
            return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        }

        private static int freePort() {
            return FreePorts.belowEphemeralRange(); // PostgREST binds it once started
        }

        private static String readResource(String resource) {
            String name = resource.startsWith("/") ? resource : "/" + resource;
            try (InputStream in = SupabaseFixture.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalArgumentException("No classpath resource " + name);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + name, e);
            }
        }
    }

    /** SQL execution against the fixture's database. */
    static final class SqlScripts {
        private SqlScripts() {}

        static void prepareSupabaseRoles(TestDatabase database, String authenticatorPassword) {
            String sql = Builder.readResource("/dev/billing/testkit/supabase/supabase-roles.sql")
                    .replace("${authenticator_password}", authenticatorPassword.replace("'", "''"));
            // Roles are cluster-wide: fixtures on other databases may be creating them right now.
            for (int attempt = 1; ; attempt++) {
                try {
                    executeOrThrow(database, sql);
                    return;
                } catch (SQLException e) {
                    if (attempt >= 5) {
                        throw new IllegalStateException(
                                "Could not create the Supabase roles on " + database
                                        + " (the user needs CREATEROLE, and SUPERUSER for BYPASSRLS): "
                                        + e.getMessage(),
                                e);
                    }
                    PostgrestProcess.sleep(50L * attempt);
                }
            }
        }

        static void prepareSupabaseDatabase(TestDatabase database) {
            execute(database, Builder.readResource("/dev/billing/testkit/supabase/supabase-database.sql"));
        }

        static void execute(TestDatabase database, String sql) {
            try {
                executeOrThrow(database, sql);
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "SQL failed on " + database.name() + ": " + e.getMessage() + "\n" + sql, e);
            }
        }

        private static void executeOrThrow(TestDatabase database, String sql) throws SQLException {
            try (Connection c = database.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }
}

package dev.billing.postgres;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Everything {@link PostgresBillingStores#create(PostgresConfig)} needs to open its own connection pool: where the
 * database is, how to log in, the pool's sizes and timeouts, the schema, and whether to migrate on start.
 *
 * <p>Usage: {@code PostgresConfig.fromDatabaseUrl("postgres://billing:secret@db:5432/billing")} or
 * {@code PostgresConfig.builder().databaseUrl(url).maximumPoolSize(20).build()}.
 *
 * <p>A value the host builds in code: which variable or property holds the URL is the host's business (the server
 * reads {@code DATABASE_URL}, the Spring starter {@code billing.store.postgres.url}); this adapter never reads the
 * environment. Parsing the URL is a value parse, so {@link #fromDatabaseUrl(String)} takes the string itself.
 *
 * <p>{@link #jdbcUrl()} never carries credentials or query parameters; the driver settings from the URL's query
 * (e.g. {@code sslmode}) are in {@link #properties()}. {@link #toString()} masks the password and every property
 * whose name contains "password".
 *
 * @param jdbcUrl           {@code jdbc:postgresql://host:port/database}, without credentials or query
 * @param user              login user
 * @param password          login password; null for password-less logins (trust, peer, certificates)
 * @param properties        extra JDBC driver properties ({@code sslmode}, {@code ApplicationName}, ...)
 * @param schema            schema of the billing tables, created by the migrations (default {@code billing})
 * @param runMigrations     whether {@code create} applies the migrations first (default true)
 * @param maximumPoolSize   most connections the pool opens (default 10)
 * @param minimumIdle       idle connections the pool keeps ready (default 2, or maximumPoolSize when smaller)
 * @param connectionTimeout longest wait for a connection before failing with
 *                          {@link dev.billing.core.error.StoreUnavailableException} (default 3 s); also the
 *                          driver's connect and login timeouts
 * @param validationTimeout longest liveness check of a pooled connection (default 1 s; below the connection
 *                          timeout)
 * @param idleTimeout       idle connections above {@code minimumIdle} are closed after this (default 10 min, 0 =
 *                          never)
 * @param maxLifetime       connections are replaced after this (default 30 min, 0 = never)
 * @param keepaliveTime     idle connections are checked this often (default 2 min, 0 = never)
 * @param socketTimeout     a statement whose answer takes longer fails (default 10 s, 0 = wait forever): bounds a
 *                          call on a connection whose server vanished without closing it
 * @param poolName          name of the HikariCP pool in logs and JMX (default {@code billing-postgres})
 */
public record PostgresConfig(
        String jdbcUrl,
        String user,
        String password,
        Map<String, String> properties,
        String schema,
        boolean runMigrations,
        int maximumPoolSize,
        int minimumIdle,
        Duration connectionTimeout,
        Duration validationTimeout,
        Duration idleTimeout,
        Duration maxLifetime,
        Duration keepaliveTime,
        Duration socketTimeout,
        String poolName) {

    public static final String DEFAULT_SCHEMA = "billing";
    public static final int DEFAULT_MAXIMUM_POOL_SIZE = 10;
    public static final int DEFAULT_MINIMUM_IDLE = 2;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);
    public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofMinutes(2);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(10);
    public static final String DEFAULT_POOL_NAME = "billing-postgres";

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration HIKARI_FLOOR = Duration.ofMillis(250);
    private static final Duration THIRTY_SECONDS = Duration.ofSeconds(30);

    public PostgresConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql://");
        }
        if (jdbcUrl.indexOf('?') >= 0 || jdbcUrl.indexOf('@') >= 0) {
            throw new IllegalArgumentException("jdbcUrl must carry neither credentials nor query parameters: "
                    + "build the config with databaseUrl(..), which moves them to user, password and properties");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException(
                    "No database user: give it in the URL (postgres://user:password@...) " + "or with user(..)");
        }
        properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
        for (String key : properties.keySet()) {
            if (key.equals("user") || key.equals("password")) {
                throw new IllegalArgumentException(
                        "user and password are not driver properties here: use user(..) " + "and password(..)");
            }
        }
        checkSchema(schema);
        if (maximumPoolSize < 1) {
            throw new IllegalArgumentException("maximumPoolSize must be at least 1");
        }
        if (minimumIdle < 0 || minimumIdle > maximumPoolSize) {
            throw new IllegalArgumentException("minimumIdle must be between 0 and maximumPoolSize");
        }
        atLeast(connectionTimeout, HIKARI_FLOOR, "connectionTimeout");
        atLeast(validationTimeout, HIKARI_FLOOR, "validationTimeout");
        if (validationTimeout.compareTo(connectionTimeout) >= 0) {
            throw new IllegalArgumentException("validationTimeout must be shorter than connectionTimeout");
        }
        zeroOrAtLeast(idleTimeout, Duration.ofSeconds(10), "idleTimeout");
        zeroOrAtLeast(maxLifetime, THIRTY_SECONDS, "maxLifetime");
        zeroOrAtLeast(keepaliveTime, THIRTY_SECONDS, "keepaliveTime");
        if (!keepaliveTime.isZero() && !maxLifetime.isZero() && keepaliveTime.compareTo(maxLifetime) >= 0) {
            throw new IllegalArgumentException("keepaliveTime must be shorter than maxLifetime");
        }
        Objects.requireNonNull(socketTimeout, "socketTimeout");
        if (socketTimeout.isNegative()
                || (!socketTimeout.isZero() && socketTimeout.compareTo(Duration.ofSeconds(1)) < 0)) {
            throw new IllegalArgumentException("socketTimeout must be 0 (none) or at least 1 s");
        }
        if (poolName == null || poolName.isBlank()) {
            throw new IllegalArgumentException("poolName must not be blank");
        }
    }

    /** A config with every default, from a {@code postgres://}, {@code postgresql://} or {@code jdbc:postgresql://} URL. */
    public static PostgresConfig fromDatabaseUrl(String databaseUrl) {
        return builder().databaseUrl(databaseUrl).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.jdbcUrl = jdbcUrl;
        b.user = user;
        b.password = password;
        b.properties.putAll(properties);
        b.schema = schema;
        b.runMigrations = runMigrations;
        b.maximumPoolSize = maximumPoolSize;
        b.minimumIdle = minimumIdle;
        b.connectionTimeout = connectionTimeout;
        b.validationTimeout = validationTimeout;
        b.idleTimeout = idleTimeout;
        b.maxLifetime = maxLifetime;
        b.keepaliveTime = keepaliveTime;
        b.socketTimeout = socketTimeout;
        b.poolName = poolName;
        return b;
    }

    /** {@code host:port/database} and the user, for logs: no password, no properties. */
    public String describe() {
        return user + "@" + jdbcUrl.substring("jdbc:postgresql://".length());
    }

    /** Every field, with the password and password-like properties masked. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, isSecret(k) ? "****" : v));
        return "PostgresConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password="
                + (password == null ? "<none>" : "****") + ", properties=" + shown + ", schema=" + schema
                + ", runMigrations=" + runMigrations + ", maximumPoolSize=" + maximumPoolSize + ", minimumIdle="
                + minimumIdle + ", connectionTimeout=" + connectionTimeout + ", validationTimeout="
                + validationTimeout + ", idleTimeout=" + idleTimeout + ", maxLifetime=" + maxLifetime
                + ", keepaliveTime=" + keepaliveTime + ", socketTimeout=" + socketTimeout + ", poolName=" + poolName
                + "]";
    }

    /** A schema name is a plain lower-case identifier: safe to write into SQL unquoted. */
    static void checkSchema(String schema) {
        Objects.requireNonNull(schema, "schema");
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException(
                    "schema must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most " + "63 characters)");
        }
    }

    static boolean isSecret(String propertyName) {
        return propertyName.toLowerCase(Locale.ROOT).contains("password");
    }

    private static void atLeast(Duration value, Duration floor, String name) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(floor) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + floor.toMillis() + " ms");
        }
    }

    private static void zeroOrAtLeast(Duration value, Duration floor, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || (!value.isZero() && value.compareTo(floor) < 0)) {
            throw new IllegalArgumentException(name + " must be 0 (off) or at least " + floor.toSeconds() + " s");
        }
    }

    /** Builds a {@link PostgresConfig}; every setting but the address and user has a default. */
    public static final class Builder {
        private String jdbcUrl;
        private String user;
        private String password;
        private final Map<String, String> properties = new TreeMap<>();
        private String schema = DEFAULT_SCHEMA;
        private boolean runMigrations = true;
        private int maximumPoolSize = DEFAULT_MAXIMUM_POOL_SIZE;
        private Integer minimumIdle;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration validationTimeout = DEFAULT_VALIDATION_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        private Duration keepaliveTime = DEFAULT_KEEPALIVE_TIME;
        private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
        private String poolName = DEFAULT_POOL_NAME;

        private Builder() {}

        /**
         * The database address in either form ({@code postgres://user:pass@host:port/db?sslmode=require} or
         * {@code jdbc:postgresql://host:port/db?user=..&password=..}). Sets the JDBC URL, the user and password
         * when the URL has them, and adds its query parameters as driver properties.
         *
         * @throws IllegalArgumentException when the URL is malformed (the message never repeats the password)
         */
        public Builder databaseUrl(String databaseUrl) {
            DatabaseUrl.Parsed parsed = DatabaseUrl.parse(databaseUrl);
            this.jdbcUrl = parsed.jdbcUrl();
            if (parsed.user() != null) {
                this.user = parsed.user();
            }
            if (parsed.password() != null) {
                this.password = parsed.password();
            }
            this.properties.putAll(parsed.properties());
            return this;
        }

        public Builder user(String value) {
            this.user = value;
            return this;
        }

        public Builder password(String value) {
            this.password = value;
            return this;
        }

        /** One JDBC driver property, e.g. {@code property("sslmode", "verify-full")}. */
        public Builder property(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            this.properties.put(name, value);
            return this;
        }

        public Builder schema(String value) {
            this.schema = value;
            return this;
        }

        public Builder runMigrations(boolean value) {
            this.runMigrations = value;
            return this;
        }

        public Builder maximumPoolSize(int value) {
            this.maximumPoolSize = value;
            return this;
        }

        public Builder minimumIdle(int value) {
            this.minimumIdle = value;
            return this;
        }

        public Builder connectionTimeout(Duration value) {
            this.connectionTimeout = value;
            return this;
        }

        public Builder validationTimeout(Duration value) {
            this.validationTimeout = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        public Builder maxLifetime(Duration value) {
            this.maxLifetime = value;
            return this;
        }

        public Builder keepaliveTime(Duration value) {
            this.keepaliveTime = value;
            return this;
        }

        public Builder socketTimeout(Duration value) {
            this.socketTimeout = value;
            return this;
        }

        public Builder poolName(String value) {
            this.poolName = value;
            return this;
        }

        /** @throws IllegalArgumentException when a setting is missing or out of range */
        public PostgresConfig build() {
            if (jdbcUrl == null) {
                throw new IllegalArgumentException("No database address: call databaseUrl(..)");
            }
            int idle = minimumIdle != null ? minimumIdle : Math.min(DEFAULT_MINIMUM_IDLE, maximumPoolSize);
            return new PostgresConfig(
                    jdbcUrl,
                    user,
                    password,
                    properties,
                    schema,
                    runMigrations,
                    maximumPoolSize,
                    idle,
                    connectionTimeout,
                    validationTimeout,
                    idleTimeout,
                    maxLifetime,
                    keepaliveTime,
                    socketTimeout,
                    poolName);
        }
    }
}

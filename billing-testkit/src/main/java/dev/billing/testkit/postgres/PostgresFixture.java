package dev.billing.testkit.postgres;

import dev.billing.embeddedpostgres.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Postgres server per test JVM, and fresh databases on it.
 *
 * <p>The server is chosen once, in this order:
 * <ol>
 *   <li>{@value #URL_ENV} when set: a {@code jdbc:postgresql://host:port/db?user=..&password=..} or
 *       {@code postgres://user:pass@host:port/db} URL of a server where that user may create databases (and roles,
 *       for the Supabase fixture);</li>
 *   <li>a Testcontainers {@code postgres:17-alpine} container when Testcontainers is on the classpath and a
 *       Docker engine answers (image overridable with {@code BILLING_TEST_PG_IMAGE});</li>
 *   <li>otherwise an embedded PostgreSQL 17 ({@link EmbeddedPostgresServer}, temporary data, fsync off).</li>
 * </ol>
 *
 * <p>Usage: {@code TestDatabase db = PostgresFixture.shared().newDatabase("orders");} (or
 * {@code @ExtendWith(dev.billing.testkit.postgres.junit.PostgresDatabaseExtension.class)} and a {@link TestDatabase} parameter). For failure tests
 * that stop the database: {@code try (DedicatedPostgres pg = PostgresFixture.startDedicated()) { ... }}.
 */
public final class PostgresFixture {

    /** Environment variable naming an existing server to use instead of starting one. */
    public static final String URL_ENV = "BILLING_TEST_PG_URL";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresFixture.class);

    /** Where the shared server comes from. */
    public enum Kind {
        /** The server named by {@value PostgresFixture#URL_ENV}. */
        EXTERNAL,
        /** A Testcontainers-managed Docker container. */
        TESTCONTAINERS,
        /** An embedded server started in-process from the zonky binaries. */
        EMBEDDED
    }

    private static PostgresFixture shared;
    private static RuntimeException sharedFailure;

    private final Kind kind;
    private final ServerAddress admin;
    private final EmbeddedPostgresServer embedded;

    private PostgresFixture(Kind kind, ServerAddress admin, EmbeddedPostgresServer embedded) {
        this.kind = kind;
        this.admin = admin;
        this.embedded = embedded;
    }

    /** The server of this JVM, started (or connected to) on first use; it lives until the JVM exits. */
    public static synchronized PostgresFixture shared() {
        if (shared == null) {
            if (sharedFailure != null) {
                throw new IllegalStateException(
                        "The shared Postgres server failed to start earlier in this JVM: " + sharedFailure.getMessage(),
                        sharedFailure);
            }
            try {
                shared = select(System.getenv(), DockerProbe::isDockerAvailable);
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
        }
        return shared;
    }

    /**
     * A dedicated embedded server with its own port and data directory, already started, for tests that stop
     * and restart the database. Close it at the end (it deletes its data).
     */
    public static DedicatedPostgres startDedicated() {
        return new DedicatedPostgres(
                EmbeddedPostgresServer.builder().nonDurable().start());
    }

    /** Chooses the server from {@code env} and the Docker probe (see the class comment). */
    static PostgresFixture select(Map<String, String> env, BooleanSupplier dockerAvailable) {
        Objects.requireNonNull(env, "env");
        String url = env.get(URL_ENV);
        if (url != null && !url.isBlank()) {
            ServerAddress admin;
            try {
                admin = ServerAddress.parse(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(URL_ENV + " is not a usable Postgres URL: " + e.getMessage(), e);
            }
            checkReachable(admin);
            LOG.info("Postgres fixture: using the server from {} at {}", URL_ENV, admin.describe());
            return new PostgresFixture(Kind.EXTERNAL, admin, null);
        }
        if (dockerAvailable.getAsBoolean()) {
            try {
                ServerAddress admin = TestcontainersPostgres.start(env);
                LOG.info("Postgres fixture: using a Testcontainers container at {}", admin.describe());
                return new PostgresFixture(Kind.TESTCONTAINERS, admin, null);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn(
                        "Postgres fixture: Docker answers but the container did not start ({}); "
                                + "falling back to embedded Postgres",
                        e.toString());
            }
        }
        EmbeddedPostgresServer server =
                EmbeddedPostgresServer.builder().nonDurable().start();
        ServerAddress admin = ServerAddress.of(server, "postgres");
        LOG.info(
                "Postgres fixture: using embedded Postgres at {} ({} not set, no Docker engine)",
                admin.describe(),
                URL_ENV);
        return new PostgresFixture(Kind.EMBEDDED, admin, server);
    }

    /** Where the server came from. */
    public Kind kind() {
        return kind;
    }

    /** A fresh, empty database named {@code test_<unique suffix>}. */
    public TestDatabase newDatabase() {
        return newDatabase("test");
    }

    /**
     * A fresh, empty database named {@code <prefix>_<unique suffix>} (the prefix is lower-cased and reduced to
     * letters, digits and underscores). Nobody else uses it; close it to drop it.
     */
    public TestDatabase newDatabase(String prefix) {
        return new TestDatabase(admin.withDatabase(Databases.create(admin, prefix)), admin);
    }

    /** Host, port and user of the server, without password, for logs. */
    public String describe() {
        return kind + " " + admin.describe();
    }

    @Override
    public String toString() {
        return "PostgresFixture[" + describe() + "]";
    }

    /** Stops an embedded server this fixture started (only for fixtures made by {@link #select}). */
    void shutdown() {
        if (embedded != null) {
            embedded.close();
        }
    }

    private static void checkReachable(ServerAddress admin) {
        try (Connection c = admin.dataSource().getConnection()) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    URL_ENV + " points at " + admin.describe()
                            + " but it does not accept a connection: " + e.getMessage()
                            + " (unset " + URL_ENV + " to use an embedded Postgres instead)",
                    e);
        }
    }
}

package dev.billing.testkit.postgres;

import dev.billing.embeddedpostgres.EmbeddedPostgresServer;
import java.util.Objects;

/**
 * A Postgres server of its own (own port, own data directory) that a test may stop and start again, to check
 * what happens when the database goes away mid-test. Stopping keeps the data; {@link #start()} brings the
 * server back on the same port with the same databases. Always an embedded server, whatever
 * {@code BILLING_TEST_PG_URL} says.
 *
 * <p>Usage: {@code try (DedicatedPostgres pg = PostgresFixture.startDedicated()) { TestDatabase db = pg.newDatabase();
 * ...; pg.stop(); ...; pg.start(); }}
 */
public final class DedicatedPostgres implements AutoCloseable {

    private final EmbeddedPostgresServer server;

    DedicatedPostgres(EmbeddedPostgresServer server) {
        this.server = Objects.requireNonNull(server, "server");
    }

    /** A fresh database named {@code test_...} on this server. */
    public TestDatabase newDatabase() {
        return newDatabase("test");
    }

    /** A fresh database named {@code <prefix>_<unique suffix>} on this server. */
    public TestDatabase newDatabase(String prefix) {
        ServerAddress admin = ServerAddress.of(server, "postgres");
        return new TestDatabase(admin.withDatabase(Databases.create(admin, prefix)), admin);
    }

    /** Stops the server (fast shutdown: sessions are cut); connection attempts are refused until {@link #start()}. */
    public void stop() {
        server.stop();
    }

    /** Starts the server again on the same port with the same data. No-op when running. */
    public void start() {
        server.start();
    }

    /** Whether the server runs. */
    public boolean isRunning() {
        return server.isRunning();
    }

    /** The server's port (stable across stop/start). */
    public int port() {
        return server.port();
    }

    /** The underlying server, for URLs and data sources of arbitrary databases. */
    public EmbeddedPostgresServer server() {
        return server;
    }

    /** Stops the server and deletes its data directory. */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "DedicatedPostgres[" + server + "]";
    }
}

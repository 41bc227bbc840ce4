package dev.billing.testkit.postgres;

import java.util.Objects;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A freshly created, empty Postgres database that belongs to one test class, with everything needed to
 * connect to it. Closing it drops the database ({@code DROP DATABASE ... WITH (FORCE)}).
 *
 * <p>Usage: {@code TestDatabase db = PostgresFixture.shared().newDatabase("orders");
 * Jdbi.create(db.dataSource())}, or let {@code dev.billing.testkit.postgres.junit.PostgresDatabaseExtension} inject one.
 *
 * <p>{@link #jdbcUrl()} carries no credentials: pass {@link #user()} and {@link #password()} separately
 * (as HikariCP and Flyway expect), or use {@link #dataSource()} / {@link #postgresUrl()}.
 */
public final class TestDatabase implements AutoCloseable {

    private final ServerAddress address;
    private final ServerAddress admin;

    TestDatabase(ServerAddress address, ServerAddress admin) {
        this.address = Objects.requireNonNull(address, "address");
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    /** The database name, e.g. {@code orders_m3k2x1_7}. */
    public String name() {
        return address.database();
    }

    /** Host of the server, e.g. {@code localhost}. */
    public String host() {
        return address.host();
    }

    /** TCP port of the server. */
    public int port() {
        return address.port();
    }

    /** Login user; it owns the database and, on the embedded and container servers, is a superuser. */
    public String user() {
        return address.user();
    }

    /** Password of {@link #user()} (any value works against the embedded server, which trusts local logins). */
    public String password() {
        return address.password();
    }

    /** {@code jdbc:postgresql://host:port/name} (plus any options from {@code BILLING_TEST_PG_URL}, no credentials). */
    public String jdbcUrl() {
        return address.jdbcUrl();
    }

    /** {@code postgres://user:password@host:port/name}: the libpq form (PostgREST, psql, Supabase-style settings). */
    public String postgresUrl() {
        return address.postgresUrl();
    }

    /** A new plain (non-pooling) data source for this database, credentials set. */
    public PGSimpleDataSource dataSource() {
        return address.dataSource();
    }

    /** Drops the database, disconnecting any remaining sessions. */
    @Override
    public void close() {
        Databases.drop(admin, name());
    }

    @Override
    public String toString() {
        return "TestDatabase[" + address.describe() + "]";
    }
}

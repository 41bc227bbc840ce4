package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.embeddedpostgres.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan counters the growth scenario judges by, on a real Postgres: a whole-table read by another connection is
 * counted for that table, an index lookup is not, and the live rows are the table's.
 */
class TableScansIT {
    @TempDir
    static Path dir;

    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void start() throws SQLException {
        postgres = EmbeddedPostgresServer.builder()
                .dataDirectory(dir.resolve("pg"))
                .nonDurable()
                .start();
        try (Connection c = postgres.dataSource("postgres").getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA billing");
            s.execute("CREATE TABLE billing.customers (user_id text PRIMARY KEY, email text)");
            s.execute("INSERT INTO billing.customers SELECT 'user_' || i, 'u' || i || '@x.invalid' "
                    + "FROM generate_series(1, 20000) i");
            s.execute("VACUUM (ANALYZE) billing.customers");
        }
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void aWholeTableReadIsCountedAndAnIndexLookupIsNot() throws SQLException {
        try (Connection c = postgres.dataSource("postgres").getConnection()) {
            TableScans.Snapshot start = TableScans.read(c);
            // Another backend, as the server's pool is; its counters are published when it ends.
            try (Connection other = postgres.dataSource("postgres").getConnection();
                    Statement s = other.createStatement()) {
                s.executeQuery("SELECT * FROM billing.customers WHERE user_id = 'user_7'")
                        .close();
            }
            TableScans.Snapshot lookedUp = awaitPublished(c, start, 1);
            assertThat(lookedUp.scansSince(start)).isEmpty();

            try (Connection other = postgres.dataSource("postgres").getConnection();
                    Statement s = other.createStatement()) {
                s.executeQuery("SELECT * FROM billing.customers WHERE lower(email) = 'u7@x.invalid'")
                        .close();
            }
            TableScans.Snapshot scanned = awaitPublished(c, start, 2);
            assertThat(scanned.scansSince(start)).containsEntry("customers", 1L);
            assertThat(scanned.rows()).containsEntry("customers", 20_000L);
        }
    }

    @Test
    void theContentsAtTheStartNameTheRowsAlreadyStored() throws SQLException {
        try (Connection c = postgres.dataSource("postgres").getConnection()) {
            BillingTables.Contents held = BillingTables.contents(c);
            assertThat(held.rows()).containsExactly(java.util.Map.entry("customers", 20_000L));
            assertThat(held.holdsRows()).isTrue();
            assertThat(held.bytes()).isPositive();
            assertThat(held.describe()).matches("[0-9,]+ MB in the billing schema \\(20,000 customers rows\\)");
        }
        try (Connection c = postgres.dataSource("postgres").getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS nothing_yet");
            s.execute("CREATE DATABASE nothing_yet");
        }
        try (Connection c = postgres.dataSource("nothing_yet").getConnection()) {
            assertThat(BillingTables.contents(c)).isNull();
        }
    }

    /** Until the tables' counters moved {@code moves} times since {@code start} (index or sequential reads). */
    private static TableScans.Snapshot awaitPublished(Connection c, TableScans.Snapshot start, long moves)
            throws SQLException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            TableScans.Snapshot now = TableScans.read(c);
            if (now.readsSince(start) >= moves || System.nanoTime() > deadline) {
                return now;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // polling Postgres' published counters
        }
    }
}

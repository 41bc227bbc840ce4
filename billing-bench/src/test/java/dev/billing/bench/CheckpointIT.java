package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.embeddedpostgres.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint that ends each ingest run's window, on a real Postgres: a superuser's really happens; a user
 * without {@code pg_checkpoint} gets the database's refusal back instead of an exception, so the bench goes on.
 */
class CheckpointIT {
    @TempDir
    static Path dir;

    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void start() {
        postgres = EmbeddedPostgresServer.builder()
                .dataDirectory(dir.resolve("pg"))
                .nonDurable()
                .start();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void aSuperusersCheckpointIsDone() throws SQLException {
        try (Connection c = postgres.dataSource("postgres").getConnection()) {
            String before = lastCheckpoint(c);
            assertThat(IngestScenario.checkpoint(c)).isNull();
            assertThat(lastCheckpoint(c)).isNotEqualTo(before);
        }
    }

    @Test
    void aUserWhoMayNotCheckpointGetsTheRefusalBack() throws SQLException {
        try (Connection admin = postgres.dataSource("postgres").getConnection();
                Statement s = admin.createStatement()) {
            s.execute("DROP ROLE IF EXISTS bench_plain");
            s.execute("CREATE ROLE bench_plain LOGIN");
            String before = lastCheckpoint(admin);
            try (Connection plain = DriverManager.getConnection(postgres.jdbcUrl("postgres"), "bench_plain", "x")) {
                assertThat(IngestScenario.checkpoint(plain)).contains("CHECKPOINT");
            }
            assertThat(lastCheckpoint(admin)).isEqualTo(before);
        }
    }

    /**
     * Where the last checkpoint's record is, from the control file: a forced checkpoint writes a new one even on an
     * idle database, and the file is updated before {@code CHECKPOINT} returns (the statistics views lag behind).
     */
    private static String lastCheckpoint(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT checkpoint_lsn::text FROM pg_control_checkpoint()")) {
            r.next();
            return r.getString(1);
        }
    }
}

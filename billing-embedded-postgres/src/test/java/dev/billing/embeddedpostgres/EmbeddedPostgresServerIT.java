package dev.billing.embeddedpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerIT {

    @TempDir
    Path tmp;

    @Test
    void secondStartOnTheSameDataDirectoryKeepsData() throws SQLException {
        Path data = tmp.resolve(".billing/pg");
        int port = FreePorts.belowEphemeralRange();
        try (EmbeddedPostgresServer first =
                EmbeddedPostgresServer.builder().dataDirectory(data).port(port).start()) {
            assertThat(first.createDatabaseIfMissing("billing")).isTrue();
            execute(first, "CREATE TABLE notes (v text); INSERT INTO notes VALUES ('persisted')");
        }
        assertThat(data).isDirectory();
        assertThat(data.resolve("PG_VERSION")).content().startsWith("17");
        Path log = tmp.resolve(".billing/pg.log");
        assertThat(log).content().contains("Success", "database system is ready to accept connections");

        long t0 = System.nanoTime();
        try (EmbeddedPostgresServer second =
                EmbeddedPostgresServer.builder().dataDirectory(data).port(port).start()) {
            System.out.println("Restart on existing data in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(second.port()).isEqualTo(port);
            assertThat(second.createDatabaseIfMissing("billing")).isFalse();
            assertThat(queryString(second, "SELECT v FROM notes")).isEqualTo("persisted");
            assertThat(second.logFile()).isEqualTo(log);
        }
        assertThat(data).isDirectory();
        assertThat(log).content().contains("database system is shut down");
    }

    @Test
    void aStartThatFailsSaysWhatPostgresPrintedAndLeavesNoTemporaryFiles() {
        // postgres exits at once; the start still waits out its timeout (zonky polls for a connection till then)
        EmbeddedPostgresServer server = EmbeddedPostgresServer.builder()
                .serverConfig("no_such_setting", "on")
                .startupTimeout(Duration.ofSeconds(5))
                .build();
        Path data = server.dataDirectory();

        assertThatThrownBy(server::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Could not start embedded Postgres")
                .hasMessageContaining("postgres printed:")
                .hasMessageContaining("unrecognized configuration parameter \"no_such_setting\"");
        assertThat(server.isRunning()).isFalse();
        assertThat(data).doesNotExist();
        assertThat(server.logFile()).doesNotExist();
    }

    @Test
    void stopAndStartOnOneInstanceKeepsPortAndData() throws SQLException {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.builder()
                .dataDirectory(tmp.resolve("pg"))
                .start()) {
            server.createDatabaseIfMissing("billing");
            execute(server, "CREATE TABLE t (v int); INSERT INTO t VALUES (42)");
            int port = server.port();

            server.stop();
            assertThat(server.isRunning()).isFalse();
            server.start();

            assertThat(server.port()).isEqualTo(port);
            assertThat(queryString(server, "SELECT v::text FROM t")).isEqualTo("42");
        }
    }

    @Test
    void temporaryDataDirectoryIsDeletedOnClose() {
        Path data;
        Path log;
        try (EmbeddedPostgresServer server =
                EmbeddedPostgresServer.builder().nonDurable().start()) {
            data = server.dataDirectory();
            log = server.logFile();
            assertThat(data.resolve("PG_VERSION")).exists();
            assertThat(log).exists();
            assertThat(server.jdbcUrl("postgres"))
                    .isEqualTo("jdbc:postgresql://localhost:" + server.port() + "/postgres");
            assertThat(server.postgresUrl("x"))
                    .isEqualTo("postgres://postgres:postgres@localhost:" + server.port() + "/x");
        }
        assertThat(data).doesNotExist();
        assertThat(log).doesNotExist();
    }

    @Test
    void dataDirectoryInUseIsRefused() {
        Path data = tmp.resolve("busy");
        try (EmbeddedPostgresServer first =
                EmbeddedPostgresServer.builder().dataDirectory(data).start()) {
            EmbeddedPostgresServer second =
                    EmbeddedPostgresServer.builder().dataDirectory(data).build();

            assertThatThrownBy(second::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use");
            assertThat(first.isRunning()).isTrue();
        }
    }

    @Test
    void serverLeftRunningByAKilledJvmIsStoppedAndItsDataReused() throws Exception {
        Path data = tmp.resolve("orphan");
        int port = FreePorts.belowEphemeralRange();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        OrphanMaker.class.getName(),
                        data.toString(),
                        Integer.toString(port))
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals(OrphanMaker.READY)) {
                // skip the child's logs
            }
            assertThat(line).as("child JVM output").isEqualTo(OrphanMaker.READY);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, the postmaster keeps running
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long orphanPid = Long.parseLong(
                Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).contains(true);

        try (EmbeddedPostgresServer server =
                EmbeddedPostgresServer.builder().dataDirectory(data).port(port).start()) {
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            assertThat(queryString(server, "SELECT v FROM notes")).isEqualTo("from the killed JVM");
        }
    }

    /** Run in a child JVM: starts a server on a data directory, writes a row, says READY, waits to be killed. */
    static final class OrphanMaker {
        static final String READY = "ORPHAN-MAKER-READY";

        public static void main(String[] args) throws Exception {
            EmbeddedPostgresServer server = EmbeddedPostgresServer.builder()
                    .dataDirectory(Path.of(args[0]))
                    .port(Integer.parseInt(args[1]))
                    .start();
            server.createDatabaseIfMissing("billing");
            execute(server, "CREATE TABLE notes (v text); INSERT INTO notes VALUES ('from the killed JVM')");
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(60_000);
        }
    }

    static void execute(EmbeddedPostgresServer server, String sql) throws SQLException {
        try (Connection c = server.dataSource("billing").getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String queryString(EmbeddedPostgresServer server, String sql) throws SQLException {
        try (Connection c = server.dataSource("billing").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}

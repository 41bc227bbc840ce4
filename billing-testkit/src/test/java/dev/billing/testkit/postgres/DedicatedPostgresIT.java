package dev.billing.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DedicatedPostgresIT {

    private static DedicatedPostgres pg;

    @BeforeAll
    static void startServer() {
        pg = PostgresFixture.startDedicated();
    }

    @AfterAll
    static void closeServer() {
        pg.close();
    }

    @Test
    void dedicatedServerIsNotTheSharedOne() {
        try (TestDatabase shared = PostgresFixture.shared().newDatabase("probe")) {
            assertThat(pg.port()).isNotEqualTo(shared.port());
        }
    }

    @Test
    void survivesStopAndStartWithDataKept() throws SQLException {
        TestDatabase db = pg.newDatabase("restart");
        PostgresFixtureIT.execute(db, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before stop')");
        int port = pg.port();

        pg.stop();
        assertThat(pg.isRunning()).isFalse();
        long t0 = System.nanoTime();
        pg.start();
        System.out.println("Dedicated server restarted in " + (System.nanoTime() - t0) / 1_000_000 + " ms");

        assertThat(pg.isRunning()).isTrue();
        assertThat(pg.port()).isEqualTo(port);
        assertThat(PostgresFixtureIT.count(db, "SELECT count(*) FROM kept WHERE v = 'before stop'"))
                .isEqualTo(1);
    }

    @Test
    void stoppedServerRefusesConnectionsFast() {
        TestDatabase db = pg.newDatabase("refused");
        pg.stop();
        try {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> db.dataSource().getConnection().close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
        } finally {
            pg.start();
        }
    }

    @Test
    void poolFailsFastWhileStoppedAndRecoversAfterRestart() throws SQLException {
        TestDatabase db = pg.newDatabase("pool");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(1_000);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            assertThat(selectOne(pool)).isEqualTo(1);

            pg.stop();
            // Pooled connections die with the server; once they are evicted, the pool answers with its typed
            // timeout (connectionTimeout = 1 s) because new connections are refused.
            long t0 = System.nanoTime();
            SQLException last = null;
            while (!(last instanceof SQLTransientConnectionException) && System.nanoTime() - t0 < 10_000_000_000L) {
                try {
                    selectOne(pool);
                    throw new AssertionError("query succeeded while Postgres is stopped");
                } catch (SQLException e) {
                    last = e;
                }
            }
            assertThat((Throwable) last).isInstanceOf(SQLTransientConnectionException.class);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);

            pg.start();
            // Recovery is the property, not its speed: on a loaded 2-core machine the first reconnect can take
            // longer than one connection timeout.
            long restarted = System.nanoTime();
            Integer answer = null;
            while (answer == null && System.nanoTime() - restarted < 20_000_000_000L) {
                try {
                    answer = selectOne(pool);
                } catch (SQLTransientConnectionException e) {
                    // not yet
                }
            }
            assertThat(answer).isEqualTo(1);
        } finally {
            pg.start();
        }
    }

    private static int selectOne(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

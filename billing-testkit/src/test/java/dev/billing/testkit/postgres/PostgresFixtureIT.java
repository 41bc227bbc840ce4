package dev.billing.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresFixtureIT {

    @Test
    void sharedFixtureIsOneServerPerJvm() {
        assertThat(PostgresFixture.shared()).isSameAs(PostgresFixture.shared());
        System.out.println("Shared Postgres: " + PostgresFixture.shared().describe());
    }

    @Test
    void sharedFixtureIsEmbeddedWhenNoUrlAndNoDocker() {
        if (System.getenv(PostgresFixture.URL_ENV) == null && !DockerProbe.isDockerAvailable()) {
            assertThat(PostgresFixture.shared().kind()).isEqualTo(PostgresFixture.Kind.EMBEDDED);
        } else {
            assertThat(PostgresFixture.shared().kind()).isNotEqualTo(PostgresFixture.Kind.EMBEDDED);
        }
    }

    @Test
    void freshDatabasesAreIsolated() throws SQLException {
        long t0 = System.nanoTime();
        try (TestDatabase a = PostgresFixture.shared().newDatabase("iso");
                TestDatabase b = PostgresFixture.shared().newDatabase("iso")) {
            System.out.println("Two fresh databases in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(a.name()).isNotEqualTo(b.name()).startsWith("iso_");

            execute(a, "CREATE TABLE t (id int primary key); INSERT INTO t VALUES (1)");

            assertThat(count(a, "SELECT count(*) FROM t")).isEqualTo(1);
            assertThat(count(b, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                    .isZero();
            assertThat(count(a, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void freshDatabaseIsReachableThroughEveryAccessor() throws SQLException {
        try (TestDatabase db = PostgresFixture.shared().newDatabase()) {
            assertThat(db.name()).startsWith("test_");
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.name());
            assertThat(db.postgresUrl())
                    .startsWith("postgres://" + db.user() + ":")
                    .endsWith("@" + db.host() + ":" + db.port() + "/" + db.name());

            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
                assertThat(c.getCatalog()).isEqualTo(db.name());
            }
            try (Connection c = db.dataSource().getConnection()) {
                assertThat(c.getCatalog()).isEqualTo(db.name());
            }
            ServerAddress fromUrl = ServerAddress.parse(db.postgresUrl());
            try (Connection c = fromUrl.dataSource().getConnection()) {
                assertThat(c.getCatalog()).isEqualTo(db.name());
            }
        }
    }

    @Test
    void closingDropsTheDatabase() throws SQLException {
        TestDatabase db = PostgresFixture.shared().newDatabase("dropme");
        execute(db, "CREATE TABLE t (id int)");

        db.close();

        assertThatThrownBy(() -> db.dataSource().getConnection().close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(db.name());
    }

    @Test
    void urlFromEnvironmentIsHonoured() throws SQLException {
        try (TestDatabase target = PostgresFixture.shared().newDatabase("envtarget")) {
            for (String url : new String[] {
                target.postgresUrl(), target.jdbcUrl() + "?user=" + target.user() + "&password=" + target.password()
            }) {
                PostgresFixture viaEnv = PostgresFixture.select(
                        Map.of(PostgresFixture.URL_ENV, url),
                        () -> fail("Docker must not be probed when " + PostgresFixture.URL_ENV + " is set"));

                assertThat(viaEnv.kind()).isEqualTo(PostgresFixture.Kind.EXTERNAL);
                assertThat(viaEnv.describe()).contains(target.name()).doesNotContain("password");
                try (TestDatabase db = viaEnv.newDatabase("viaenv")) {
                    assertThat(db.port()).isEqualTo(target.port());
                    assertThat(db.user()).isEqualTo(target.user());
                    assertThat(count(db, "SELECT count(*) FROM pg_database WHERE datname = current_database()"))
                            .isEqualTo(1);
                }
            }
        }
    }

    @Test
    void unreachableUrlFromEnvironmentFailsWithAHint() throws java.io.IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env =
                Map.of(PostgresFixture.URL_ENV, "postgres://u:secret@127.0.0.1:" + closedPort + "/db");

        assertThatThrownBy(() -> PostgresFixture.select(env, () -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(PostgresFixture.URL_ENV)
                .hasMessageContaining("does not accept a connection")
                .hasMessageNotContaining("secret");
    }

    @Test
    void malformedUrlFromEnvironmentFailsWithAHint() {
        assertThatThrownBy(() -> PostgresFixture.select(Map.of(PostgresFixture.URL_ENV, "mysql://h/db"), () -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(PostgresFixture.URL_ENV);
    }

    @Test
    void withoutUrlAndDockerAnEmbeddedServerIsStarted() throws SQLException {
        PostgresFixture embedded = PostgresFixture.select(Map.of(), () -> false);
        try {
            assertThat(embedded.kind()).isEqualTo(PostgresFixture.Kind.EMBEDDED);
            try (TestDatabase db = embedded.newDatabase()) {
                assertThat(count(db, "SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolsuper"))
                        .isEqualTo(1);
                assertThat(count(db, "SELECT current_setting('server_version_num')::int / 10000"))
                        .isEqualTo(17);
            }
        } finally {
            embedded.shutdown();
        }
    }

    static void execute(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

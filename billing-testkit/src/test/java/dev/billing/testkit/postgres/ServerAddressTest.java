package dev.billing.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerAddressTest {

    @Test
    void parsesPostgresUrlWithCredentials() {
        ServerAddress a = ServerAddress.parse("postgres://alice:s%40cret@db.example:6543/app?sslmode=require");

        assertThat(a.host()).isEqualTo("db.example");
        assertThat(a.port()).isEqualTo(6543);
        assertThat(a.database()).isEqualTo("app");
        assertThat(a.user()).isEqualTo("alice");
        assertThat(a.password()).isEqualTo("s@cret");
        assertThat(a.options()).containsExactly(Map.entry("sslmode", "require"));
    }

    @Test
    void parsesJdbcUrlWithCredentialsInQuery() {
        ServerAddress a =
                ServerAddress.parse("jdbc:postgresql://localhost:5433/billing?user=bob&password=pw&ApplicationName=x");

        assertThat(a.host()).isEqualTo("localhost");
        assertThat(a.port()).isEqualTo(5433);
        assertThat(a.database()).isEqualTo("billing");
        assertThat(a.user()).isEqualTo("bob");
        assertThat(a.password()).isEqualTo("pw");
        assertThat(a.options()).containsExactly(Map.entry("ApplicationName", "x"));
    }

    @Test
    void appliesDefaultsForPortUserAndDatabase() {
        ServerAddress a = ServerAddress.parse("postgresql://dbhost");

        assertThat(a.port()).isEqualTo(5432);
        assertThat(a.user()).isEqualTo("postgres");
        assertThat(a.database()).isEqualTo("postgres");
        assertThat(a.password()).isEmpty();
    }

    @Test
    void rendersBothUrlFormsForAnotherDatabase() {
        ServerAddress a = ServerAddress.parse("postgres://u:p%20w@h:1/admin").withDatabase("fresh_1");

        assertThat(a.jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/fresh_1");
        assertThat(a.postgresUrl()).isEqualTo("postgres://u:p%20w@h:1/fresh_1");
        assertThat(ServerAddress.parse(a.postgresUrl())).isEqualTo(a);
    }

    @Test
    void keepsJdbcOptionsButOnlySslmodeInLibpqUrl() {
        ServerAddress a = ServerAddress.parse("jdbc:postgresql://h/db?sslmode=disable&tcpKeepAlive=true");

        assertThat(a.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?sslmode=disable&tcpKeepAlive=true");
        assertThat(a.postgresUrl()).isEqualTo("postgres://postgres:@h:5432/db?sslmode=disable");
    }

    @Test
    void rejectsOtherSchemesWithoutEchoingThePassword() {
        assertThatThrownBy(() -> ServerAddress.parse("mysql://root:topsecret@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void describesWithoutPassword() {
        ServerAddress a = ServerAddress.parse("postgres://u:topsecret@h:1/d");

        assertThat(a.describe()).isEqualTo("postgres://u@h:1/d");
        assertThat(a.toString()).doesNotContain("topsecret");
        assertThat(ServerAddress.redact("jdbc:postgresql://h/d?user=u&password=topsecret"))
                .doesNotContain("topsecret");
    }
}

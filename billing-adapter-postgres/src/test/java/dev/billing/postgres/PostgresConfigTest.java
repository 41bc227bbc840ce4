package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresConfigTest {
    private static final String SECRET = "hunter2-Secret";

    @Nested
    class LibpqUrls {

        @Test
        void supabaseStyleUrlGivesEveryPart() {
            PostgresConfig config = PostgresConfig.fromDatabaseUrl(
                    "postgres://postgres.abcd:s3cr%40t%2Fx%3Ay@aws-0-eu-west-1.pooler.supabase.com:6543/postgres"
                            + "?sslmode=require&application_name=billing-api");
            assertThat(config.jdbcUrl())
                    .isEqualTo("jdbc:postgresql://aws-0-eu-west-1.pooler.supabase.com:6543/postgres");
            assertThat(config.user()).isEqualTo("postgres.abcd");
            assertThat(config.password()).isEqualTo("s3cr@t/x:y");
            assertThat(config.properties())
                    .containsExactlyInAnyOrderEntriesOf(Map.of("sslmode", "require", "ApplicationName", "billing-api"));
        }

        @Test
        void postgresqlSchemeAndDefaultPort() {
            PostgresConfig config = PostgresConfig.fromDatabaseUrl("postgresql://app:pw@db.internal/billing");
            assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/billing");
            assertThat(config.user()).isEqualTo("app");
            assertThat(config.password()).isEqualTo("pw");
            assertThat(config.properties()).isEmpty();
        }

        @Test
        void herokuStyleUrlWithUnencodedSpecialCharactersInThePassword() {
            PostgresConfig config = PostgresConfig.fromDatabaseUrl(
                    "postgres://u:p@ss/w?rd#1@ec2-1-2-3-4.compute.amazonaws.com:5432/d8abc");
            assertThat(config.password()).isEqualTo("p@ss/w?rd#1");
            assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://ec2-1-2-3-4.compute.amazonaws.com:5432/d8abc");
        }

        @Test
        void plusStaysAPlusInALibpqPassword() {
            assertThat(PostgresConfig.fromDatabaseUrl("postgres://u:a+b%20c@h/db")
                            .password())
                    .isEqualTo("a+b c");
        }

        @Test
        void utf8PercentEncodedUserAndPassword() {
            PostgresConfig config = PostgresConfig.fromDatabaseUrl("postgres://j%C3%B6rg:%E2%82%AC@h:5433/db");
            assertThat(config.user()).isEqualTo("jörg");
            assertThat(config.password()).isEqualTo("€");
        }

        @Test
        void credentialsMayComeAsQueryParameters() {
            PostgresConfig config =
                    PostgresConfig.fromDatabaseUrl("postgresql://h/db?user=app&password=p%26w&sslmode=disable");
            assertThat(config.user()).isEqualTo("app");
            assertThat(config.password()).isEqualTo("p&w");
            assertThat(config.properties()).containsExactly(Map.entry("sslmode", "disable"));
        }

        @Test
        void userWithoutPasswordIsAllowed() {
            PostgresConfig config = PostgresConfig.fromDatabaseUrl("postgres://app@localhost:5432/db");
            assertThat(config.user()).isEqualTo("app");
            assertThat(config.password()).isNull();
        }

        @Test
        void ipv6AndSeveralHosts() {
            assertThat(PostgresConfig.fromDatabaseUrl("postgres://u:p@[::1]:6000/db")
                            .jdbcUrl())
                    .isEqualTo("jdbc:postgresql://[::1]:6000/db");
            assertThat(PostgresConfig.fromDatabaseUrl("postgres://u:p@a:5432,b/db?target_session_attrs=any")
                            .jdbcUrl())
                    .isEqualTo("jdbc:postgresql://a:5432,b:5432/db");
        }

        @Test
        void connectTimeoutInTheUrlIsKeptInTheDriversSpelling() {
            assertThat(PostgresConfig.fromDatabaseUrl("postgres://u:p@h/db?connect_timeout=7")
                            .properties())
                    .containsExactly(Map.entry("connectTimeout", "7"));
        }
    }

    @Nested
    class JdbcUrls {

        @Test
        void credentialsFromTheQueryMoveOutOfTheUrl() {
            PostgresConfig config = PostgresConfig.fromDatabaseUrl(
                    "jdbc:postgresql://localhost:5432/billing?user=svc&password=p%26w%3D&sslmode=verify-full&sslrootcert=/etc/ca.pem");
            assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/billing");
            assertThat(config.user()).isEqualTo("svc");
            assertThat(config.password()).isEqualTo("p&w=");
            assertThat(config.properties())
                    .containsExactlyInAnyOrderEntriesOf(Map.of("sslmode", "verify-full", "sslrootcert", "/etc/ca.pem"));
        }

        @Test
        void credentialsGivenSeparately() {
            PostgresConfig config = PostgresConfig.builder()
                    .databaseUrl("jdbc:postgresql://db:5432/billing")
                    .user("svc")
                    .password("pw")
                    .build();
            assertThat(config.user()).isEqualTo("svc");
            assertThat(config.password()).isEqualTo("pw");
            assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/billing");
        }

        @Test
        void aJdbcQueryValueDecodesPlusAsASpaceLikeTheDriver() {
            assertThat(PostgresConfig.fromDatabaseUrl("jdbc:postgresql://h/db?user=u&password=a+b")
                            .password())
                    .isEqualTo("a b");
        }

        @Test
        void theSchemeIsCaseInsensitive() {
            assertThat(PostgresConfig.fromDatabaseUrl("JDBC:PostgreSQL://h/db?user=u")
                            .jdbcUrl())
                    .isEqualTo("jdbc:postgresql://h:5432/db");
        }
    }

    @Nested
    class MalformedUrls {

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "mysql://u:" + SECRET + "@h/db",
                    "postgres://u:" + SECRET + "@/db",
                    "postgres://u:" + SECRET + "@h:5432",
                    "postgres://u:" + SECRET + "@h:5432/",
                    "postgres://u:" + SECRET + "@h:99999/db",
                    "postgres://u:" + SECRET + "@h:port/db",
                    "postgres://u:" + SECRET + "@[::1/db",
                    "postgres://u:" + SECRET + "%zz@h/db",
                    "postgres://u:" + SECRET + "%4@h/db",
                    "postgres://u:" + SECRET + "@h/db?password=" + SECRET + "%g1",
                    "jdbc:postgresql:" + SECRET,
                    "postgres://:" + SECRET + "@h/db",
                    "postgres://u:" + SECRET + "@bad host/db",
                })
        void areRefusedWithoutRepeatingThePassword(String url) {
            assertThatThrownBy(() -> PostgresConfig.fromDatabaseUrl(url))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage())
                            .isNotBlank()
                            .doesNotContain(SECRET)
                            .doesNotContain("hunter"));
        }

        @Test
        void messagesSayWhatIsMissing() {
            assertThatThrownBy(() -> PostgresConfig.fromDatabaseUrl("postgres://u:p@/db"))
                    .hasMessageContaining("no host");
            assertThatThrownBy(() -> PostgresConfig.fromDatabaseUrl("postgres://u:p@h:5432"))
                    .hasMessageContaining("no database");
            assertThatThrownBy(() -> PostgresConfig.fromDatabaseUrl("postgres://u:p@h:0/db"))
                    .hasMessageContaining("port");
            assertThatThrownBy(() -> PostgresConfig.fromDatabaseUrl("postgres://h/db"))
                    .hasMessageContaining("user");
            assertThatThrownBy(() -> PostgresConfig.fromDatabaseUrl("http://h/db"))
                    .hasMessageContaining("postgres://");
            assertThatThrownBy(() -> PostgresConfig.fromDatabaseUrl("  ")).hasMessageContaining("empty");
            assertThatThrownBy(() -> PostgresConfig.fromDatabaseUrl(null)).hasMessageContaining("empty");
            assertThatThrownBy(() -> PostgresConfig.fromDatabaseUrl("postgres://u:%zz@h/db"))
                    .hasMessageContaining("password")
                    .hasMessageContaining("percent-encoding");
        }
    }

    @Nested
    class Printing {

        @Test
        void toStringNeverShowsThePassword() {
            PostgresConfig config = PostgresConfig.builder()
                    .databaseUrl("postgres://app:" + SECRET + "@h:5432/db?sslmode=require&sslpassword=" + SECRET)
                    .build();
            assertThat(config.toString())
                    .doesNotContain(SECRET)
                    .contains("password=****")
                    .contains("sslpassword=****")
                    .contains("sslmode=require")
                    .contains("user=app")
                    .contains("jdbc:postgresql://h:5432/db");
            assertThat(config.describe()).isEqualTo("app@h:5432/db");
        }

        @Test
        void aMissingPasswordIsShownAsNone() {
            assertThat(PostgresConfig.fromDatabaseUrl("postgres://app@h/db").toString())
                    .contains("password=<none>");
        }
    }

    @Nested
    class Settings {

        @Test
        void defaults() {
            PostgresConfig config = PostgresConfig.fromDatabaseUrl("postgres://u:p@h/db");
            assertThat(config.schema()).isEqualTo("billing");
            assertThat(config.runMigrations()).isTrue();
            assertThat(config.maximumPoolSize()).isEqualTo(10);
            assertThat(config.minimumIdle()).isEqualTo(2);
            assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(config.validationTimeout()).isEqualTo(Duration.ofSeconds(1));
            assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
            assertThat(config.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
            assertThat(config.keepaliveTime()).isEqualTo(Duration.ofMinutes(2));
            assertThat(config.socketTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(config.poolName()).isEqualTo("billing-postgres");
        }

        @Test
        void everySettingCanBeChanged() {
            PostgresConfig config = PostgresConfig.builder()
                    .databaseUrl("postgres://u:p@h/db")
                    .schema("billing_eu")
                    .runMigrations(false)
                    .maximumPoolSize(4)
                    .minimumIdle(0)
                    .connectionTimeout(Duration.ofSeconds(2))
                    .validationTimeout(Duration.ofMillis(500))
                    .idleTimeout(Duration.ofMinutes(1))
                    .maxLifetime(Duration.ofMinutes(5))
                    .keepaliveTime(Duration.ZERO)
                    .socketTimeout(Duration.ZERO)
                    .poolName("eu")
                    .property("prepareThreshold", "0")
                    .build();
            assertThat(config.toBuilder().build()).isEqualTo(config);
            assertThat(config.schema()).isEqualTo("billing_eu");
            assertThat(config.runMigrations()).isFalse();
            assertThat(config.maximumPoolSize()).isEqualTo(4);
            assertThat(config.minimumIdle()).isZero();
            assertThat(config.properties()).containsEntry("prepareThreshold", "0");
        }

        @Test
        void aSmallPoolLowersTheDefaultMinimumIdle() {
            assertThat(PostgresConfig.builder()
                            .databaseUrl("postgres://u:p@h/db")
                            .maximumPoolSize(1)
                            .build()
                            .minimumIdle())
                    .isEqualTo(1);
        }

        @Test
        void outOfRangeSettingsAreRefused() {
            assertThatThrownBy(() -> PostgresConfig.builder()
                            .databaseUrl("postgres://u:p@h/db")
                            .schema("Billing")
                            .build())
                    .hasMessageContaining("schema");
            assertThatThrownBy(() -> PostgresConfig.builder()
                            .databaseUrl("postgres://u:p@h/db")
                            .schema("billing; DROP TABLE x")
                            .build())
                    .hasMessageContaining("schema");
            assertThatThrownBy(() -> PostgresConfig.builder()
                            .databaseUrl("postgres://u:p@h/db")
                            .maximumPoolSize(0)
                            .build())
                    .hasMessageContaining("maximumPoolSize");
            assertThatThrownBy(() -> PostgresConfig.builder()
                            .databaseUrl("postgres://u:p@h/db")
                            .maximumPoolSize(2)
                            .minimumIdle(3)
                            .build())
                    .hasMessageContaining("minimumIdle");
            assertThatThrownBy(() -> PostgresConfig.builder()
                            .databaseUrl("postgres://u:p@h/db")
                            .validationTimeout(Duration.ofSeconds(3))
                            .build())
                    .hasMessageContaining("validationTimeout");
            assertThatThrownBy(() -> PostgresConfig.builder()
                            .databaseUrl("postgres://u:p@h/db")
                            .connectionTimeout(Duration.ofMillis(100))
                            .build())
                    .hasMessageContaining("connectionTimeout");
            assertThatThrownBy(() -> PostgresConfig.builder()
                            .databaseUrl("postgres://u:p@h/db")
                            .keepaliveTime(Duration.ofSeconds(5))
                            .build())
                    .hasMessageContaining("keepaliveTime");
            assertThatThrownBy(() -> PostgresConfig.builder()
                            .databaseUrl("postgres://u:p@h/db")
                            .keepaliveTime(Duration.ofMinutes(40))
                            .build())
                    .hasMessageContaining("maxLifetime");
            assertThatThrownBy(() -> PostgresConfig.builder().user("u").build()).hasMessageContaining("databaseUrl");
        }

        @Test
        void aJdbcUrlWithCredentialsIsRefusedByTheRecord() {
            assertThatThrownBy(() -> new PostgresConfig(
                            "jdbc:postgresql://h/db?password=" + SECRET,
                            "u",
                            null,
                            Map.of(),
                            "billing",
                            true,
                            10,
                            2,
                            Duration.ofSeconds(3),
                            Duration.ofSeconds(1),
                            Duration.ZERO,
                            Duration.ZERO,
                            Duration.ZERO,
                            Duration.ZERO,
                            "p"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        }
    }
}

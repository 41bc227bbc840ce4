package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PoolsTest {

    @Test
    void theDriverIsBoundedByTheSameTimeoutsAsThePool() {
        Properties props = Pools.driverProperties(PostgresConfig.fromDatabaseUrl("postgres://u:p@h/db"));
        assertThat(props)
                .containsEntry("connectTimeout", "3")
                .containsEntry("loginTimeout", "3")
                .containsEntry("socketTimeout", "10")
                .containsEntry("tcpKeepAlive", "true")
                .containsEntry("logServerErrorDetail", "false")
                .containsEntry("ApplicationName", "billing-postgres")
                .containsEntry("maxSendBufferSize", "65536")
                .doesNotContainKeys("user", "password");
    }

    @Test
    void subSecondTimeoutsRoundUpToAWholeSecond() {
        Properties props = Pools.driverProperties(PostgresConfig.builder()
                .databaseUrl("postgres://u:p@h/db")
                .connectionTimeout(Duration.ofMillis(1_200))
                .validationTimeout(Duration.ofMillis(300))
                .build());
        assertThat(props).containsEntry("connectTimeout", "2").containsEntry("loginTimeout", "2");
    }

    @Test
    void urlPropertiesWinOverDefaults() {
        Properties props = Pools.driverProperties(PostgresConfig.fromDatabaseUrl(
                "postgres://u:p@h/db?connect_timeout=7&sslmode=require&application_name=api&maxSendBufferSize=8192"));
        assertThat(props)
                .containsEntry("connectTimeout", "7")
                .containsEntry("sslmode", "require")
                .containsEntry("ApplicationName", "api")
                .containsEntry("maxSendBufferSize", "8192");
    }

    @Test
    void thePoolGetsEverySetting() {
        PostgresConfig config = PostgresConfig.builder()
                .databaseUrl("postgres://app:pw@h:6543/db")
                .maximumPoolSize(7)
                .minimumIdle(1)
                .poolName("billing-eu")
                .build();
        HikariConfig hikari = Pools.hikariConfig(config);
        assertThat(hikari.getJdbcUrl()).isEqualTo("jdbc:postgresql://h:6543/db");
        assertThat(hikari.getUsername()).isEqualTo("app");
        assertThat(hikari.getPassword()).isEqualTo("pw");
        assertThat(hikari.getPoolName()).isEqualTo("billing-eu");
        assertThat(hikari.getMaximumPoolSize()).isEqualTo(7);
        assertThat(hikari.getMinimumIdle()).isEqualTo(1);
        assertThat(hikari.getConnectionTimeout()).isEqualTo(3_000);
        assertThat(hikari.getValidationTimeout()).isEqualTo(1_000);
        assertThat(hikari.getIdleTimeout()).isEqualTo(600_000);
        assertThat(hikari.getMaxLifetime()).isEqualTo(1_800_000);
        assertThat(hikari.getKeepaliveTime()).isEqualTo(120_000);
        assertThat(hikari.getInitializationFailTimeout()).isEqualTo(-1);
        assertThat(hikari.getTransactionIsolation()).isEqualTo("TRANSACTION_READ_COMMITTED");
        assertThat(hikari.isAutoCommit()).isTrue();
    }
}

package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"08001", "08006", "08003", "57P01", "57P02", "57P03", "53300"})
    void connectionFailuresAreUnavailable(String sqlState) {
        StoreException e = StoreErrors.translate("inbox.record", new RuntimeException(new SQLException("x", sqlState)));
        assertThat(e).isInstanceOf(StoreUnavailableException.class);
        assertThat(e.getMessage()).contains("inbox.record").contains(sqlState);
        assertThat(e.code()).isEqualTo("store_unavailable");
    }

    @Test
    void aPoolTimeoutIsUnavailable() {
        SQLTransientConnectionException timeout = new SQLTransientConnectionException(
                "billing-postgres - Connection is not available, request timed out after 3001ms");
        assertThat(StoreErrors.translate("ping", new ConnectionException(timeout)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(StoreErrors.translate(
                        "ping",
                        new IllegalStateException(new SQLException(
                                "billing-postgres - Connection is not available, request timed out after 3001ms"))))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void aRefusedSocketOrAClosedPoolIsUnavailable() {
        assertThat(StoreErrors.translate("x", new RuntimeException(new ConnectException("Connection refused"))))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(StoreErrors.translate(
                        "x",
                        new RuntimeException(new SQLException(
                                "HikariDataSource HikariDataSource (billing-postgres) has been closed."))))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "42P01", "40001", "22001", "28P01"})
    void otherFailuresAreStoreErrorsWithoutTheirDetails(String sqlState) {
        SQLException cause = new SQLException(
                "ERROR: duplicate key value; INSERT INTO billing.customers VALUES ('alice@example.com')", sqlState);
        StoreException e = StoreErrors.translate("customers.link", new RuntimeException(cause));
        assertThat(e).isNotInstanceOf(StoreUnavailableException.class);
        assertThat(e.code()).isEqualTo("store_error");
        assertThat(e.getMessage()).isEqualTo("Postgres store error: customers.link failed (SQLState " + sqlState + ")");
        assertThat(e.getCause().getCause()).isSameAs(cause);
    }

    @Test
    void aStoreExceptionPassesThrough() {
        StoreException original = new StoreException("already translated");
        assertThat(StoreErrors.translate("x", original)).isSameAs(original);
    }

    @Test
    void withoutSqlStateTheMessageSaysNothingMore() {
        assertThat(StoreErrors.translate("usage.increment", new RuntimeException("boom"))
                        .getMessage())
                .isEqualTo("Postgres store error: usage.increment failed");
    }
}

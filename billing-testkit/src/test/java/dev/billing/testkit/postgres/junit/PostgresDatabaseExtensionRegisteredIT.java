package dev.billing.testkit.postgres.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.postgres.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresDatabaseExtensionRegisteredIT {

    @RegisterExtension
    static final PostgresDatabaseExtension PG = PostgresDatabaseExtension.withPrefix("registered");

    @BeforeAll
    static void createSchema() throws SQLException {
        Sql.execute(PG.database(), "CREATE TABLE t (n int)");
    }

    @Test
    void registeredExtensionUsesThePrefixAndExposesTheDatabase(TestDatabase db) throws SQLException {
        assertThat(PG.database().name()).isEqualTo(db.name()).startsWith("registered_");
        assertThat(Sql.count(db, "SELECT count(*) FROM t")).isZero();
    }
}

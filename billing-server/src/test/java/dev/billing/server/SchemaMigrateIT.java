package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code billing-server schema migrate} against a real Postgres database. */
class SchemaMigrateIT {

    @Test
    void appliesTheMigrationsOnceAndThenNothing() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate")) {
            Map<String, String> env = Map.of("DATABASE_URL", db.postgresUrl());
            CliConfigTest.Run first = CliConfigTest.run(env, "schema", "migrate");
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(first.out()).containsPattern("Applied [1-9][0-9]* migration\\(s\\)\\.");
            CliConfigTest.Run again = CliConfigTest.run(env, "schema", "migrate");
            assertThat(again.out()).contains("Applied 0 migration(s).");
        }
    }

    @Test
    void missingOrBrokenUrlIsAConfigurationError() {
        assertThat(CliConfigTest.run(Map.of(), "schema", "migrate").exit()).isEqualTo(2);
        CliConfigTest.Run broken =
                CliConfigTest.run(Map.of("DATABASE_URL", "mysql://u:secretpw@h/db"), "schema", "migrate");
        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err()).contains("DATABASE_URL").doesNotContain("secretpw");
    }
}

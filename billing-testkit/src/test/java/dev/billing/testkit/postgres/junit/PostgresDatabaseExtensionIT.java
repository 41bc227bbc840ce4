package dev.billing.testkit.postgres.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.postgres.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresDatabaseExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresDatabaseExtensionIT {

    private static TestDatabase fromBeforeAll;
    private final TestDatabase fromConstructor;

    PostgresDatabaseExtensionIT(TestDatabase db) {
        this.fromConstructor = db;
    }

    @BeforeAll
    static void createSchema(TestDatabase db) throws SQLException {
        fromBeforeAll = db;
        Sql.execute(db, "CREATE TABLE visits (n int)");
    }

    @Test
    @Order(1)
    void oneDatabasePerClassNamedAfterIt(TestDatabase db) throws SQLException {
        assertThat(db.name())
                .isEqualTo(fromBeforeAll.name())
                .isEqualTo(fromConstructor.name())
                .startsWith("postgresdatabaseextensionit_");
        Sql.execute(db, "INSERT INTO visits VALUES (1)");
    }

    @Test
    @Order(2)
    void stateIsSharedWithinTheClass(TestDatabase db) throws SQLException {
        assertThat(Sql.count(db, "SELECT count(*) FROM visits")).isEqualTo(1);
    }

    @Nested
    class NestedTests {
        @Test
        void nestedClassesShareTheOuterDatabase(TestDatabase db) {
            assertThat(db.name()).isEqualTo(fromBeforeAll.name());
        }
    }
}

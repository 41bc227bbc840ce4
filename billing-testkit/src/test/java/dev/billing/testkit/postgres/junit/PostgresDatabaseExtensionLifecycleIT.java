package dev.billing.testkit.postgres.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs sample test classes through the Jupiter engine to see the extension's whole lifecycle. */
class PostgresDatabaseExtensionLifecycleIT {

    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void eachClassGetsItsOwnDatabaseDroppedAfterTheClass() throws SQLException {
        SEEN.clear();

        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SampleA.class), selectClass(SampleB.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.started(3).succeeded(3));

        assertThat(SEEN).hasSize(3);
        assertThat(SEEN.stream().distinct()).hasSize(2);
        try (TestDatabase probe = PostgresFixture.shared().newDatabase("probe")) {
            for (String name : SEEN) {
                assertThat(Sql.count(probe, "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"))
                        .as("database %s dropped after its class", name)
                        .isZero();
            }
        }
    }

    @ExtendWith(PostgresDatabaseExtension.class)
    static class SampleA {
        @Test
        void first(TestDatabase db) {
            SEEN.add(db.name());
        }

        @Test
        void second(TestDatabase db) {
            SEEN.add(db.name());
        }
    }

    @ExtendWith(PostgresDatabaseExtension.class)
    static class SampleB {
        @Test
        void only(TestDatabase db) {
            SEEN.add(db.name());
        }
    }
}

package dev.billing.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatabasesTest {

    @Test
    void uniqueNamesAreValidIdentifiersStartingWithThePrefix() {
        String name = Databases.uniqueName("Order-Store IT");

        assertThat(name).startsWith("order_store_it_").matches("[a-z][a-z0-9_]*");
    }

    @Test
    void uniqueNamesNeverRepeat() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            names.add(Databases.uniqueName("x"));
        }

        assertThat(names).hasSize(1000);
    }

    @Test
    void namesFitPostgresIdentifierLimitAndStartWithALetter() {
        assertThat(Databases.uniqueName("9".repeat(200)))
                .hasSizeLessThanOrEqualTo(63)
                .matches("[a-z][a-z0-9_]*");
        assertThat(Databases.uniqueName(null)).startsWith("db_");
    }

    @Test
    void quotesIdentifiers() {
        assertThat(Databases.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    }
}

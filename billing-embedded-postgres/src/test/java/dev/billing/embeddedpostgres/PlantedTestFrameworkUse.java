package dev.billing.embeddedpostgres;

import org.junit.jupiter.api.Assertions;

/** Planted for the architecture test: a test framework in main code. Not production code. */
public final class PlantedTestFrameworkUse {
    private PlantedTestFrameworkUse() {}

    static void check(boolean condition) {
        Assertions.assertTrue(condition);
    }
}

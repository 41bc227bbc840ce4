package dev.billing.bench;

import org.assertj.core.api.Assertions;

/** Planted for the architecture test: a test framework in the bench's main code. Not production code. */
public final class PlantedAssertionUse {
    private PlantedAssertionUse() {}

    static void check(Object value) {
        Assertions.assertThat(value).isNotNull();
    }
}

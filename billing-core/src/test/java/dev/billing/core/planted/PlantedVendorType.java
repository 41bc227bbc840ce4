package dev.billing.core.planted;

import org.assertj.core.api.Assertions;

/** Planted for CoreArchitectureTest: a library type the core must never know. Not production code. */
public final class PlantedVendorType {
    private PlantedVendorType() {}

    static void check(Object value) {
        Assertions.assertThat(value).isNotNull();
    }
}

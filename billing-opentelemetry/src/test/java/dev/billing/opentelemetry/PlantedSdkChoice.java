package dev.billing.opentelemetry;

import io.opentelemetry.sdk.OpenTelemetrySdk;

/** Planted for the architecture test: library code choosing the SDK, the host's decision. Not production code. */
final class PlantedSdkChoice {
    private PlantedSdkChoice() {}

    static Object sdk() {
        return OpenTelemetrySdk.builder().build();
    }
}

package dev.billing.http;

import dev.billing.clerk.ClerkConfig;

/** Planted for the architecture test: the API reaching into an adapter. Not production code. */
public final class PlantedAdapterUse {
    private PlantedAdapterUse() {}

    static Object config() {
        return ClerkConfig.builder();
    }
}

package dev.billing.micrometer;

import dev.billing.testkit.fake.InMemoryBillingStores;

/** Planted for the architecture test: metrics code reaching into the test kit. Not production code. */
final class PlantedRegistryChoice {
    private PlantedRegistryChoice() {}

    static Object stores() {
        return InMemoryBillingStores.create();
    }
}

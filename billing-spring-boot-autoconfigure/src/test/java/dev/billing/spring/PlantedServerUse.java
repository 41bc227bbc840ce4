package dev.billing.spring;

import dev.billing.testkit.fake.InMemoryBillingStores;

/** Planted for the architecture test: auto-configuration reaching into the test kit. Not production code. */
final class PlantedServerUse {
    private PlantedServerUse() {}

    static Object stores() {
        return InMemoryBillingStores.create();
    }
}

package dev.billing.server;

import dev.billing.testkit.fake.InMemoryBillingStores;

/** Planted for the architecture test: the server running on the testkit's fakes. Not production code. */
public final class PlantedTestkitUse {
    private PlantedTestkitUse() {}

    static Object stores() {
        return InMemoryBillingStores.create().stores();
    }
}

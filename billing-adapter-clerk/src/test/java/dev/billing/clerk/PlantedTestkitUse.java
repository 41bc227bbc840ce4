package dev.billing.clerk;

import dev.billing.testkit.auth.TestKeys;

/** Planted for the architecture test: the adapter reaching into the testkit. Not production code. */
public final class PlantedTestkitUse {
    private PlantedTestkitUse() {}

    static Object key() {
        return TestKeys.rsa2048("planted");
    }
}

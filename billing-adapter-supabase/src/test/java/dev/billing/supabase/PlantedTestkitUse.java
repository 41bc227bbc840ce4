package dev.billing.supabase;

import dev.billing.testkit.fake.InMemoryBillingStores;

/** Planted for the architecture test: the adapter reaching into the testkit. Not production code. */
public final class PlantedTestkitUse {
    private PlantedTestkitUse() {}

    static Object stores() {
        return InMemoryBillingStores.create();
    }
}

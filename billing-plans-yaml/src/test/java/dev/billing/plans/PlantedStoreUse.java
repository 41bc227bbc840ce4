package dev.billing.plans;

import dev.billing.core.port.CustomerStore;

/** Planted for the architecture test: the catalog reader reaching for a store port. Not production code. */
final class PlantedStoreUse {
    private PlantedStoreUse() {}

    static long links(CustomerStore store) {
        return store.count();
    }
}

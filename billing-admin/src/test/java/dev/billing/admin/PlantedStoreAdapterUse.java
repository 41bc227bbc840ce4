package dev.billing.admin;

/** Breaks the admin module's rule on purpose (reaches a store adapter): AdminArchitectureTest checks it is caught. */
final class PlantedStoreAdapterUse {
    Object store() {
        return dev.billing.testkit.fake.InMemoryBillingStores.create();
    }
}

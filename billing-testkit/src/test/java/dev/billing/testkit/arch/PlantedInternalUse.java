package dev.billing.testkit.arch;

import dev.billing.core.subscription.ListSubscriptions;

/** Planted for TestkitArchitectureTest: wires a use case by its {@code @Internal} constructor. Not test support. */
final class PlantedInternalUse {
    Object wire() {
        return new ListSubscriptions(null, null);
    }
}

package dev.billing.emulator.state.planted;

import dev.billing.emulator.service.Products;
import java.util.Map;

/**
 * A test fixture in the state layer that reaches up into a service, as main code must not:
 * EmulatorArchitectureTest checks its layer rule against this class to prove the rule can fail.
 */
public final class PlantedUpwardImport {
    private PlantedUpwardImport() {}

    static String describe(Products products, Map<String, Object> price) {
        return products.productName(price);
    }
}

package dev.billing.emulator.resource.planted;

import dev.billing.emulator.resource.Customers;
import dev.billing.emulator.wire.Params;
import java.util.Map;

/**
 * A test fixture in the resource layer that creates a customer through the sibling Customers
 * resource instead of the shared service, as main code must not: EmulatorArchitectureTest checks
 * its sideways rule against this class to prove the rule can fail.
 */
public final class PlantedSidewaysCall {
    private PlantedSidewaysCall() {}

    static Map<String, Object> customerFor(Customers customers, Params params) {
        return customers.createCustomer(params);
    }
}

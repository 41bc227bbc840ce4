package dev.billing.emulator.planted;

import com.stripe.model.Customer;

/**
 * A test fixture that uses stripe-java, as main code must not: EmulatorArchitectureTest checks
 * its dependency rule against this class to prove the rule can fail.
 */
public final class PlantedStripeJavaUse {
    private PlantedStripeJavaUse() {}

    static String idOf(Customer customer) {
        return customer.getId();
    }
}

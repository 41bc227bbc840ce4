package dev.billing.stripe;

import com.stripe.StripeClient;
import dev.billing.emulator.StripeEmulator;

/**
 * A stripe-java client of the emulator with its key, for what a test reads or changes at Stripe itself, as the
 * Dashboard would. {@code setApiBase} because {@code new StripeClient(key)} ignores {@code Stripe.overrideApiBase}.
 */
final class EmulatorClients {
    private EmulatorClients() {}

    static StripeClient stripe(StripeEmulator emulator) {
        return StripeClient.builder()
                .setApiKey(emulator.apiKey())
                .setApiBase(emulator.baseUrl())
                .build();
    }
}

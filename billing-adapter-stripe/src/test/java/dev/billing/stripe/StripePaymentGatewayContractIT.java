package dev.billing.stripe;

import dev.billing.core.model.CustomerId;
import dev.billing.core.port.PaymentGateway;
import dev.billing.testkit.contract.PaymentGatewayContract;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Instant;

import static dev.billing.testkit.Builders.unique;

/** The port's contract, for {@link StripePaymentGateway} over real HTTP against the Stripe emulator. */
class StripePaymentGatewayContractIT extends PaymentGatewayContract {
    private static StripeEmulator emulator;
    private static StripePaymentGateway gateway;

    @BeforeAll
    static void startEmulator() {
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        gateway = StripePaymentGateway.create(StripeConfig.of(emulator.apiKey()).withApiBase(emulator.baseUrl()));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Override
    protected PaymentGateway gateway() {
        return gateway;
    }

    @Override
    protected GatewayFixture fixture() {
        return new GatewayFixture() {
            @Override
            public String recurringPriceId() {
                return "price_pro_monthly";
            }

            @Override
            public String otherRecurringPriceId() {
                return "price_enterprise_monthly";
            }

            @Override
            public String oneTimePriceId() {
                return "price_credits_100";
            }

            @Override
            public String completeCheckout(String sessionId) {
                var completion = emulator.completeCheckoutSession(sessionId);
                return completion.subscriptionId() != null ? completion.subscriptionId()
                        : completion.paymentIntentId();
            }

            @Override
            public String attachCard(CustomerId customer) {
                String setupIntent = gateway.createSetupIntent(customer, unique("attach-")).id();
                return emulator.confirmSetupIntent(setupIntent);
            }

            @Override
            public Instant now() {
                return emulator.now();
            }
        };
    }
}

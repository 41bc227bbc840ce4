package dev.billing.stripe;

import static dev.billing.testkit.Builders.unique;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Price;
import com.stripe.model.SubscriptionItem;
import com.stripe.param.billing.MeterEventSummaryListParams;
import dev.billing.core.model.CustomerId;
import dev.billing.core.port.PaymentGateway;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.contract.PaymentGatewayContract;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
            public String meteredPriceId() {
                return "price_api_calls_metered";
            }

            @Override
            public List<String> meteredPriceIds(String subscriptionId) {
                // What the emulator holds, read with stripe-java as a dashboard would.
                StripeClient stripe = EmulatorClients.stripe(emulator);
                try {
                    return stripe.v1().subscriptions().retrieve(subscriptionId).getItems().getData().stream()
                            .map(SubscriptionItem::getPrice)
                            .filter(p -> "metered".equals(p.getRecurring().getUsageType()))
                            .map(Price::getId)
                            .toList();
                } catch (StripeException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public String oneTimePriceId() {
                return "price_credits_100";
            }

            @Override
            public String completeCheckout(String sessionId) {
                var completion = emulator.completeCheckoutSession(sessionId);
                return completion.subscriptionId() != null ? completion.subscriptionId() : completion.paymentIntentId();
            }

            @Override
            public String attachCard(CustomerId customer) {
                String setupIntent =
                        gateway.createSetupIntent(customer, unique("attach-")).id();
                return emulator.confirmSetupIntent(setupIntent);
            }

            @Override
            public Instant now() {
                return emulator.now();
            }

            @Override
            public double meterTotal(String eventName, CustomerId customer) {
                // Stripe's own summary endpoint, read with stripe-java as a dashboard would.
                StripeClient stripe = EmulatorClients.stripe(emulator);
                try {
                    String meter = stripe.billing().meters().list().getData().stream()
                            .filter(m -> m.getEventName().equals(eventName))
                            .findFirst()
                            .orElseThrow()
                            .getId();
                    long now = emulator.now().getEpochSecond();
                    return stripe
                            .billing()
                            .meters()
                            .eventSummaries()
                            .list(
                                    meter,
                                    MeterEventSummaryListParams.builder()
                                            .setCustomer(customer.value())
                                            .setStartTime(now - 3600)
                                            .setEndTime(now + 3600)
                                            .build())
                            .getData()
                            .stream()
                            .mapToDouble(s -> s.getAggregatedValue().doubleValue())
                            .sum();
                } catch (StripeException e) {
                    throw new AssertionError(e);
                }
            }
        };
    }
}

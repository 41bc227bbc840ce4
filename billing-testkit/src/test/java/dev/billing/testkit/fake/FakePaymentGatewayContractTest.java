package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.port.PaymentGateway;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.contract.PaymentGatewayContract;
import java.time.Instant;
import java.util.List;

class FakePaymentGatewayContractTest extends PaymentGatewayContract {
    private final MutableClock clock = MutableClock.at("2026-11-21T10:00:00Z");
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);

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
                return "price_pro_yearly";
            }

            @Override
            public String meteredPriceId() {
                return "price_api_calls_metered";
            }

            @Override
            public List<String> meteredPriceIds(String subscriptionId) {
                return gateway.meteredPriceIds(subscriptionId);
            }

            @Override
            public String oneTimePriceId() {
                return "price_credits_100";
            }

            @Override
            public String completeCheckout(String sessionId) {
                return gateway.completeCheckout(sessionId);
            }

            @Override
            public String attachCard(CustomerId customer) {
                return gateway.attachCard(customer);
            }

            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public double meterTotal(String eventName, CustomerId customer) {
                return gateway.meterEvents().stream()
                        .filter(e -> e.eventName().equals(eventName)
                                && e.customerId().equals(customer))
                        .mapToDouble(MeterEvent::value)
                        .sum();
            }
        };
    }
}

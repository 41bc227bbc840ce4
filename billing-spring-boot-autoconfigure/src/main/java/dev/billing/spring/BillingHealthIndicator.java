package dev.billing.spring;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.PaymentGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * {@code billing} in Actuator's health: DOWN when the store cannot serve requests (billing's work needs it), with
 * Stripe's state as a detail only, so a Stripe blip does not take every instance out of the load balancer (the
 * standalone server's readiness decides the same). Stripe is asked at most once a minute.
 */
final class BillingHealthIndicator extends AbstractHealthIndicator {
    static final Duration STRIPE_EVERY = Duration.ofMinutes(1);

    private final BillingStores stores;
    private final PaymentGateway gateway;
    private final Clock clock;
    private Instant stripeCheckedAt;
    private String stripe = "unknown";

    BillingHealthIndicator(BillingStores stores, PaymentGateway gateway, Clock clock) {
        super("Billing health check failed");
        this.stores = stores;
        this.gateway = gateway;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("stripe", stripe());
        try {
            stores.ping();
            builder.up().withDetail("store", "up");
        } catch (RuntimeException e) {
            builder.down().withDetail("store", "down: " + e.getClass().getSimpleName());
        }
    }

    private synchronized String stripe() {
        Instant now = clock.instant();
        if (stripeCheckedAt == null || !now.isBefore(stripeCheckedAt.plus(STRIPE_EVERY))) {
            stripeCheckedAt = now;
            try {
                gateway.ping();
                stripe = "up";
            } catch (RuntimeException e) {
                stripe = "down: " + e.getClass().getSimpleName();
            }
        }
        return stripe;
    }
}

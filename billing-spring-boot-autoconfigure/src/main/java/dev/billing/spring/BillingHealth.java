package dev.billing.spring;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.PaymentGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code billing} reports in Actuator's health: DOWN when the store cannot serve requests (billing's work needs
 * it), with Stripe's state as a detail only, so a Stripe blip does not take every instance out of the load balancer
 * (the standalone server's readiness decides the same). Stripe is asked at most once a minute. Free of Actuator's
 * types, which Spring Boot 4 moved: each Boot line's {@code BillingHealthIndicator} turns a {@link Report} into its
 * own {@code Health}.
 */
final class BillingHealth {
    static final Duration STRIPE_EVERY = Duration.ofMinutes(1);

    private final BillingStores stores;
    private final PaymentGateway gateway;
    private final Clock clock;
    private Instant stripeCheckedAt;
    private String stripe = "unknown";

    BillingHealth(BillingStores stores, PaymentGateway gateway, Clock clock) {
        this.stores = stores;
        this.gateway = gateway;
        this.clock = clock;
    }

    /** One check: whether the store is up, and the details ({@code stripe}, {@code store}) in that order. */
    record Report(boolean up, Map<String, Object> details) {
        Report {
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    Report check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stripe", stripe());
        try {
            stores.ping();
            details.put("store", "up");
            return new Report(true, details);
        } catch (RuntimeException e) {
            details.put("store", "down: " + e.getClass().getSimpleName());
            return new Report(false, details);
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

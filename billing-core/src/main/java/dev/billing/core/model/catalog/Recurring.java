package dev.billing.core.model.catalog;

import java.util.Objects;

/**
 * The recurring part of a price. {@code metered} prices bill reported usage; {@code meterId} names the Stripe
 * billing meter for those (may be null).
 */
public record Recurring(BillingInterval interval, int intervalCount, boolean metered, String meterId) {
    public Recurring {
        Objects.requireNonNull(interval, "interval");
        if (intervalCount < 1) {
            throw new IllegalArgumentException("intervalCount must be at least 1");
        }
    }
}

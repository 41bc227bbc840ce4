package dev.billing.core.model.analytics;

import dev.billing.core.model.Checks;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.util.Objects;

/**
 * How many subscriptions not yet ended share one status, price, pricing, cancellation flag and quantity
 * ({@code AnalyticsStore.subscriptionTally}). Nullable: {@code priceId}, {@code pricing}.
 */
public record SubscriptionTally(
        SubscriptionStatus status,
        String priceId,
        SubscriptionPricing pricing,
        boolean canceling,
        long quantity,
        long count) {
    public SubscriptionTally {
        Objects.requireNonNull(status, "status");
        Checks.nonNegative(quantity, "quantity");
        Checks.nonNegative(count, "count");
    }
}

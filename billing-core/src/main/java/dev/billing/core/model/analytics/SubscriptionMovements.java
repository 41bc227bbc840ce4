package dev.billing.core.model.analytics;

import dev.billing.core.model.Checks;
import java.time.YearMonth;
import java.util.Objects;

/**
 * Subscriptions started in one UTC month ({@code reactivated}: those of them whose customer had a subscription
 * that had already ended), and subscriptions canceled (ended) in it.
 */
public record SubscriptionMovements(YearMonth month, long started, long reactivated, long churned) {
    public SubscriptionMovements {
        Objects.requireNonNull(month, "month");
        Checks.nonNegative(started, "started");
        Checks.nonNegative(reactivated, "reactivated");
        Checks.nonNegative(churned, "churned");
        if (reactivated > started) {
            throw new IllegalArgumentException("reactivated cannot exceed started");
        }
    }
}

package dev.billing.core.model.analytics;

import dev.billing.core.model.Checks;

/**
 * Trials whose end has passed (and whose subscription left {@code trialing}), and how many of them became
 * paying: the subscription is active, past due or unpaid, or ended after its trial did.
 */
public record TrialOutcomes(long ended, long converted) {
    public TrialOutcomes {
        Checks.nonNegative(ended, "ended");
        Checks.nonNegative(converted, "converted");
        if (converted > ended) {
            throw new IllegalArgumentException("converted cannot exceed ended");
        }
    }
}

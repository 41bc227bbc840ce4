package dev.billing.core.model.analytics;

import dev.billing.core.model.Checks;

/**
 * Usage in the periods running at one instant, of one meter, by accounts whose granting subscription (the newest
 * active, trialing or past due one) has {@code priceId}; null: accounts without one (the free tier).
 * {@code accounts} counters, {@code used} their sum.
 */
public record UsageTally(String priceId, String meter, long accounts, long used) {
    public UsageTally {
        Checks.text(meter, "meter");
        Checks.nonNegative(accounts, "accounts");
        Checks.nonNegative(used, "used");
    }
}

package dev.billing.core.model;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** A purchasable subscription: a tier billed at an interval through one Stripe price. */
public record Plan(Tier tier, BillingInterval interval, String priceId) {
    public Plan {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(interval, "interval");
        Checks.text(priceId, "priceId");
    }

    public int trialDays() {
        return tier.trialDays();
    }

    public Set<String> features() {
        return tier.features();
    }

    public Map<String, Long> quotas() {
        return tier.quotas();
    }
}

package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A purchasable subscription: a tier billed at an interval through one Stripe price, plus the metered prices its
 * subscriptions also carry (usage billed in arrears; none by default).
 */
public record Plan(Tier tier, BillingInterval interval, String priceId, List<MeteredPrice> meteredPrices) {
    public Plan {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(interval, "interval");
        Checks.text(priceId, "priceId");
        Checks.noNulls(meteredPrices, "meteredPrices");
        meteredPrices = List.copyOf(meteredPrices);
    }

    /** A plan without metered prices. */
    public Plan(Tier tier, BillingInterval interval, String priceId) {
        this(tier, interval, priceId, List.of());
    }

    /** The metered prices' ids, in catalog order. */
    public List<String> meteredPriceIds() {
        return meteredPrices.stream().map(MeteredPrice::priceId).toList();
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

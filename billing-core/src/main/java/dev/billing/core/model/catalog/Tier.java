package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A level of service: what it unlocks ({@code features}), how much of each meter it allows per billing period
 * ({@code quotas}, {@link #UNLIMITED} for no limit; a meter absent from the map is not allowed at all), the
 * trial offered on first subscription, and the percentage off one-time items for its subscribers.
 * {@code rank} orders tiers (free is 0); a higher rank is a higher tier. A {@code perSeat} tier is sold by the
 * seat: its subscription's quantity is the number of seats.
 */
public record Tier(
        String name,
        int rank,
        Set<String> features,
        Map<String, Long> quotas,
        int trialDays,
        int purchaseDiscountPercent,
        boolean perSeat) {

    /** A quota limit meaning "no limit". */
    public static final long UNLIMITED = Long.MAX_VALUE;

    public Tier {
        Checks.text(name, "tier name");
        if (!name.matches("[a-z][a-z0-9_-]{0,31}")) {
            throw new IllegalArgumentException("tier name must be lowercase letters, digits, '-' or '_': " + name);
        }
        if (rank < 0) {
            throw new IllegalArgumentException("tier rank must not be negative");
        }
        Checks.noNulls(features, "features");
        features = Set.copyOf(new TreeSet<>(features));
        quotas = Map.copyOf(new TreeMap<>(quotas == null ? Map.of() : quotas));
        quotas.forEach((meter, limit) -> {
            Checks.text(meter, "meter");
            Checks.nonNegative(limit, "quota for " + meter);
        });
        if (trialDays < 0 || trialDays > 730) {
            throw new IllegalArgumentException("trialDays must be between 0 and 730");
        }
        if (purchaseDiscountPercent < 0 || purchaseDiscountPercent > 100) {
            throw new IllegalArgumentException("purchaseDiscountPercent must be between 0 and 100");
        }
        if (perSeat && rank == 0) {
            throw new IllegalArgumentException("the free tier cannot be sold by the seat");
        }
    }

    /** A tier sold as one subscription, whatever its quantity. */
    public Tier(
            String name,
            int rank,
            Set<String> features,
            Map<String, Long> quotas,
            int trialDays,
            int purchaseDiscountPercent) {
        this(name, rank, features, quotas, trialDays, purchaseDiscountPercent, false);
    }

    /** The limit for a meter per period: 0 when the tier does not include it. */
    public long quota(String meter) {
        return quotas.getOrDefault(meter, 0L);
    }

    public boolean hasFeature(String feature) {
        return features.contains(feature);
    }
}

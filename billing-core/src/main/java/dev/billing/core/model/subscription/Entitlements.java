package dev.billing.core.model.subscription;

import dev.billing.core.model.Checks;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.Quota;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a user may do right now, derived from the local projection only (never a Stripe call). Nullable:
 * {@code status}/{@code subscriptionId}/{@code priceId} (no subscription), {@code trialEnd},
 * {@code currentPeriodEnd}, {@code graceEndsAt} (not in a past-due grace period), {@code seats} (a plan not sold by
 * the seat).
 */
public record Entitlements(
        UserId userId,
        String tier,
        SubscriptionStatus status,
        String subscriptionId,
        String priceId,
        Instant trialEnd,
        Instant currentPeriodEnd,
        boolean cancelAtPeriodEnd,
        Instant graceEndsAt,
        Set<String> features,
        List<Quota> quotas,
        Set<String> ownedItems,
        Instant evaluatedAt,
        Seats seats) {
    public Entitlements {
        Objects.requireNonNull(userId, "userId");
        Checks.text(tier, "tier");
        features = Set.copyOf(features);
        quotas = List.copyOf(quotas);
        ownedItems = Set.copyOf(ownedItems);
        Objects.requireNonNull(evaluatedAt, "evaluatedAt");
    }

    /** Entitlements of a plan not sold by the seat. */
    public Entitlements(
            UserId userId,
            String tier,
            SubscriptionStatus status,
            String subscriptionId,
            String priceId,
            Instant trialEnd,
            Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            Instant graceEndsAt,
            Set<String> features,
            List<Quota> quotas,
            Set<String> ownedItems,
            Instant evaluatedAt) {
        this(
                userId,
                tier,
                status,
                subscriptionId,
                priceId,
                trialEnd,
                currentPeriodEnd,
                cancelAtPeriodEnd,
                graceEndsAt,
                features,
                quotas,
                ownedItems,
                evaluatedAt,
                null);
    }

    public boolean hasFeature(String feature) {
        return features.contains(feature);
    }

    public java.util.Optional<Quota> quota(String meter) {
        return quotas.stream().filter(q -> q.meter().equals(meter)).findFirst();
    }
}

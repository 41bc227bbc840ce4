package dev.billing.core.entitlement;

import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.UsagePeriod;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which tier a set of subscriptions grants right now (DESIGN §4.4):
 * <ul>
 *   <li>{@code active} and {@code trialing} grant their plan's tier;</li>
 *   <li>{@code past_due} grants it until {@code pastDueGrace} after it fell due: the start of the unpaid period
 *       (Stripe moves the period forward at renewal even when the payment fails), or, when later, the moment it
 *       turned past due ({@link Subscription#pastDueSince()}: a charge in the middle of a period, such as a plan
 *       change invoiced at once, falls due then);</li>
 *   <li>every other status, including one this code does not know, grants nothing;</li>
 *   <li>a price that is not in the plan catalog grants nothing.</li>
 * </ul>
 * Among several granting subscriptions the highest tier wins. With none, the free tier applies. Usage periods
 * follow the granting subscription's current period, rolled forward by whole periods if a renewal webhook is
 * late (Stripe's next period starts exactly where the last ended, so counters line up); the free tier uses the
 * UTC calendar month.
 *
 * <p>Usage: {@code Grant g = policy.grant(subscriptions, clock.instant()); g.tier().hasFeature("export")}
 */
public final class EntitlementPolicy {
    private static final int MAX_ROLL_FORWARD = 1_000;

    private final PlanCatalog catalog;
    private final Duration pastDueGrace;

    public EntitlementPolicy(PlanCatalog catalog, Duration pastDueGrace) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.pastDueGrace = Objects.requireNonNull(pastDueGrace, "pastDueGrace");
    }

    public PlanCatalog catalog() {
        return catalog;
    }

    /**
     * What the subscriptions grant at {@code now}.
     *
     * @param tier       the tier in force (the free tier when nothing grants)
     * @param granting   the subscription that grants it, or null
     * @param latest     the most recently created subscription, or null (to explain a free tier: "past due")
     * @param graceEndsAt when a past-due grant ends, or null when not in grace
     * @param period     the usage period in force
     */
    public record Grant(
            Tier tier, Subscription granting, Subscription latest, Instant graceEndsAt, UsagePeriod period) {}

    public Grant grant(List<Subscription> subscriptions, Instant now) {
        Subscription latest = subscriptions.stream()
                .max(Comparator.comparing(Subscription::created).thenComparing(Subscription::id))
                .orElse(null);
        Subscription best = null;
        Tier bestTier = null;
        for (Subscription subscription : subscriptions) {
            Optional<Tier> tier = grantedTier(subscription, now);
            if (tier.isEmpty()) {
                continue;
            }
            if (best == null
                    || tier.get().rank() > bestTier.rank()
                    || (tier.get().rank() == bestTier.rank()
                            && subscription.created().isAfter(best.created()))) {
                best = subscription;
                bestTier = tier.get();
            }
        }
        if (best == null) {
            return new Grant(catalog.freeTier(), null, latest, null, UsagePeriod.calendarMonthOf(now));
        }
        Instant graceEndsAt = best.status() == SubscriptionStatus.PAST_DUE ? graceEnd(best) : null;
        return new Grant(bestTier, best, latest, graceEndsAt, periodOf(best, now));
    }

    /** The tier this subscription grants at {@code now}, if any. */
    public Optional<Tier> grantedTier(Subscription subscription, Instant now) {
        if (!grantsAccess(subscription, now)) {
            return Optional.empty();
        }
        return catalog.planForPrice(subscription.priceId()).map(Plan::tier);
    }

    /** Whether the status (and, for past_due, the grace period) lets this subscription grant its plan. */
    public boolean grantsAccess(Subscription subscription, Instant now) {
        switch (subscription.status()) {
            case ACTIVE:
            case TRIALING:
                return true;
            case PAST_DUE:
                Instant graceEnd = graceEnd(subscription);
                return graceEnd != null && now.isBefore(graceEnd);
            default:
                return false;
        }
    }

    private Instant graceEnd(Subscription subscription) {
        Instant periodStart = subscription.currentPeriodStart();
        Instant since = subscription.pastDueSince();
        Instant due = periodStart == null || (since != null && since.isAfter(periodStart)) ? since : periodStart;
        return due == null ? null : due.plus(pastDueGrace);
    }

    private static UsagePeriod periodOf(Subscription subscription, Instant now) {
        Instant start = subscription.currentPeriodStart();
        Instant end = subscription.currentPeriodEnd();
        if (start == null || end == null || !end.isAfter(start)) {
            return UsagePeriod.calendarMonthOf(now);
        }
        Duration length = Duration.between(start, end);
        for (int i = 0; i < MAX_ROLL_FORWARD && !now.isBefore(end); i++) {
            start = end;
            end = end.plus(length);
        }
        return new UsagePeriod(start, end);
    }
}

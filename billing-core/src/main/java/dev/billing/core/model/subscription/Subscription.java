package dev.billing.core.model.subscription;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The local projection of a Stripe subscription. Its price, quantity and period bounds come from its plan's item,
 * the first licensed one (Stripe API 2025-03-31 and later keep the period there); metered items are not projected.
 * Nullable: {@code priceId} (no item), period bounds, cancel/trial/end instants, and {@code pricing} (that item's
 * price and the discount, when known; revenue analytics read it), and {@code pastDueSince}.
 *
 * <p>{@code pastDueSince} is not a field of Stripe's subscription: it is when the subscription turned {@code past_due},
 * as far as the writes say. A webhook's write gives a bound the turn is not before, on Stripe's clock ({@link
 * dev.billing.core.model.event.EventObject.OfSubscription#pastDueHint()}); a write that gives none leaves the version's
 * second when it turns the row, until a write gives one. The store keeps the latest of a past-due spell and clears it
 * when the subscription leaves ({@link dev.billing.core.port.SubscriptionStore#upsertSubscription}). Null when it is
 * not past due, or when nothing said when it turned (first stored already past due, by a read of Stripe's). A payment
 * that fails in the middle of a period (a plan change invoiced at once) makes a subscription past due long after its
 * period began; the grace counts from the later of the two ({@link dev.billing.core.entitlement.EntitlementPolicy}).
 */
public record Subscription(
        String id,
        CustomerId customerId,
        SubscriptionStatus status,
        String priceId,
        long quantity,
        Instant currentPeriodStart,
        Instant currentPeriodEnd,
        boolean cancelAtPeriodEnd,
        Instant cancelAt,
        Instant canceledAt,
        Instant endedAt,
        Instant trialStart,
        Instant trialEnd,
        Instant created,
        Map<String, String> metadata,
        SourceVersion version,
        SubscriptionPricing pricing,
        Instant pastDueSince) {
    public Subscription {
        Checks.text(id, "id");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(status, "status");
        priceId = Checks.optionalText(priceId, "priceId");
        Checks.nonNegative(quantity, "quantity");
        Objects.requireNonNull(created, "created");
        metadata = Checks.metadata(metadata);
        Objects.requireNonNull(version, "version");
        if (status != SubscriptionStatus.PAST_DUE) {
            pastDueSince = null;
        }
    }

    /** A subscription as Stripe describes it: when it became past due is not known. */
    public Subscription(
            String id,
            CustomerId customerId,
            SubscriptionStatus status,
            String priceId,
            long quantity,
            Instant currentPeriodStart,
            Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            Instant cancelAt,
            Instant canceledAt,
            Instant endedAt,
            Instant trialStart,
            Instant trialEnd,
            Instant created,
            Map<String, String> metadata,
            SourceVersion version,
            SubscriptionPricing pricing) {
        this(
                id,
                customerId,
                status,
                priceId,
                quantity,
                currentPeriodStart,
                currentPeriodEnd,
                cancelAtPeriodEnd,
                cancelAt,
                canceledAt,
                endedAt,
                trialStart,
                trialEnd,
                created,
                metadata,
                version,
                pricing,
                null);
    }

    /** A subscription whose pricing is not known. */
    public Subscription(
            String id,
            CustomerId customerId,
            SubscriptionStatus status,
            String priceId,
            long quantity,
            Instant currentPeriodStart,
            Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            Instant cancelAt,
            Instant canceledAt,
            Instant endedAt,
            Instant trialStart,
            Instant trialEnd,
            Instant created,
            Map<String, String> metadata,
            SourceVersion version) {
        this(
                id,
                customerId,
                status,
                priceId,
                quantity,
                currentPeriodStart,
                currentPeriodEnd,
                cancelAtPeriodEnd,
                cancelAt,
                canceledAt,
                endedAt,
                trialStart,
                trialEnd,
                created,
                metadata,
                version,
                null);
    }

    public Subscription withVersion(SourceVersion newVersion) {
        return new Subscription(
                id,
                customerId,
                status,
                priceId,
                quantity,
                currentPeriodStart,
                currentPeriodEnd,
                cancelAtPeriodEnd,
                cancelAt,
                canceledAt,
                endedAt,
                trialStart,
                trialEnd,
                created,
                metadata,
                newVersion,
                pricing,
                pastDueSince);
    }

    public Subscription withMetadata(Map<String, String> newMetadata) {
        return new Subscription(
                id,
                customerId,
                status,
                priceId,
                quantity,
                currentPeriodStart,
                currentPeriodEnd,
                cancelAtPeriodEnd,
                cancelAt,
                canceledAt,
                endedAt,
                trialStart,
                trialEnd,
                created,
                newMetadata,
                version,
                pricing,
                pastDueSince);
    }

    public Subscription withPricing(SubscriptionPricing newPricing) {
        return new Subscription(
                id,
                customerId,
                status,
                priceId,
                quantity,
                currentPeriodStart,
                currentPeriodEnd,
                cancelAtPeriodEnd,
                cancelAt,
                canceledAt,
                endedAt,
                trialStart,
                trialEnd,
                created,
                metadata,
                version,
                newPricing,
                pastDueSince);
    }

    /** The same subscription, past due since {@code since} (ignored unless it is past due). */
    public Subscription withPastDueSince(Instant since) {
        if (status != SubscriptionStatus.PAST_DUE || Objects.equals(since, pastDueSince)) {
            return this; // every webhook's write passes here: most change nothing
        }
        return new Subscription(
                id,
                customerId,
                status,
                priceId,
                quantity,
                currentPeriodStart,
                currentPeriodEnd,
                cancelAtPeriodEnd,
                cancelAt,
                canceledAt,
                endedAt,
                trialStart,
                trialEnd,
                created,
                metadata,
                version,
                pricing,
                since);
    }

    /** Cancellation scheduled ({@code cancel_at_period_end} or a {@code cancel_at} date). */
    public boolean isCanceling() {
        return cancelAtPeriodEnd || cancelAt != null;
    }

    public boolean isActive() {
        return status.isActive();
    }

    public boolean isTrialing() {
        return status.isTrialing();
    }

    public boolean isPastDue() {
        return status.isPastDue();
    }

    public boolean isIncomplete() {
        return status.isIncomplete();
    }

    public boolean hasEnded() {
        return status.hasEnded();
    }

    /**
     * Cancelled but still running until the end of the paid period (Cashier's "on grace period"): active or
     * trialing, a cancellation scheduled, and its date still in the future.
     */
    public boolean isOnGracePeriod(Instant now) {
        Instant ends = cancelAt != null ? cancelAt : (cancelAtPeriodEnd ? currentPeriodEnd : null);
        return status.isActive() && ends != null && ends.isAfter(now);
    }
}

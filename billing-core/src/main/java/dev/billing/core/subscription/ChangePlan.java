package dev.billing.core.subscription;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import java.util.UUID;

/**
 * Moves one of the caller's running subscriptions to another plan of the catalog, with the given proration: the
 * plan's price and its metered prices, in one Stripe update.
 *
 * <p>Usage: {@code Subscription s = changePlan.change(user, "sub_123", "pro", YEAR, CREATE_PRORATIONS);}
 */
public final class ChangePlan {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final PlanCatalog catalog;
    private final SubscriptionChanges changes;
    private final GatewayRetry retry;

    @Internal
    public ChangePlan(
            Ownership ownership,
            PaymentGateway gateway,
            PlanCatalog catalog,
            SubscriptionChanges changes,
            GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.catalog = catalog;
        this.changes = changes;
        this.retry = retry;
    }

    public Subscription change(
            UserId user, String subscriptionId, String tier, BillingInterval interval, ProrationBehavior proration) {
        Plan plan = catalog.plan(tier, interval)
                .orElseThrow(() -> new InvalidRequestException(
                        "unknown_plan",
                        "tier",
                        "There is no " + interval.stripeName() + "ly plan for tier '" + tier + "'."));
        Subscription current = ownership.subscription(user, subscriptionId);
        if (!current.hasEnded() && plan.priceId().equals(current.priceId())) {
            current = changes.atStripe(current); // skipped only when Stripe has the plan too
        }
        if (current.hasEnded()) {
            throw new InvalidRequestException(
                    "subscription_ended", "Subscription " + subscriptionId + " has ended; start a new one instead.");
        }
        if (plan.priceId().equals(current.priceId())) {
            return current;
        }
        String key = "billing-change-" + UUID.randomUUID();
        return changes.stored(retry.call(() -> gateway.changeSubscriptionPlan(subscriptionId, plan, proration, key)));
    }
}

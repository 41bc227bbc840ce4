package dev.billing.core.subscription;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.PaymentGateway;
import java.util.UUID;

/**
 * Cancels one of the caller's subscriptions, at the end of the period by default. Cancelling an ended
 * subscription returns it unchanged. The projection is updated from Stripe's answer at once.
 *
 * <p>Usage: {@code Subscription s = cancelSubscription.cancel(user, "sub_123", true);}
 */
public final class CancelSubscription {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final SubscriptionChanges changes;
    private final GatewayRetry retry;

    @Internal
    public CancelSubscription(
            Ownership ownership, PaymentGateway gateway, SubscriptionChanges changes, GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.changes = changes;
        this.retry = retry;
    }

    public Subscription cancel(UserId user, String subscriptionId, boolean atPeriodEnd) {
        Subscription current = ownership.subscription(user, subscriptionId);
        if (current.hasEnded()) { // an end is final: the projection never shows one Stripe has not made
            return current;
        }
        if (atPeriodEnd && current.cancelAtPeriodEnd()) {
            current = changes.atStripe(current);
            if (current.hasEnded() || current.cancelAtPeriodEnd()) {
                return current;
            }
        }
        String key = "billing-cancel-" + UUID.randomUUID();
        return changes.stored(retry.call(() -> gateway.cancelSubscription(subscriptionId, atPeriodEnd, key)));
    }
}

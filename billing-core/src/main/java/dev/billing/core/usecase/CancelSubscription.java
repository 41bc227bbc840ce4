package dev.billing.core.usecase;

import dev.billing.core.port.ProjectionListener;

import dev.billing.core.model.Subscription;
import dev.billing.core.model.UserId;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.SubscriptionStore;

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
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;
    private final GatewayRetry retry;

    CancelSubscription(Ownership ownership, PaymentGateway gateway, SubscriptionStore subscriptions,
                       ProjectionListener listener, GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.subscriptions = subscriptions;
        this.listener = listener;
        this.retry = retry;
    }

    public Subscription cancel(UserId user, String subscriptionId, boolean atPeriodEnd) {
        Subscription current = ownership.subscription(user, subscriptionId);
        if (current.hasEnded() || (atPeriodEnd && current.cancelAtPeriodEnd())) {
            return current;
        }
        String key = "billing-cancel-" + UUID.randomUUID();
        Subscription updated = retry.call(() -> gateway.cancelSubscription(subscriptionId, atPeriodEnd, key));
        subscriptions.upsertSubscription(updated, AuditContext.current());
        listener.projectionChanged(updated.customerId());
        return updated;
    }
}

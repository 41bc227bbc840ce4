package dev.billing.core.subscription;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;

/**
 * Where a user's change to a subscription meets the projection: Stripe's answer is stored and the caches told, and a
 * change the projection says is already made is checked at Stripe before it is skipped. The projection can lag
 * behind Stripe (a change made in the dashboard or by another process whose webhook is not processed yet), and a
 * change skipped on such a row never reaches Stripe: a resume that is not sent leaves the cancellation in force.
 */
@Internal
public final class SubscriptionChanges {
    private final PaymentGateway gateway;
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;
    private final GatewayRetry retry;

    public SubscriptionChanges(
            PaymentGateway gateway, SubscriptionStore subscriptions, ProjectionListener listener, GatewayRetry retry) {
        this.gateway = gateway;
        this.subscriptions = subscriptions;
        this.listener = listener;
        this.retry = retry;
    }

    /** Stores what Stripe answered (audited as the caller's change) and tells the caches; returns it. */
    Subscription stored(Subscription answered) {
        subscriptions.upsertSubscription(answered, AuditContext.current());
        listener.projectionChanged(answered.customerId());
        return answered;
    }

    /** Stripe's current state of the subscription, stored; the projected one if Stripe no longer has it. */
    Subscription atStripe(Subscription projected) {
        return retry.call(() -> gateway.getSubscription(projected.id()))
                .map(this::stored)
                .orElse(projected);
    }
}

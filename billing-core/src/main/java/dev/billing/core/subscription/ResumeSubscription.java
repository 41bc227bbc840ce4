package dev.billing.core.subscription;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.PaymentGateway;
import java.util.UUID;

/**
 * Withdraws a scheduled cancellation of one of the caller's subscriptions (only while it is still running).
 *
 * <p>Usage: {@code Subscription s = resumeSubscription.resume(user, "sub_123");}
 */
public final class ResumeSubscription {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final SubscriptionChanges changes;
    private final GatewayRetry retry;

    @Internal
    public ResumeSubscription(
            Ownership ownership, PaymentGateway gateway, SubscriptionChanges changes, GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.changes = changes;
        this.retry = retry;
    }

    public Subscription resume(UserId user, String subscriptionId) {
        Subscription current = ownership.subscription(user, subscriptionId);
        if (!current.hasEnded() && !(current.isActive() && scheduled(current))) {
            current = changes.atStripe(current); // refused or skipped only on Stripe's state
        }
        if (current.hasEnded() || !current.isActive()) {
            throw new InvalidRequestException(
                    "subscription_not_resumable",
                    "Subscription " + subscriptionId + " is " + current.status().stripeName()
                            + " and cannot be resumed; start a new one instead.");
        }
        if (!scheduled(current)) {
            return current;
        }
        String key = "billing-resume-" + UUID.randomUUID();
        return changes.stored(retry.call(() -> gateway.resumeSubscription(subscriptionId, key)));
    }

    private static boolean scheduled(Subscription subscription) {
        return subscription.cancelAtPeriodEnd() || subscription.cancelAt() != null;
    }
}

package dev.billing.core.checkout;

import dev.billing.core.annotation.Internal;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.PaymentGateway;
import java.util.List;

/**
 * Subscriptions whose first payment was never made ({@code incomplete}): before a party is offered another one, each
 * is ended at Stripe, so that an app paying an old sheet late cannot leave the party with two subscriptions; an
 * erasure ends them too.
 *
 * <p>Usage: {@code new IncompleteSubscriptions(gateway, retry).endEvery(customer);}
 */
@Internal
public final class IncompleteSubscriptions {
    private final PaymentGateway gateway;
    private final GatewayRetry retry;

    public IncompleteSubscriptions(PaymentGateway gateway, GatewayRetry retry) {
        this.gateway = gateway;
        this.retry = retry;
    }

    /** Ends every incomplete subscription Stripe lists for the customer (an erased account's: none is paid later). */
    public void endEvery(CustomerId customer) {
        endAll(retry.call(() -> gateway.listSubscriptions(customer)).stream()
                .filter(s -> s.status() == SubscriptionStatus.INCOMPLETE)
                .toList());
    }

    void endAll(List<Subscription> incomplete) {
        for (Subscription s : incomplete) {
            String key = IdempotencyKeys.of("end-incomplete", s.id());
            retry.call(() -> gateway.cancelSubscription(s.id(), false, key));
        }
    }

    /**
     * What Stripe's refusal of a subscription or session means to the buyer: a promotion code it cannot use is the
     * buyer's mistake (400 invalid_promotion_code); anything else stays the gateway's error.
     */
    static RuntimeException promotionCodeRefusal(String promotionCode, GatewayRejectedException e) {
        if (promotionCode != null && e.param() != null && e.param().contains("promotion_code")) {
            // Unknown, expired, used up or not for this customer: the buyer mistyped or was too late.
            return new InvalidRequestException(
                    "invalid_promotion_code",
                    "promotionCode",
                    "This promotion code cannot be used: it is unknown, expired or used up.");
        }
        return e;
    }
}

package dev.billing.core.subscription;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.PromotionCode;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.PaymentGateway;

/**
 * Applies a promotion code to one of the caller's subscriptions: its coupon replaces the subscription's discount
 * from the next invoice on, and Stripe's answer is projected at once (its pricing carries the new discount). Any
 * active Stripe promotion code is accepted, listed in the catalog or not, as Checkout accepts them.
 *
 * <p>Usage: {@code Subscription s = applyPromotionCode.apply(user, "sub_123", "SPRING25");}
 */
public final class ApplyPromotionCode {
    static final String INVALID = "invalid_promotion_code";

    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final SubscriptionChanges changes;
    private final GatewayRetry retry;

    @Internal
    public ApplyPromotionCode(
            Ownership ownership, PaymentGateway gateway, SubscriptionChanges changes, GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.changes = changes;
        this.retry = retry;
    }

    /**
     * @throws InvalidRequestException {@code invalid_promotion_code} for a malformed code, or one Stripe does not
     *                                 hold as active or refuses for this subscription; {@code subscription_ended}
     *                                 for a subscription that has ended
     */
    public Subscription apply(UserId user, String subscriptionId, String code) {
        if (code == null || !code.matches(PromotionCode.CODE_PATTERN)) {
            throw new InvalidRequestException(
                    INVALID, "promotionCode", "promotionCode must be 1-64 letters, digits, '-' or '_'.");
        }
        Subscription current = ownership.subscription(user, subscriptionId);
        if (current.hasEnded()) {
            throw new InvalidRequestException(
                    "subscription_ended",
                    "Subscription " + subscriptionId + " has ended: a promotion code cannot apply to it any more.");
        }
        PromotionCode promotion =
                retry.call(() -> gateway.findPromotionCode(code)).orElseThrow(() -> unusable(code));
        // The same code on the same version of the subscription is one logical request: a retry or a double
        // click gets Stripe's first answer back.
        String key = IdempotencyKeys.of(
                "discount", current.id(), promotion.id(), current.version().key());
        Subscription updated;
        try {
            updated = retry.call(() -> gateway.applyPromotionCode(current.id(), promotion.id(), key));
        } catch (GatewayRejectedException e) {
            if (e.param() != null
                    && (e.param().contains("promotion_code") || e.param().contains("discounts"))) {
                // Expired or used up since the lookup, or restricted to other customers or first purchases.
                throw unusable(code);
            }
            throw e;
        }
        return changes.stored(updated);
    }

    private static InvalidRequestException unusable(String code) {
        return new InvalidRequestException(
                INVALID,
                "promotionCode",
                "The promotion code '" + code
                        + "' cannot be used: it is unknown, expired, used up or not valid for this subscription.");
    }
}

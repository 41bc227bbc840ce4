package dev.billing.core.usecase;

import dev.billing.core.model.PaymentRefund;
import dev.billing.core.model.Purchase;
import dev.billing.core.model.UserId;
import dev.billing.core.port.SubscriptionStore;

import java.util.List;

/**
 * The caller's refunds from the local projection (recorded from Stripe's refund webhooks), newest first, with no
 * Stripe call.
 *
 * <p>Usage: {@code List<PaymentRefund> mine = listRefunds.of(user);}
 */
public final class ListRefunds {
    private final Ownership ownership;
    private final SubscriptionStore subscriptions;

    ListRefunds(Ownership ownership, SubscriptionStore subscriptions) {
        this.ownership = ownership;
        this.subscriptions = subscriptions;
    }

    public List<PaymentRefund> of(UserId user) {
        return ownership.customerOf(user).map(subscriptions::refundsOf).orElse(List.of());
    }

    /**
     * What went back of the purchase's payment: the refunds of its payment intent that count (a failed or canceled
     * refund returns nothing); 0 for a purchase without a payment intent (a free one).
     *
     * <p>Usage: {@code long back = ListRefunds.refundedOf(purchase, listRefunds.of(user));}
     */
    public static long refundedOf(Purchase purchase, List<PaymentRefund> refunds) {
        if (purchase.paymentIntentId() == null) {
            return 0;
        }
        return refunds.stream().filter(r -> purchase.paymentIntentId().equals(r.paymentIntentId()))
                .filter(PaymentRefund::counts).mapToLong(PaymentRefund::amount).sum();
    }
}

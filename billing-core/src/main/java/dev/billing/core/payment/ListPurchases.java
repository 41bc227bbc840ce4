package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.port.SubscriptionStore;
import java.util.List;

/**
 * The caller's one-time purchases from the local projection, oldest first (no Stripe call).
 *
 * <p>Usage: {@code List<Purchase> mine = listPurchases.of(user);}
 */
public final class ListPurchases {
    private final Ownership ownership;
    private final SubscriptionStore subscriptions;

    @Internal
    public ListPurchases(Ownership ownership, SubscriptionStore subscriptions) {
        this.ownership = ownership;
        this.subscriptions = subscriptions;
    }

    public List<Purchase> of(UserId user) {
        return ownership.customerOf(user).map(subscriptions::purchasesOf).orElse(List.of());
    }
}

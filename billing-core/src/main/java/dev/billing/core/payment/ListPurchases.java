package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.port.SubscriptionStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The caller's one-time purchases from the local projection, oldest first (no Stripe call), those made through a
 * customer since deleted at Stripe included: they stay the caller's (its entitlements own them).
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

    /** Oldest first, through each of the user's customers (one deleted at Stripe too). */
    public List<Purchase> of(UserId user) {
        List<CustomerId> customers = ownership.customersOf(user);
        if (customers.size() == 1) {
            return subscriptions.purchasesOf(customers.get(0));
        }
        List<Purchase> all = new ArrayList<>();
        customers.forEach(c -> all.addAll(subscriptions.purchasesOf(c)));
        all.sort(Comparator.comparing(Purchase::purchasedAt).thenComparing(Purchase::id));
        return all;
    }
}

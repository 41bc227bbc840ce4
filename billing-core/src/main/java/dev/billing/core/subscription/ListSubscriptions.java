package dev.billing.core.subscription;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.SubscriptionStore;
import java.util.List;

/**
 * The caller's subscriptions from the local projection, newest first (no Stripe call).
 *
 * <p>Usage: {@code List<Subscription> mine = listSubscriptions.of(user);}
 */
public final class ListSubscriptions {
    private final Ownership ownership;
    private final SubscriptionStore subscriptions;

    @Internal
    public ListSubscriptions(Ownership ownership, SubscriptionStore subscriptions) {
        this.ownership = ownership;
        this.subscriptions = subscriptions;
    }

    public List<Subscription> of(UserId user) {
        return ownership.customerOf(user).map(subscriptions::subscriptionsOf).orElse(List.of());
    }
}

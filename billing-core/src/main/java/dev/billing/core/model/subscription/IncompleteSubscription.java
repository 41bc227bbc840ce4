package dev.billing.core.model.subscription;

import dev.billing.core.model.payment.SheetIntent;
import java.util.Objects;

/**
 * A subscription with what its app still has to confirm: the first invoice's payment intent, or its pending setup
 * intent; {@code intent} is null when there is nothing to confirm.
 */
public record IncompleteSubscription(Subscription subscription, SheetIntent intent) {
    public IncompleteSubscription {
        Objects.requireNonNull(subscription, "subscription");
    }
}

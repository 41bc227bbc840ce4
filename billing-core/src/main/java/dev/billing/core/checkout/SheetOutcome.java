package dev.billing.core.checkout;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.payment.EphemeralKey;
import dev.billing.core.model.payment.SheetIntent;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.util.Objects;

/** What preparing a PaymentSheet did. Consume with {@code instanceof}. */
public sealed interface SheetOutcome permits SheetOutcome.Ready, SheetOutcome.AlreadySubscribed {

    /**
     * What the app presents the sheet with: the customer, its ephemeral key and the intent to confirm;
     * {@code subscriptionId} names the subscription being paid for (null for a purchase or a saved card),
     * {@code reused} says it is the party's earlier incomplete one rather than a new one, and
     * {@code publishableKey} is the configured Stripe publishable key (null when none is).
     */
    record Ready(
            CustomerId customerId,
            EphemeralKey ephemeralKey,
            SheetIntent intent,
            String subscriptionId,
            boolean reused,
            String publishableKey)
            implements SheetOutcome {
        public Ready {
            Objects.requireNonNull(customerId, "customerId");
            Objects.requireNonNull(ephemeralKey, "ephemeralKey");
            Objects.requireNonNull(intent, "intent");
        }
    }

    /** The party already holds a subscription that blocks a new one: manage it instead. */
    record AlreadySubscribed(String subscriptionId, SubscriptionStatus status) implements SheetOutcome {
        public AlreadySubscribed {
            Objects.requireNonNull(subscriptionId, "subscriptionId");
            Objects.requireNonNull(status, "status");
        }
    }
}

package dev.billing.core.checkout;

import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.util.Objects;

/** What starting a checkout did. Consume with {@code instanceof}. */
public sealed interface CheckoutOutcome permits CheckoutOutcome.Started, CheckoutOutcome.AlreadySubscribed {

    /** A session to send the user to. */
    record Started(CheckoutSession session) implements CheckoutOutcome {
        public Started {
            Objects.requireNonNull(session, "session");
        }
    }

    /** The user already holds a subscription that blocks a new one: manage it in the portal instead. */
    record AlreadySubscribed(String subscriptionId, SubscriptionStatus status) implements CheckoutOutcome {
        public AlreadySubscribed {
            Objects.requireNonNull(subscriptionId, "subscriptionId");
            Objects.requireNonNull(status, "status");
        }
    }
}

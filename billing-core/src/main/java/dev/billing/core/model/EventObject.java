package dev.billing.core.model;

import java.util.Objects;

/**
 * The decoded {@code data.object} of a webhook event, in the core's terms. Decoding is the webhook verifier's
 * job (it knows Stripe's JSON); the core only routes on these types.
 */
public sealed interface EventObject permits EventObject.OfSubscription, EventObject.OfInvoice,
        EventObject.OfCheckoutSession, EventObject.OfCustomer, EventObject.OfCatalog, EventObject.Other {

    /** A subscription snapshot, versioned {@link SourceVersion#snapshot} at the event's creation. */
    record OfSubscription(Subscription subscription) implements EventObject {
        public OfSubscription {
            Objects.requireNonNull(subscription, "subscription");
        }
    }

    /** An invoice snapshot, versioned at the event's creation. */
    record OfInvoice(Invoice invoice) implements EventObject {
        public OfInvoice {
            Objects.requireNonNull(invoice, "invoice");
        }
    }

    record OfCheckoutSession(CheckoutSession session) implements EventObject {
        public OfCheckoutSession {
            Objects.requireNonNull(session, "session");
        }
    }

    /** A customer; {@code userId} comes from {@code metadata.user_id} and may be null; so may {@code email}. */
    record OfCustomer(CustomerId customerId, UserId userId, String email, boolean deleted) implements EventObject {
        public OfCustomer {
            Objects.requireNonNull(customerId, "customerId");
        }
    }

    /** A product, price or plan: the catalog changed. */
    record OfCatalog(String objectType, String id) implements EventObject {
    }

    /** Anything else. */
    record Other(String objectType, String id) implements EventObject {
    }
}

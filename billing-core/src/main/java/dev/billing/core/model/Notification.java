package dev.billing.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * An outbound notice to a user. Each carries the Stripe event id that caused it, so adapters can deduplicate.
 * {@code email} may be null (the adapter decides what to do without an address).
 */
public sealed interface Notification permits Notification.TrialEnding, Notification.PaymentFailed,
        Notification.Receipt {

    String eventId();

    UserId userId();

    String email();

    record TrialEnding(String eventId, UserId userId, String email, String subscriptionId, Instant trialEnd)
            implements Notification {
        public TrialEnding {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(subscriptionId, "subscriptionId");
        }
    }

    record PaymentFailed(String eventId, UserId userId, String email, String invoiceId, Money amountDue,
                         String hostedInvoiceUrl) implements Notification {
        public PaymentFailed {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(invoiceId, "invoiceId");
            Objects.requireNonNull(amountDue, "amountDue");
        }
    }

    /** A receipt for a paid invoice or a one-time purchase; {@code reference} is the invoice or session id. */
    record Receipt(String eventId, UserId userId, String email, String reference, String description, Money amount,
                   String url) implements Notification {
        public Receipt {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(reference, "reference");
            Objects.requireNonNull(amount, "amount");
        }
    }
}

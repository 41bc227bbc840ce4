package dev.billing.core.model.notice;

import dev.billing.core.model.Checks;
import dev.billing.core.model.Money;
import dev.billing.core.model.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * An outbound notice to a user. Each carries the Stripe event id that caused it, so adapters can deduplicate, and
 * its {@link NoticeKind}. {@code email} may be null (the adapter decides what to do without an address). Plan names
 * are the catalog's tier names, or the price id when the catalog does not know the price.
 */
public sealed interface Notification
        permits Notification.SubscriptionStarted,
                Notification.TrialEnding,
                Notification.PaymentFailed,
                Notification.Receipt,
                Notification.PlanChanged,
                Notification.SubscriptionCanceled,
                Notification.RenewalReminder,
                Notification.RefundIssued {

    String eventId();

    UserId userId();

    String email();

    NoticeKind kind();

    /** A subscription began (active or trialing); {@code plan} and {@code trialEnd} may be null. */
    record SubscriptionStarted(
            String eventId, UserId userId, String email, String subscriptionId, String plan, Instant trialEnd)
            implements Notification {
        public SubscriptionStarted {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(subscriptionId, "subscriptionId");
        }

        @Override
        public NoticeKind kind() {
            return NoticeKind.SUBSCRIPTION_STARTED;
        }
    }

    record TrialEnding(String eventId, UserId userId, String email, String subscriptionId, Instant trialEnd)
            implements Notification {
        public TrialEnding {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(subscriptionId, "subscriptionId");
        }

        @Override
        public NoticeKind kind() {
            return NoticeKind.TRIAL_ENDING;
        }
    }

    record PaymentFailed(
            String eventId, UserId userId, String email, String invoiceId, Money amountDue, String hostedInvoiceUrl)
            implements Notification {
        public PaymentFailed {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(invoiceId, "invoiceId");
            Objects.requireNonNull(amountDue, "amountDue");
        }

        @Override
        public NoticeKind kind() {
            return NoticeKind.PAYMENT_FAILED;
        }
    }

    /** A receipt for a paid invoice or a one-time purchase; {@code reference} is the invoice or session id. */
    record Receipt(
            String eventId, UserId userId, String email, String reference, String description, Money amount, String url)
            implements Notification {
        public Receipt {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(reference, "reference");
            Objects.requireNonNull(amount, "amount");
        }

        @Override
        public NoticeKind kind() {
            return NoticeKind.RECEIPT;
        }
    }

    /**
     * The subscription moved to another price; {@code fromPlan} is null when the earlier price is not known.
     * {@code invoicedNow} says Stripe invoiced the difference at once (the change made an invoice:
     * {@code proration_behavior=always_invoice}, or a new billing interval) rather than on the next invoice, and
     * {@code charged} is what that invoice took, when known (null: not read, or not paid yet).
     */
    record PlanChanged(
            String eventId,
            UserId userId,
            String email,
            String subscriptionId,
            String fromPlan,
            String toPlan,
            boolean invoicedNow,
            Money charged)
            implements Notification {
        public PlanChanged {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(subscriptionId, "subscriptionId");
            Checks.text(toPlan, "toPlan");
            if (charged != null && !invoicedNow) {
                throw new IllegalArgumentException(
                        "charged needs invoicedNow: only an invoice made by the change " + "charges at once");
            }
        }

        /** A change whose difference goes on the next invoice. */
        public PlanChanged(
                String eventId, UserId userId, String email, String subscriptionId, String fromPlan, String toPlan) {
            this(eventId, userId, email, subscriptionId, fromPlan, toPlan, false, null);
        }

        @Override
        public NoticeKind kind() {
            return NoticeKind.PLAN_CHANGED;
        }
    }

    /**
     * The subscription was canceled: {@code accessUntil} is when it ends (the period's end for a cancellation at
     * period end), null when it ended at once.
     */
    record SubscriptionCanceled(String eventId, UserId userId, String email, String subscriptionId, Instant accessUntil)
            implements Notification {
        public SubscriptionCanceled {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(subscriptionId, "subscriptionId");
        }

        @Override
        public NoticeKind kind() {
            return NoticeKind.SUBSCRIPTION_CANCELED;
        }
    }

    /**
     * The subscription renews soon ({@code invoice.upcoming}); {@code subscriptionId} and {@code renewsAt} may be
     * null.
     */
    record RenewalReminder(
            String eventId, UserId userId, String email, String subscriptionId, Money amount, Instant renewsAt)
            implements Notification {
        public RenewalReminder {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(amount, "amount");
        }

        @Override
        public NoticeKind kind() {
            return NoticeKind.RENEWAL_REMINDER;
        }
    }

    /** Money went back to the customer ({@code charge.refunded}): {@code amount} is the total refunded so far. */
    record RefundIssued(String eventId, UserId userId, String email, String chargeId, Money amount)
            implements Notification {
        public RefundIssued {
            Checks.text(eventId, "eventId");
            Objects.requireNonNull(userId, "userId");
            Checks.text(chargeId, "chargeId");
            Objects.requireNonNull(amount, "amount");
        }

        @Override
        public NoticeKind kind() {
            return NoticeKind.REFUND_ISSUED;
        }
    }
}

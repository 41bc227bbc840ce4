package dev.billing.core.model.event;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The decoded {@code data.object} of a webhook event, in the core's terms. Decoding is the webhook verifier's
 * job (it knows Stripe's JSON); the core only routes on these types.
 */
public sealed interface EventObject
        permits EventObject.OfSubscription,
                EventObject.OfInvoice,
                EventObject.OfCheckoutSession,
                EventObject.OfCustomer,
                EventObject.OfCatalog,
                EventObject.OfUpcomingInvoice,
                EventObject.OfCharge,
                EventObject.OfRefund,
                EventObject.OfInvoicePayment,
                EventObject.OfPaymentIntent,
                EventObject.OfSetupIntent,
                EventObject.Other {

    /**
     * A subscription snapshot, versioned {@link SourceVersion#snapshot} at the event's creation, with what the
     * event's {@code previous_attributes} say changed ({@link SubscriptionChange#NONE} when it says nothing).
     *
     * @param couponsUnknown the subscription names discounts whose coupons the snapshot does not carry (a webhook's
     *                       payload gives their ids only), so its {@link Subscription#pricing()} is not Stripe's: with
     *                       re-fetch off the subscription is read from Stripe for such an event (DESIGN §4.3)
     */
    record OfSubscription(Subscription subscription, SubscriptionChange change, boolean couponsUnknown)
            implements EventObject {
        public OfSubscription {
            Objects.requireNonNull(subscription, "subscription");
            Objects.requireNonNull(change, "change");
        }

        /** A snapshot that carries whatever coupons its discounts have. */
        public OfSubscription(Subscription subscription, SubscriptionChange change) {
            this(subscription, change, false);
        }

        /** A snapshot whose event names no earlier values. */
        public OfSubscription(Subscription subscription) {
            this(subscription, SubscriptionChange.NONE);
        }

        /**
         * A time the subscription's turn to past due is not before, on Stripe's clock: the event's creation when it
         * shows the subscription not yet past due, or turning past due (its earlier status another: then it is the
         * turn's very time); else null, as the event says nothing of when it turned. A write gives it as {@link
         * Subscription#pastDueSince()} and the store keeps the latest such bound of the past-due spell, so however
         * late events are processed, and in whatever order, the turn ends up dated by the event that made it.
         */
        public Instant pastDueHint() {
            boolean turning = change.status() != null && change.status() != SubscriptionStatus.PAST_DUE;
            return !subscription.isPastDue() || turning ? subscription.version().at() : null;
        }
    }

    /**
     * The earlier values a {@code customer.subscription.updated} event's {@code previous_attributes} carry: each
     * null when the event does not name it (it did not change).
     *
     * @param priceId           the first item's earlier price, when the price changed
     * @param cancelAtPeriodEnd the earlier {@code cancel_at_period_end}
     * @param status            the earlier status
     * @param invoiceId         the invoice the update itself made (the subscription's new {@code latest_invoice},
     *                          when {@code previous_attributes} name an earlier one): Stripe invoiced the change at
     *                          once ({@code proration_behavior=always_invoice}, or a new billing interval)
     */
    record SubscriptionChange(String priceId, Boolean cancelAtPeriodEnd, SubscriptionStatus status, String invoiceId) {
        public static final SubscriptionChange NONE = new SubscriptionChange(null, null, null, null);

        /** A change that made no invoice. */
        public SubscriptionChange(String priceId, Boolean cancelAtPeriodEnd, SubscriptionStatus status) {
            this(priceId, cancelAtPeriodEnd, status, null);
        }
    }

    /**
     * An {@code invoice.upcoming} preview (it has no id yet): what the customer will be charged, when.
     * {@code subscriptionId} and {@code renewsAt} (Stripe's {@code next_payment_attempt}, else the period's end) may
     * be null.
     */
    record OfUpcomingInvoice(CustomerId customerId, String subscriptionId, Money amountDue, Instant renewsAt)
            implements EventObject {
        public OfUpcomingInvoice {
            Objects.requireNonNull(customerId, "customerId");
            Objects.requireNonNull(amountDue, "amountDue");
        }
    }

    /**
     * A charge (of {@code charge.*} events); {@code customerId} may be null (a guest's payment). {@code refunds} are
     * the refunds the charge embeds, as snapshots: API versions before 2022-11-15 list them in a
     * {@code charge.refunded} event, later ones only when expanded (empty then, and for a guest's payment).
     */
    record OfCharge(
            String chargeId,
            CustomerId customerId,
            Money amountRefunded,
            String paymentIntentId,
            List<PaymentRefund> refunds)
            implements EventObject {
        public OfCharge {
            Checks.text(chargeId, "chargeId");
            Objects.requireNonNull(amountRefunded, "amountRefunded");
            refunds = List.copyOf(refunds);
        }

        /** A charge that embeds no refunds. */
        public OfCharge(String chargeId, CustomerId customerId, Money amountRefunded, String paymentIntentId) {
            this(chargeId, customerId, amountRefunded, paymentIntentId, List.of());
        }
    }

    /**
     * A refund (of {@code refund.*} events) as a snapshot; {@code refund} is null when the event does not name the
     * paying customer: a guest's payment, or an older API version whose refunds carry no {@code customer}.
     */
    record OfRefund(String refundId, PaymentRefund refund) implements EventObject {
        public OfRefund {
            Checks.text(refundId, "refundId");
        }
    }

    /**
     * An invoice snapshot, versioned at the event's creation, with the payment intent it names: API versions before
     * 2025-03-31 carry {@code payment_intent} on the invoice; later ones never do (null), and say it in
     * {@code invoice_payment.paid} instead ({@link OfInvoicePayment}).
     */
    record OfInvoice(Invoice invoice, String paymentIntentId) implements EventObject {
        public OfInvoice {
            Objects.requireNonNull(invoice, "invoice");
        }

        /** An invoice that names no payment intent. */
        public OfInvoice(Invoice invoice) {
            this(invoice, null);
        }
    }

    /**
     * An invoice payment (of {@code invoice_payment.*} events): Stripe's {@code invoice_payment} id, its invoice, and
     * the payment intent that pays it (null when it is paid otherwise: out of band, or a payment record). It names
     * no customer.
     */
    record OfInvoicePayment(String id, String invoiceId, String paymentIntentId) implements EventObject {
        public OfInvoicePayment {
            Checks.text(id, "id");
            Checks.text(invoiceId, "invoiceId");
        }
    }

    /**
     * A payment intent (of {@code payment_intent.*} events): {@code customerId} may be null (a guest's), and so may
     * {@code received} (nothing received yet). {@code metadata} says what the server made it for: a PaymentSheet
     * purchase names its catalog price there; an invoice's or a Checkout session's names nothing of the kind.
     */
    record OfPaymentIntent(
            String id, CustomerId customerId, String status, Money received, Map<String, String> metadata)
            implements EventObject {
        public OfPaymentIntent {
            Checks.text(id, "id");
            Checks.text(status, "status");
            metadata = Checks.metadata(metadata);
        }
    }

    /**
     * A setup intent (of {@code setup_intent.*} events): the card it saved ({@code paymentMethodId}, null until it
     * succeeded) for {@code customerId} (null when it names none), and what the server made it for ({@code metadata}).
     */
    record OfSetupIntent(
            String id, CustomerId customerId, String status, String paymentMethodId, Map<String, String> metadata)
            implements EventObject {
        public OfSetupIntent {
            Checks.text(id, "id");
            Checks.text(status, "status");
            metadata = Checks.metadata(metadata);
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

    /** A product, price or plan (the catalog changed), or a coupon or promotion code (the promotions did). */
    record OfCatalog(String objectType, String id) implements EventObject {}

    /** Anything else. */
    record Other(String objectType, String id) implements EventObject {}
}

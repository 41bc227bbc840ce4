package dev.billing.core.port;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerRecord;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceQuery;
import dev.billing.core.model.catalog.Product;
import dev.billing.core.model.catalog.ProductQuery;
import dev.billing.core.model.catalog.PromotionCode;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.EphemeralKey;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentIntentRequest;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.model.payment.SetupIntent;
import dev.billing.core.model.payment.SheetIntent;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.IncompleteSubscription;
import dev.billing.core.model.subscription.IncompleteSubscriptionRequest;
import dev.billing.core.model.subscription.PortalSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.usage.MeterEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the system asks of Stripe.
 *
 * <p>Usage: {@code CustomerId id = gateway.createCustomer(new NewCustomer(user, email, key));}
 *
 * <p>Failures are {@link dev.billing.core.error.GatewayException}s that say whether the call certainly did not
 * happen or its outcome is unknown. Objects read from the gateway carry a
 * {@link dev.billing.core.model.SourceVersion#refetch} version stamped with the time they were read. Lookups of a
 * missing object return empty; mutations of a missing object throw
 * {@link dev.billing.core.error.GatewayRejectedException} with {@code isMissingResource()}. Calls that take an
 * idempotency key honour it the way Stripe does: the same key and parameters return the first result; the same
 * key with other parameters is rejected with {@code isIdempotencyConflict()}.
 */
public interface PaymentGateway {

    Page<Product> listProducts(ProductQuery query);

    Page<Price> listPrices(PriceQuery query);

    Optional<Price> getPrice(String priceId);

    /** Creates a customer with {@code metadata.user_id}; idempotent by the request's key. */
    CustomerId createCustomer(NewCustomer customer);

    /**
     * Finds a customer whose {@code metadata.user_id} is the user. May lag behind recent creations (Stripe search
     * is eventually consistent): use it only to confirm, never as a lock.
     */
    Optional<CustomerId> findCustomerByUserId(UserId userId);

    /** The customer as Stripe holds it now; empty when Stripe does not know it or it was deleted. */
    Optional<CustomerRecord> getCustomer(CustomerId customerId);

    /**
     * Deletes the customer at Stripe (an erasure that asks for it): its subscriptions end at once and its payment
     * methods are detached. Idempotent by nature.
     *
     * @return true when it was deleted now, false when Stripe has no such customer (any more)
     */
    boolean deleteCustomer(CustomerId customerId);

    CheckoutSession createCheckoutSession(CheckoutRequest request);

    Optional<CheckoutSession> getCheckoutSession(String sessionId);

    /**
     * The customer's Checkout sessions that are still open (payable), of every mode, newest first. At most the
     * newest 100: a customer never has more open for good reasons.
     *
     * <p>Usage: {@code gateway.listOpenCheckoutSessions(customer).stream().filter(s -> s.mode() == SUBSCRIPTION)}
     */
    List<CheckoutSession> listOpenCheckoutSessions(CustomerId customerId);

    /**
     * Expires an open Checkout session, so it can no longer be paid. Idempotent by nature.
     *
     * @return true when it was expired now, false when it was no longer open (paid, or expired already)
     */
    boolean expireCheckoutSession(String sessionId);

    PortalSession createPortalSession(CustomerId customerId, String returnUrl);

    Optional<Subscription> getSubscription(String subscriptionId);

    /** Every subscription of the customer, whatever its status. */
    List<Subscription> listSubscriptions(CustomerId customerId);

    /**
     * Cancels now, or at the end of the current period when {@code atPeriodEnd}. Cancelling now a subscription that
     * is canceled already answers it as it is, not a refusal: a cancellation sent again because its first answer was
     * lost (by the gateway's retries, or by a person asking again) finds its own work done.
     */
    Subscription cancelSubscription(String subscriptionId, boolean atPeriodEnd, String idempotencyKey);

    /** Withdraws a scheduled cancellation. */
    Subscription resumeSubscription(String subscriptionId, String idempotencyKey);

    /** Moves the subscription's first licensed item to {@code newPriceId}; its metered items stay as they are. */
    Subscription changeSubscriptionPrice(
            String subscriptionId, String newPriceId, ProrationBehavior proration, String idempotencyKey);

    /**
     * Moves the subscription to {@code plan} in one update: its first licensed item to the plan's price, and its
     * metered items to exactly the plan's metered prices (an item on a price the plan no longer has is swapped to a
     * new one or removed, a missing one is added; an item already on one of them stays). The licensed item keeps its
     * quantity. A subscription already on the plan is returned as it is (so a retry after the change went through
     * answers like the first call).
     *
     * <p>Usage: {@code gateway.changeSubscriptionPlan("sub_123", catalog.plan("pro", YEAR).orElseThrow(),
     * CREATE_PRORATIONS, key)}
     */
    Subscription changeSubscriptionPlan(
            String subscriptionId, Plan plan, ProrationBehavior proration, String idempotencyKey);

    /**
     * Sets the quantity (seats) of the subscription's first licensed item; {@code proration} says how the change is
     * billed.
     */
    Subscription changeSubscriptionQuantity(
            String subscriptionId, long quantity, ProrationBehavior proration, String idempotencyKey);

    /**
     * The active promotion code with this customer-facing code (matched without regard to case, as Stripe does),
     * with its coupon's terms; empty when Stripe holds no active code so.
     */
    Optional<PromotionCode> findPromotionCode(String code);

    /**
     * Replaces the subscription's discounts with the promotion code's coupon (by the code's {@code promo_...} id);
     * nothing is prorated or invoiced now. A code Stripe refuses (expired, used up, restricted) is a
     * {@link dev.billing.core.error.GatewayRejectedException} whose param names {@code discounts}.
     */
    Subscription applyPromotionCode(String subscriptionId, String promotionCodeId, String idempotencyKey);

    /** The customer's invoices, newest first; {@code startingAfter} is an invoice id cursor or null. */
    Page<Invoice> listInvoices(CustomerId customerId, int limit, String startingAfter);

    /**
     * Whether the subscription ever started at Stripe: Stripe holds a paid invoice of it (a trial's zero one counts),
     * or it is billed by invoices sent to the customer ({@code collection_method=send_invoice}), which Stripe makes
     * active at once, paid or not. Stripe's list filtered by subscription and status answers the first in one call,
     * and the subscription itself the second; this default, for a gateway without either, pages the customer's
     * invoices, newest first, back to the subscription's creation, for a paid one.
     */
    default boolean hasStarted(Subscription subscription) {
        String after = null;
        while (true) {
            Page<Invoice> page = listInvoices(subscription.customerId(), 20, after);
            for (Invoice invoice : page.items()) {
                if (invoice.paidFor(subscription.id())) {
                    return true;
                }
            }
            // A page reaching back before the subscription was created has shown all of its invoices.
            boolean olderReached = page.items().isEmpty()
                    || page.items().get(page.items().size() - 1).created().isBefore(subscription.created());
            if (!page.hasMore() || olderReached) {
                return false;
            }
            after = page.nextCursor();
        }
    }

    Optional<Invoice> getInvoice(String invoiceId);

    /**
     * Pays the open invoice with the given card of its customer ({@code payment_method}), whichever card Stripe would
     * otherwise take (the invoice's subscription's own default, then the customer's): the caller chose it. Null leaves
     * the choice to Stripe (an invoice with nothing due).
     */
    Invoice payInvoice(String invoiceId, String paymentMethodId, String idempotencyKey);

    /**
     * The payments that paid (part of) the invoice, each naming its payment intent (what a refund takes); payments
     * still open or failed are left out, and so is a payment without a payment intent (paid out of band).
     */
    List<InvoicePayment> listInvoicePayments(String invoiceId);

    /** The customer's card payment methods; the default one has {@code isDefault}. */
    List<PaymentMethod> listPaymentMethods(CustomerId customerId);

    Optional<PaymentMethod> getPaymentMethod(String paymentMethodId);

    SetupIntent createSetupIntent(CustomerId customerId, String idempotencyKey);

    /**
     * A setup intent whose {@code metadata} says what its success means (e.g. that the card becomes the default).
     * A gateway that keeps no metadata creates a plain one.
     */
    default SetupIntent createSetupIntent(CustomerId customerId, Map<String, String> metadata, String idempotencyKey) {
        return createSetupIntent(customerId, idempotencyKey);
    }

    /**
     * An ephemeral key for the customer, for a mobile SDK built against Stripe's API version {@code stripeVersion}
     * (null: the gateway's own). The PaymentSheet reads and saves the customer's cards with it.
     *
     * <p>Usage: {@code EphemeralKey key = gateway.createEphemeralKey(customer, null);}
     */
    default EphemeralKey createEphemeralKey(CustomerId customerId, String stripeVersion) {
        throw new UnsupportedOperationException("this payment gateway has no mobile payment sheet");
    }

    /**
     * Creates a subscription {@code incomplete} ({@code default_incomplete}), returning it with its first invoice's
     * payment intent, or its pending setup intent when nothing is due now.
     */
    default IncompleteSubscription createIncompleteSubscription(IncompleteSubscriptionRequest request) {
        throw new UnsupportedOperationException("this payment gateway has no mobile payment sheet");
    }

    /** The subscription with what its app still has to confirm; empty when Stripe does not know it. */
    default Optional<IncompleteSubscription> getIncompleteSubscription(String subscriptionId) {
        throw new UnsupportedOperationException("this payment gateway has no mobile payment sheet");
    }

    /** A payment intent for a one-time payment confirmed in the app. */
    default SheetIntent createPaymentIntent(PaymentIntentRequest request) {
        throw new UnsupportedOperationException("this payment gateway has no mobile payment sheet");
    }

    /**
     * A payment intent as its {@code payment_intent.*} events carry it (status, amount received, metadata); empty
     * when Stripe does not know it. Read for an event whose payload an erasure redacted before it was applied; a
     * gateway without a mobile payment sheet answers empty, and such an event is then ignored.
     */
    default Optional<EventObject.OfPaymentIntent> getPaymentIntent(String paymentIntentId) {
        return Optional.empty();
    }

    void detachPaymentMethod(String paymentMethodId);

    void setDefaultPaymentMethod(CustomerId customerId, String paymentMethodId);

    Refund createRefund(RefundRequest request);

    /**
     * The refund as Stripe holds it now, with the paying customer: the refund's own {@code customer}, else its
     * charge's. Empty when Stripe does not know the refund, and when its payment has no customer (a guest's): the
     * projection keeps customers' refunds only.
     *
     * <p>Usage: {@code gateway.getRefund("re_123").ifPresent(store::upsertRefund);}
     */
    Optional<PaymentRefund> getRefund(String refundId);

    /** Reports usage to a billing meter; idempotent by the event's identifier. */
    void reportMeterEvent(MeterEvent event);

    Optional<StripeEvent> getEvent(String eventId);

    /** Throws a {@link dev.billing.core.error.GatewayException} when the gateway cannot be used right now. */
    void ping();

    /** How Stripe prorates a plan change. */
    enum ProrationBehavior {
        CREATE_PRORATIONS("create_prorations"),
        ALWAYS_INVOICE("always_invoice"),
        NONE("none");

        private final String stripeName;

        ProrationBehavior(String stripeName) {
            this.stripeName = stripeName;
        }

        public String stripeName() {
            return stripeName;
        }

        public static Optional<ProrationBehavior> parse(String value) {
            for (ProrationBehavior behavior : values()) {
                if (behavior.stripeName.equals(value)) {
                    return Optional.of(behavior);
                }
            }
            return Optional.empty();
        }
    }
}

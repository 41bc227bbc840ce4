package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.PortalSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake's hosted pages: checkout sessions, completed as a paying customer would, and portal sessions. Not
 * thread-safe: {@link FakePaymentGateway} calls it under its lock.
 */
final class FakeCheckout {
    private final AtomicLong ids;
    private final FakeCatalog catalog;
    private final FakeCustomers customers;
    private final FakeSubscriptions subscriptions;
    private final FakeInvoices invoices;
    private final FakePayments payments;
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    /** @param ids the gateway's, so that ids of every kind come from one sequence */
    FakeCheckout(
            AtomicLong ids,
            FakeCatalog catalog,
            FakeCustomers customers,
            FakeSubscriptions subscriptions,
            FakeInvoices invoices,
            FakePayments payments) {
        this.ids = ids;
        this.catalog = catalog;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.invoices = invoices;
        this.payments = payments;
    }

    CheckoutSession create(CheckoutRequest request) {
        if (request.customerId() != null) {
            customers.require(request.customerId());
        }
        for (LineItem line : request.lineItems()) {
            if (line instanceof LineItem.OfPrice ofPrice && !catalog.hasPrice(ofPrice.priceId())) {
                throw FakeErrors.missing("price", ofPrice.priceId());
            }
            if (line instanceof LineItem.Metered meteredLine) {
                if (!catalog.hasPrice(meteredLine.priceId())) {
                    throw FakeErrors.missing("price", meteredLine.priceId());
                }
                if (request.mode() != CheckoutMode.SUBSCRIPTION) {
                    throw FakeErrors.rejected("line_items", "A metered price can only be added to a subscription.");
                }
            }
        }
        String id = "cs_fake_" + ids.incrementAndGet();
        Session session = new Session(id, request);
        sessions.put(id, session);
        return session.view();
    }

    Optional<CheckoutSession> get(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId)).map(Session::view);
    }

    /** The customer's open sessions, newest first, as Stripe lists them. */
    List<CheckoutSession> listOpen(CustomerId customer) {
        List<CheckoutSession> open = new ArrayList<>();
        for (Session session : sessions.values()) {
            if (session.isOpen() && customer.equals(session.request.customerId())) {
                open.add(session.view());
            }
        }
        Collections.reverse(open);
        return open;
    }

    /** Expires an open session; false when it was no longer open. */
    boolean expire(String sessionId) {
        Session session = sessions.get(sessionId);
        if (session == null) {
            throw FakeErrors.missing("checkout_session", sessionId);
        }
        if (!session.isOpen()) {
            return false;
        }
        session.expired = true;
        return true;
    }

    /** See {@link FakePaymentGateway#completeCheckout}. */
    String complete(String sessionId) {
        return complete(sessionId, null);
    }

    /**
     * See {@link FakePaymentGateway#completeCheckout(String, String)}: a guest's session (no customer) gets a new
     * customer with the email typed on the page ({@code email}, else the prefilled one).
     */
    String complete(String sessionId, String email) {
        Session session = sessions.get(sessionId);
        if (session == null) {
            throw new IllegalArgumentException("no checkout session " + sessionId);
        }
        if (!session.isOpen()) {
            // As Stripe: an expired or paid session's page cannot take a payment.
            throw new IllegalStateException("checkout session " + sessionId + " is no longer open");
        }
        CheckoutRequest request = session.request;
        if (request.mode() == CheckoutMode.SUBSCRIPTION) {
            LineItem.OfPrice line = (LineItem.OfPrice) request.lineItems().get(0);
            String priceId = line.priceId();
            SubscriptionStatus status =
                    request.trialDays() > 0 ? SubscriptionStatus.TRIALING : SubscriptionStatus.ACTIVE;
            Subscription subscription = subscriptions.create(
                    request.customerId(),
                    priceId,
                    line.quantity(),
                    status,
                    request.trialDays(),
                    request.subscriptionMetadata());
            subscriptions.setMetered(
                    subscription.id(),
                    request.lineItems().stream()
                            .filter(l -> l instanceof LineItem.Metered)
                            .map(l -> ((LineItem.Metered) l).priceId())
                            .toList());
            long amount = status == SubscriptionStatus.TRIALING ? 0 : catalog.unitAmount(priceId) * line.quantity();
            invoices.create(request.customerId(), subscription.id(), InvoiceStatus.PAID, amount);
            session.subscriptionId = subscription.id();
            session.complete = true;
            return subscription.id();
        }
        long total = 0;
        for (LineItem line : request.lineItems()) {
            long unit = line instanceof LineItem.OfAmount amount
                    ? amount.unitAmount().amount()
                    : catalog.unitAmount(((LineItem.OfPrice) line).priceId());
            total += unit * line.quantity();
        }
        if (request.customerId() == null) {
            session.email = email != null ? email : request.customerEmail();
            session.guestCustomer = customers.createGuest(session.email);
        }
        String intent = payments.pay(total, request.customerId());
        session.paymentIntentId = intent;
        session.amountTotal = total;
        session.complete = true;
        return intent;
    }

    PortalSession createPortalSession(CustomerId customerId) {
        customers.require(customerId);
        String id = "bps_fake_" + ids.incrementAndGet();
        return new PortalSession(id, "https://billing.fake.test/p/session/" + id);
    }

    /** What an idempotency key is bound to when a session is created. */
    static String fingerprint(CheckoutRequest r) {
        return r.mode() + "|" + r.customerId() + "|" + r.lineItems() + "|" + r.successUrl() + "|" + r.cancelUrl() + "|"
                + r.trialDays() + "|" + r.promotionCode() + "|" + new TreeMap<>(r.metadata());
    }

    private static final class Session {
        final String id;
        final CheckoutRequest request;
        String subscriptionId;
        String paymentIntentId;
        Long amountTotal;
        boolean complete;
        boolean expired;
        String email;
        CustomerId guestCustomer;

        Session(String id, CheckoutRequest request) {
            this.id = id;
            this.request = request;
        }

        boolean isOpen() {
            return !complete && !expired;
        }

        CheckoutSession view() {
            return new CheckoutSession(
                    id,
                    isOpen() ? "https://checkout.fake.test/c/pay/" + id : null,
                    request.mode(),
                    request.customerId() != null ? request.customerId() : guestCustomer,
                    subscriptionId,
                    paymentIntentId,
                    complete ? "complete" : expired ? "expired" : "open",
                    complete ? "paid" : "unpaid",
                    request.clientReferenceId(),
                    amountTotal,
                    "usd",
                    request.metadata(),
                    email);
        }
    }
}

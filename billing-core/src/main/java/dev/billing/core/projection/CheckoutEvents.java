package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.checkout.DuplicateSubscriptionCheck;
import dev.billing.core.checkout.OpenCheckouts;
import dev.billing.core.checkout.StartPaymentSheet;
import dev.billing.core.guest.GuestPurchases;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.catalog.CatalogItem;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.notice.NoticeSender;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import java.util.Map;
import java.util.Optional;

/**
 * Projects a completed Checkout session: a subscription's is read from the gateway (with re-fetch on; with it off,
 * {@code customer.subscription.created} carries the subscription itself), then, unless that subscription has already
 * ended, the customer's other open subscription sessions are expired, and a duplicate live subscription is looked for
 * (a failure of either is thrown, and the event retried); a paid one-time purchase is recorded under the session id
 * (so a duplicate records nothing) and receipted once, or kept for whoever claims a guest's email.
 */
@Internal
public final class CheckoutEvents {
    private final PaymentGateway gateway;
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;
    private final GuestPurchases guests;
    private final PlanCatalog plans;
    private final NoticeSender notices;
    private final boolean refetch;
    private final OpenCheckouts openCheckouts;
    private final DuplicateSubscriptionCheck duplicates;
    private final ErasedAccountEvents erased;

    public CheckoutEvents(
            PaymentGateway gateway,
            SubscriptionStore subscriptions,
            ProjectionListener listener,
            GuestPurchases guests,
            PlanCatalog plans,
            NoticeSender notices,
            boolean refetch,
            DuplicateSubscriptionCheck duplicates,
            ErasedAccountEvents erased) {
        this.openCheckouts = new OpenCheckouts(gateway);
        this.duplicates = duplicates;
        this.gateway = gateway;
        this.subscriptions = subscriptions;
        this.listener = listener;
        this.guests = guests;
        this.plans = plans;
        this.notices = notices;
        this.refetch = refetch;
        this.erased = erased;
    }

    public InboxStatus apply(InboxEntry entry, CheckoutSession session) {
        return apply(entry, session, true);
    }

    /**
     * A Checkout event whose payload an erasure redacted before it was applied (received while the erasure ran): the
     * session it names is read from Stripe and applied, so that a purchase paid then is recorded and the customer's
     * other sessions expired. The erased account is sent no receipt, and a guest's session, which would keep the
     * buyer's email for a claim, is left alone.
     *
     * @return the session applied, or empty when there was none to read or it was a guest's
     */
    public Optional<EventObject> redacted(InboxEntry entry, String sessionId) {
        if (sessionId == null) {
            return Optional.empty();
        }
        Optional<CheckoutSession> read = gateway.getCheckoutSession(sessionId)
                .filter(session -> !"true".equals(session.metadata().get(GuestPurchases.GUEST_METADATA)));
        read.ifPresent(session -> apply(entry, session, false));
        return read.map(EventObject.OfCheckoutSession::new);
    }

    /**
     * The same for a PaymentSheet's {@code payment_intent.*} event: the intent is read from Stripe, and a sheet's
     * purchase it paid is recorded, with no receipt.
     *
     * @return the intent, or empty when there was none to read or it was not a sheet's paid purchase
     */
    public Optional<EventObject> redactedSheet(InboxEntry entry, String paymentIntentId) {
        if (paymentIntentId == null) {
            return Optional.empty();
        }
        Optional<EventObject.OfPaymentIntent> read =
                gateway.getPaymentIntent(paymentIntentId).filter(CheckoutEvents::isSheetPurchase);
        read.ifPresent(pi -> record(
                entry,
                pi.id(),
                pi.customerId(),
                pi.metadata().get("price_id"),
                parseQuantity(pi.metadata().get("quantity")),
                pi.received().currency(),
                pi.received().amount(),
                pi.id()));
        return read.map(EventObject.class::cast);
    }

    private InboxStatus apply(InboxEntry entry, CheckoutSession session, boolean receipt) {
        if (session.mode() == CheckoutMode.SUBSCRIPTION) {
            Optional<Subscription> subscription = Optional.empty();
            if (session.subscriptionId() != null && refetch) {
                subscription = gateway.getSubscription(session.subscriptionId());
                subscription.ifPresent(s -> {
                    // Stripe's metadata still names an erased account's user: written under its pseudonym.
                    subscriptions.upsertSubscription(erased.scrubbed(s), AuditContext.current());
                    listener.projectionChanged(s.customerId());
                });
            } else if (session.subscriptionId() != null) {
                subscription = subscriptions.findSubscription(session.subscriptionId());
            }
            if (session.customerId() != null) {
                // A completion whose subscription has ended (an old one replayed, or redelivered late) guards nothing:
                // the party may be paying a new session for its next subscription at this very moment.
                if (subscription.map(s -> !s.hasEnded()).orElse(true)) {
                    openCheckouts.expireAllBut(session.customerId(), session.id());
                }
                duplicates.check(session.customerId());
            }
            return InboxStatus.PROCESSED;
        }
        String priceId = session.metadata().get("price_id");
        if (session.mode() != CheckoutMode.PAYMENT
                || !session.isPaid()
                || session.customerId() == null
                || priceId == null) {
            return InboxStatus.IGNORED;
        }
        long quantity = parseQuantity(session.metadata().get("quantity"));
        String currency = session.currency() == null ? "usd" : session.currency();
        long amount = session.amountTotal() == null ? 0 : session.amountTotal();
        boolean guest = "true".equals(session.metadata().get(GuestPurchases.GUEST_METADATA));
        if (guest || !receipt) {
            record(
                    entry,
                    session.id(),
                    session.customerId(),
                    priceId,
                    quantity,
                    currency,
                    amount,
                    session.paymentIntentId());
            if (guest) {
                // No user to notify yet: the purchase waits for whoever claims the buyer's email.
                guests.record(session, quantity, priceId);
            }
            return InboxStatus.PROCESSED;
        }
        recordAndReceipt(
                entry,
                session.id(),
                session.customerId(),
                priceId,
                session.metadata(),
                new Money(amount, currency),
                session.paymentIntentId());
        return InboxStatus.PROCESSED;
    }

    /**
     * A PaymentSheet's completion: a succeeded payment intent the sheet made for a catalog item is recorded as a
     * purchase under the intent's id (a duplicate records nothing) and receipted once; a succeeded setup intent made
     * to save a card makes that card the customer's default (for invoices and every subscription not ended).
     * Other intents (an invoice's, a Checkout session's) are not the sheet's: ignored.
     */
    public InboxStatus applySheet(InboxEntry entry, EventObject object) {
        if (object instanceof EventObject.OfPaymentIntent pi) {
            if (!isSheetPurchase(pi)) {
                return InboxStatus.IGNORED;
            }
            String priceId = pi.metadata().get("price_id");
            recordAndReceipt(entry, pi.id(), pi.customerId(), priceId, pi.metadata(), pi.received(), pi.id());
            return InboxStatus.PROCESSED;
        }
        if (object instanceof EventObject.OfSetupIntent si
                && "succeeded".equals(si.status())
                && "true".equals(si.metadata().get(StartPaymentSheet.MAKE_DEFAULT))
                && si.customerId() != null
                && si.paymentMethodId() != null) {
            gateway.setDefaultPaymentMethod(si.customerId(), si.paymentMethodId());
            listener.projectionChanged(si.customerId());
            return InboxStatus.PROCESSED;
        }
        return InboxStatus.IGNORED;
    }

    /** A succeeded payment intent the sheet made for a catalog item, for a customer: a purchase. */
    private static boolean isSheetPurchase(EventObject.OfPaymentIntent pi) {
        return "succeeded".equals(pi.status())
                && "sheet".equals(pi.metadata().get(StartPaymentSheet.SOURCE))
                && pi.customerId() != null
                && pi.metadata().get("price_id") != null
                && pi.received() != null;
    }

    private void record(
            InboxEntry entry,
            String purchaseId,
            CustomerId customer,
            String priceId,
            long quantity,
            String currency,
            long amount,
            String paymentIntentId) {
        Purchase purchase = new Purchase(
                purchaseId,
                customer,
                priceId,
                quantity,
                currency,
                amount,
                paymentIntentId,
                entry.event().created());
        subscriptions.recordPurchase(purchase, AuditContext.current());
        listener.projectionChanged(customer);
    }

    private void recordAndReceipt(
            InboxEntry entry,
            String purchaseId,
            CustomerId customer,
            String priceId,
            Map<String, String> metadata,
            Money paid,
            String paymentIntentId) {
        long quantity = parseQuantity(metadata.get("quantity"));
        record(entry, purchaseId, customer, priceId, quantity, paid.currency(), paid.amount(), paymentIntentId);
        if (paid.amount() > 0) {
            // The buyer reads the item's name, not the catalog's key.
            String item =
                    plans.itemForPrice(priceId).map(CatalogItem::name).orElse(metadata.getOrDefault("item", priceId));
            notices.sendOnce(
                    entry,
                    customer,
                    link -> new Notification.Receipt(
                            entry.eventId(),
                            link.userId(),
                            link.email(),
                            purchaseId,
                            quantity + " x " + item,
                            paid,
                            null));
        }
    }

    private static long parseQuantity(String value) {
        try {
            long quantity = value == null ? 1 : Long.parseLong(value);
            return quantity < 1 ? 1 : quantity;
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}

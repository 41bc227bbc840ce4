package dev.billing.core.webhook;

import dev.billing.core.audit.AuditContext;
import dev.billing.core.catalog.ListCatalog;
import dev.billing.core.catalog.ListPromotions;
import dev.billing.core.checkout.DuplicateSubscriptionCheck;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.notice.NoticeSender;
import dev.billing.core.notice.NoticeTriggers;
import dev.billing.core.org.SyncMemberships;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.core.projection.CheckoutEvents;
import dev.billing.core.projection.CoalescedReads;
import dev.billing.core.projection.ErasedAccountEvents;
import dev.billing.core.projection.InvoicePaymentEvents;
import dev.billing.core.projection.RefundEvents;
import dev.billing.core.projection.RetireDeletedCustomer;
import dev.billing.core.projection.SnapshotEvents;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one inbox event does (DESIGN §4.2-4.3), the only place that knows the event types:
 * <ul>
 *   <li>subscription and invoice events are triggers: the object is re-fetched from Stripe (when configured) and
 *       upserted under its watermark; with re-fetch off the snapshot is upserted, and a same-second tie is broken
 *       by re-fetching ({@link SnapshotEvents});</li>
 *   <li>checkout completions fetch the new subscription, or record the one-time purchase ({@link CheckoutEvents});
 *       so do a PaymentSheet's succeeded payment intent (a purchase) and setup intent (the card made default);
 *       they and subscription events that may add a live subscription look for a second one
 *       ({@link DuplicateSubscriptionCheck});</li>
 *   <li>refund events and {@code charge.refunded} record the customer's refunds ({@link RefundEvents});
 *       {@code invoice_payment.paid} which payment intent paid an invoice ({@link InvoicePaymentEvents});</li>
 *   <li>customer events link a customer carrying {@code metadata.user_id} to its user if the user has none;
 *       {@code customer.deleted} retires its link ({@link RetireDeletedCustomer});</li>
 *   <li>catalog events invalidate the catalog cache, coupon and promotion code events the promotions';</li>
 *   <li>Clerk's membership events ({@code clerk.} types) go to {@link SyncMemberships} when membership sync is
 *       on;</li>
 *   <li>other types, and events of the other livemode, are recorded as {@code ignored}.</li>
 * </ul>
 * A processed event's notice goes out once ({@link NoticeSender}); an erased account's event is redacted.
 */
final class EventEffects {
    private static final List<String> HANDLED_PREFIXES =
            List.of("customer.subscription.", "invoice.", "product.", "price.", "plan.", "coupon.", "promotion_code.");
    private static final List<String> HANDLED_TYPES = List.of(
            "checkout.session.completed",
            "checkout.session.async_payment_succeeded",
            "customer.created",
            "customer.updated",
            "customer.deleted",
            "charge.refunded",
            "refund.created",
            "refund.updated",
            "refund.failed",
            "invoice_payment.paid",
            "payment_intent.succeeded",
            "setup_intent.succeeded");

    /** The projection's writers each event type uses. */
    record Projections(
            SnapshotEvents snapshots,
            CheckoutEvents checkouts,
            RefundEvents refunds,
            InvoicePaymentEvents invoicePayments,
            ErasedAccountEvents erased) {}

    private final WebhookVerifier verifier;
    private final CustomerStore customers;
    private final NoticeSender notices;
    private final NoticeTriggers triggers;
    private final ListCatalog catalog;
    private final ListPromotions promotions;
    private final ProjectionListener listener;
    private final AuditLog audit;
    private final Projections projections;
    private final DuplicateSubscriptionCheck duplicates;
    /** Null when membership sync is off: Clerk's events are then ignored. */
    private final SyncMemberships memberships;

    private final RetireDeletedCustomer retired;

    private final BillingOptions options;
    private final Clock clock;

    EventEffects(
            WebhookVerifier verifier,
            CustomerStore customers,
            NoticeSender notices,
            NoticeTriggers triggers,
            ListCatalog catalog,
            ListPromotions promotions,
            ProjectionListener listener,
            AuditLog audit,
            Projections projections,
            DuplicateSubscriptionCheck duplicates,
            SyncMemberships memberships,
            BillingOptions options,
            Clock clock) {
        this.verifier = verifier;
        this.customers = customers;
        this.retired = new RetireDeletedCustomer(customers, listener);
        this.notices = notices;
        this.triggers = triggers;
        this.catalog = catalog;
        this.promotions = promotions;
        this.listener = listener;
        this.audit = audit;
        this.projections = projections;
        this.duplicates = duplicates;
        this.memberships = memberships;
        this.options = options;
        this.clock = clock;
    }

    /** Whether events of this Stripe type have an effect here (others are recorded as ignored). */
    static boolean handles(String type) {
        return HANDLED_TYPES.contains(type) || HANDLED_PREFIXES.stream().anyMatch(type::startsWith);
    }

    ErasedAccountEvents erased() {
        return projections.erased();
    }

    /**
     * The event's object when it is a Stripe event of this livemode that has an effect here, else null (ignored,
     * redacted, Clerk's, or not decodable: each is left to {@link #apply}, which records what becomes of it).
     */
    EventObject handledObjectOrNull(InboxWork work) {
        StripeEvent event = work.event();
        if (event.livemode() != options.livemode()
                || !handles(event.type())
                || EventInbox.isRedacted(event.payload())
                || event.type().startsWith(MembershipWebhookVerifier.TYPE_PREFIX)) {
            return null;
        }
        return work.objectOrNull(verifier);
    }

    /** Whether processing the event means a notice (then it is applied on its own, where the notice goes out). */
    boolean meansANotice(StripeEvent event, EventObject object) {
        return triggers.noticeFor(event, object).isPresent();
    }

    /** Applies the event; a failure propagates (the caller records it on the event). */
    InboxStatus apply(InboxWork work) {
        StripeEvent event = work.event();
        if (EventInbox.isRedacted(event.payload())) {
            // An erased account's event, of either source. One redacted before it was applied (received while the
            // erasure ran) still names the object it changed: that object is read from Stripe (redacted, below).
            if (event.livemode() == options.livemode() && handles(event.type())) {
                try (AuditContext.Scope cause = AuditContext.enter(AuditCause.event(work.eventId()))) {
                    Optional<EventObject> written = redacted(work);
                    if (written.isPresent()) {
                        // The link read before the write may have been the account's, an erasure finishing since:
                        // the write's user id then goes to the pseudonym, as after any event.
                        projections
                                .erased()
                                .redactIfErased(
                                        work.entry(), ErasedAccountEvents.customerOf(written.get()), written.get());
                        return InboxStatus.PROCESSED;
                    }
                }
            }
            return InboxStatus.IGNORED;
        }
        if (event.type().startsWith(MembershipWebhookVerifier.TYPE_PREFIX)) {
            if (memberships == null) {
                return InboxStatus.IGNORED;
            }
            try (AuditContext.Scope cause = AuditContext.enter(AuditCause.event(work.eventId()))) {
                return memberships.apply(work.entry());
            }
        }
        if (event.livemode() != options.livemode() || !handles(event.type())) {
            projections.erased().redactIfErasedSubject(work.entry());
            return InboxStatus.IGNORED;
        }
        EventObject object = work.object(verifier);
        try (AuditContext.Scope cause = AuditContext.enter(AuditCause.event(work.eventId()));
                CoalescedReads.Receipt receipt =
                        CoalescedReads.receivedAt(work.entry().receivedAt())) {
            // A subscription deleted before its first payment was never the customer's: no "canceled" notice.
            boolean neverStarted = event.type().equals("customer.subscription.deleted")
                    && object instanceof EventObject.OfSubscription of
                    && projections.snapshots().neverStarted(of.subscription());
            InboxStatus outcome = applyObject(work, event, object);
            if (outcome == InboxStatus.PROCESSED && !neverStarted) {
                triggers.noticeFor(event, object)
                        .ifPresent(t -> notices.sendOnce(work.entry(), t.customer(), t.build()));
            }
            projections.erased().redactIfErased(work.entry(), ErasedAccountEvents.customerOf(object), object);
            return outcome;
        }
    }

    /**
     * What follows a subscription's write, whichever path wrote it: the check for a second live subscription when
     * the event may have added one, and auto-seats' look at an organization's per-seat quantity.
     */
    void subscriptionWritten(InboxWork work, EventObject.OfSubscription of) {
        if (mayAddALiveSubscription(work.event().type(), of)) {
            duplicates.check(of.subscription().customerId());
        }
        if (memberships != null) {
            memberships.subscriptionChanged(of.subscription().customerId(), work.entry());
        }
    }

    /**
     * Whether a subscription event can leave its customer with one more live subscription: any but an update that
     * does not say the subscription was not live before, a deletion, and the trial's reminder.
     */
    static boolean mayAddALiveSubscription(String type, EventObject.OfSubscription of) {
        return switch (type) {
            case "customer.subscription.updated" ->
                of.change().status() == null
                        ? of.change() == EventObject.SubscriptionChange.NONE
                        : !of.change().status().blocksNewSubscription();
            case "customer.subscription.deleted", "customer.subscription.trial_will_end" -> false;
            default -> true;
        };
    }

    private InboxStatus applyObject(InboxWork work, StripeEvent event, EventObject object) {
        if (object instanceof EventObject.OfSubscription of && event.type().startsWith("customer.subscription.")) {
            projections.snapshots().subscription(of.subscription(), of.pastDueHint(), of.couponsUnknown());
            subscriptionWritten(work, of);
            return InboxStatus.PROCESSED;
        }
        if (object instanceof EventObject.OfInvoice of && event.type().startsWith("invoice.")) {
            Invoice invoice = of.invoice();
            projections.snapshots().invoice(invoice);
            projections.invoicePayments().recordNamed(of);
            if (event.type().equals("invoice.payment_failed")) {
                // The invoice usually stays open: no row change records the attempt, so it is recorded here.
                audit.record(new AuditRecord(
                        AuditAction.INVOICE_PAYMENT_FAILED,
                        invoice.id(),
                        null,
                        invoice.customerId(),
                        AuditCause.event(event.id()),
                        Map.of("amount_due", Long.toString(invoice.amountDue()), "currency", invoice.currency())));
            }
            return InboxStatus.PROCESSED;
        }
        if (RefundEvents.projects(event.type(), object)) {
            return projections.refunds().apply(object);
        }
        if (InvoicePaymentEvents.projects(event.type(), object)) {
            return projections.invoicePayments().apply(object);
        }
        if (object instanceof EventObject.OfUpcomingInvoice || object instanceof EventObject.OfCharge) {
            return InboxStatus.PROCESSED; // nothing stored: a notice is all they mean
        }
        if (object instanceof EventObject.OfPaymentIntent || object instanceof EventObject.OfSetupIntent) {
            return projections.checkouts().applySheet(work.entry(), object);
        }
        if (object instanceof EventObject.OfCheckoutSession of && event.type().startsWith("checkout.session.")) {
            return projections.checkouts().apply(work.entry(), of.session());
        }
        if (object instanceof EventObject.OfCustomer of && event.type().startsWith("customer.")) {
            if (of.deleted()) {
                retired.deleted(of.customerId(), AuditContext.current());
                return InboxStatus.PROCESSED;
            }
            if (of.userId() != null && customers.findByUserId(of.userId()).isEmpty()) {
                customers.link(
                        new CustomerLink(of.userId(), of.customerId(), of.email(), clock.instant()),
                        AuditContext.current());
                listener.projectionChanged(of.customerId());
            }
            return InboxStatus.PROCESSED;
        }
        if (object instanceof EventObject.OfCatalog of) {
            if ("coupon".equals(of.objectType()) || "promotion_code".equals(of.objectType())) {
                promotions.invalidate();
            } else {
                catalog.invalidate();
            }
            return InboxStatus.PROCESSED;
        }
        return InboxStatus.IGNORED;
    }

    /**
     * The object a redacted event named, read from Stripe and written: a subscription, invoice, refund, Checkout
     * session or PaymentSheet's payment intent. Others (a setup intent, a charge, a customer, the catalog's) are left
     * as the payload left them: ignored.
     */
    private Optional<EventObject> redacted(InboxWork work) {
        StripeEvent event = work.event();
        if (event.type().startsWith("refund.")) {
            return projections.refunds().redacted(event.objectId());
        }
        if (event.type().startsWith("checkout.session.")) {
            return projections.checkouts().redacted(work.entry(), event.objectId());
        }
        if (event.type().startsWith("payment_intent.")) {
            return projections.checkouts().redactedSheet(work.entry(), event.objectId());
        }
        return projections.snapshots().redacted(event.type(), event.objectId());
    }

    /** A batched snapshot's subscription, for {@link #subscriptionWritten}. */
    static EventObject.OfSubscription written(EventObject object, Subscription written) {
        return object instanceof EventObject.OfSubscription of ? of : new EventObject.OfSubscription(written);
    }
}

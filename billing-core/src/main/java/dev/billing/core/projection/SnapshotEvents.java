package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import java.time.Instant;
import java.util.Optional;

/**
 * Projects a subscription or invoice event processed on its own (DESIGN §4.3): with re-fetch on, Stripe's current
 * object is read and upserted under its watermark; with it off the snapshot is, and one whose order only Stripe knows
 * ({@link SnapshotOrder}) is settled by one read. An erased account's subscription is written under its pseudonym
 * ({@link ErasedAccountEvents}), its customer's link read before the write. A re-fetch is shared with the other
 * events it answers ({@link CoalescedReads}).
 */
@Internal
public final class SnapshotEvents {
    private static final System.Logger LOG = System.getLogger(SnapshotEvents.class.getName());

    private final PaymentGateway gateway;
    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;
    private final boolean refetch;
    private final CoalescedReads reads;

    public SnapshotEvents(
            PaymentGateway gateway,
            CoalescedReads reads,
            CustomerStore customers,
            SubscriptionStore subscriptions,
            ProjectionListener listener,
            boolean refetch) {
        this.gateway = gateway;
        this.reads = reads;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.listener = listener;
        this.refetch = refetch;
    }

    /**
     * Projects a subscription event's snapshot (re-read from Stripe when re-fetching is on).
     *
     * @param pastDueHint    when the event dates a turn to past due
     *                       ({@link EventObject.OfSubscription#pastDueHint()}), or null
     * @param couponsUnknown the snapshot's pricing is not Stripe's
     *                       ({@link EventObject.OfSubscription#couponsUnknown()}): it is read from Stripe even with
     *                       re-fetch off
     */
    public void subscription(Subscription snapshot, Instant pastDueHint, boolean couponsUnknown) {
        AuditCause cause = AuditContext.current();
        CustomerLink link = customers.findByCustomerId(snapshot.customerId()).orElse(null);
        if (refetch || couponsUnknown) {
            Subscription read = reads.subscription(snapshot.id()).orElse(snapshot);
            subscriptions.upsertSubscription(
                    ErasedAccountEvents.scrubbed(read.withPastDueSince(pastDueHint), link), cause);
        } else if (SnapshotOrder.leftToStripe(
                // With its bound on the turn to past due: a row a read made newer keeps no older snapshot, but its
                // bound still dates the turn (SubscriptionStore#upsertSubscription).
                subscriptions.upsertSubscription(
                        ErasedAccountEvents.scrubbed(snapshot.withPastDueSince(pastDueHint), link), cause),
                snapshot.version(),
                () -> subscriptions.findSubscription(snapshot.id()).map(Subscription::version))) {
            gateway.getSubscription(snapshot.id())
                    .ifPresent(s -> subscriptions.upsertSubscription(
                            ErasedAccountEvents.scrubbed(s.withPastDueSince(pastDueHint), link), cause));
        }
        listener.projectionChanged(snapshot.customerId());
    }

    /**
     * Whether the deleted subscription never started: its first payment never made, so a "canceled" notice would
     * tell the customer of something they never had. Stripe's snapshot says so when it expired unpaid, and a trial
     * says it started. The stored subscription saying incomplete or ended, or nothing stored, is not enough: Stripe
     * keeps no order, and the update that made it active (or its invoice's payment) may come after this deletion, so
     * a paid invoice of it, stored or at Stripe, says it started, as does Stripe billing it by invoices sent (active
     * from its creation, paid or not). A deletion that finds it stored in a status a start leads to, or a paid invoice
     * of it stored, reads nothing at Stripe; any other asks Stripe ({@link PaymentGateway#hasStarted}).
     */
    public boolean neverStarted(Subscription deleted) {
        if (deleted.status() == SubscriptionStatus.INCOMPLETE_EXPIRED) {
            return true;
        }
        if (deleted.trialStart() != null) {
            return false; // a trial starts without a payment
        }
        // Only a status a start leads to decides alone. A stored end says nothing of a start: it may be this
        // deletion's own write (its retry, an admin's replay) or a re-fetch that read the subscription ended; nor
        // does an empty row, the deletion processed before its subscription's other events.
        SubscriptionStatus stored = subscriptions
                .findSubscription(deleted.id())
                .map(Subscription::status)
                .orElse(null);
        if (stored != null && !(stored.isIncomplete() || stored.hasEnded())) {
            return false;
        }
        if (subscriptions.invoicesOf(deleted.customerId()).stream().anyMatch(i -> i.paidFor(deleted.id()))) {
            return false;
        }
        try {
            return !gateway.hasStarted(deleted);
        } catch (GatewayRejectedException e) {
            // A refusal (not an outage, which fails the event for its retry) would refuse every retry too: the
            // stored status decides: incomplete (or expired so) never started, canceled or not stored announced.
            boolean incomplete =
                    stored == SubscriptionStatus.INCOMPLETE || stored == SubscriptionStatus.INCOMPLETE_EXPIRED;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Stripe refused to say whether a subscription of customer {0} started ({1}): subscription {2},"
                            + " stored as {3}, is taken as {4}",
                    deleted.customerId(),
                    e.getMessage(),
                    deleted.id(),
                    stored == null ? "nothing" : stored.stripeName(),
                    incomplete ? "never started, its end not announced" : "started, its end announced");
            return incomplete;
        }
    }

    /**
     * A subscription or invoice event whose payload an erasure redacted before it was applied: one received while
     * the erasure ran, such as those of the cancellation or customer deletion the erasure itself asked Stripe for.
     * The object it was about is read from Stripe and written as a re-fetch is (a subscription under the account's
     * pseudonymised when the link read before the write is), so that its change is not lost with the payload. The
     * caller checks the link again after the write, as after any event ({@link ErasedAccountEvents#redactIfErased}).
     *
     * @return the object written, or empty when there was none to read
     */
    public Optional<EventObject> redacted(String type, String objectId) {
        if (objectId == null) {
            return Optional.empty();
        }
        AuditCause cause = AuditContext.current();
        if (type.startsWith("customer.subscription.") && objectId.startsWith("sub_")) {
            Optional<Subscription> read = gateway.getSubscription(objectId);
            read.ifPresent(s -> {
                CustomerLink link = customers.findByCustomerId(s.customerId()).orElse(null);
                subscriptions.upsertSubscription(ErasedAccountEvents.scrubbed(s, link), cause);
                listener.projectionChanged(s.customerId());
            });
            return read.map(EventObject.OfSubscription::new);
        }
        if (type.startsWith("invoice.") && objectId.startsWith("in_")) {
            Optional<Invoice> read = gateway.getInvoice(objectId);
            read.ifPresent(i -> {
                subscriptions.upsertInvoice(i, cause);
                listener.projectionChanged(i.customerId());
            });
            return read.map(i -> new EventObject.OfInvoice(i, null));
        }
        return Optional.empty();
    }

    public void invoice(Invoice snapshot) {
        AuditCause cause = AuditContext.current();
        if (refetch) {
            subscriptions.upsertInvoice(gateway.getInvoice(snapshot.id()).orElse(snapshot), cause);
        } else if (SnapshotOrder.leftToStripe(
                subscriptions.upsertInvoice(snapshot, cause),
                snapshot.version(),
                () -> subscriptions.findInvoice(snapshot.id()).map(Invoice::version))) {
            gateway.getInvoice(snapshot.id()).ifPresent(i -> subscriptions.upsertInvoice(i, cause));
        }
        listener.projectionChanged(snapshot.customerId());
    }
}

package dev.billing.core.webhook;

import dev.billing.core.annotation.Internal;
import dev.billing.core.catalog.ListCatalog;
import dev.billing.core.catalog.ListPromotions;
import dev.billing.core.checkout.DuplicateSubscriptionCheck;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.error.StoreException;
import dev.billing.core.guest.GuestPurchases;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.notice.NoticeSender;
import dev.billing.core.notice.NoticeTriggers;
import dev.billing.core.org.SyncMemberships;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.core.port.WorkObserver;
import dev.billing.core.port.WorkTracer;
import dev.billing.core.projection.CheckoutEvents;
import dev.billing.core.projection.CoalescedReads;
import dev.billing.core.projection.ErasedAccountEvents;
import dev.billing.core.projection.InvoicePaymentEvents;
import dev.billing.core.projection.RefundEvents;
import dev.billing.core.projection.SnapshotEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Processes the webhook inbox (DESIGN §4.2-4.3): an event is claimed under a lease, its effects are applied
 * ({@link EventEffects}), and the inbox row is marked done last ({@link InboxOutcomes}), so a crash anywhere is
 * repaired by processing again. Events are processed alone (a redelivery, a replay) or in batches
 * ({@link InboxDrain}, {@link InboxBatch}), with the same outcome per event. Notifications go out once per event.
 * A failure (Stripe down while re-fetching, the store down, a bad payload) leaves the event pending with a backoff,
 * parked as {@code failed} after the last attempt; Stripe's rate limit never parks an event, and the worker claims
 * nothing until its {@code Retry-After} has passed.
 *
 * <p>Usage: {@code int handled = processInboxEvent.processDue(50);} (the worker), or {@code processNow(eventId)}
 */
public final class ProcessInboxEvent {
    private static final System.Logger LOG = System.getLogger(ProcessInboxEvent.class.getName());

    private final EventInbox inbox;
    /** The inbox's {@link EventInbox#linksAndRecordsInOneWrite}, asked once: a traced store makes each call a span. */
    private final boolean linksAndRecordsInOneWrite;

    private final BillingOptions options;
    private final InboxOutcomes outcomes;
    private final InboxBatch batches;
    private final InboxDrain drain;
    private final StripeClockCheck clockCheck;

    @Internal
    public ProcessInboxEvent(
            WebhookVerifier verifier,
            PaymentGateway gateway,
            CustomerStore customers,
            SubscriptionStore subscriptions,
            EventInbox inbox,
            NoticeSender notices,
            PlanCatalog plans,
            ListCatalog catalog,
            ListPromotions promotions,
            ProjectionListener listener,
            BillingOptions options,
            SyncMemberships memberships,
            GuestPurchases guests,
            AuditLog audit,
            DuplicateSubscriptionCheck duplicates,
            Clock clock,
            Clock workClock,
            WorkObserver observer) {
        this.inbox = inbox;
        this.clockCheck = new StripeClockCheck(clock, observer);
        this.linksAndRecordsInOneWrite = inbox.linksAndRecordsInOneWrite();
        this.options = options;
        boolean refetch = options.refetchOnWebhook();
        ErasedAccountEvents erased = new ErasedAccountEvents(customers, subscriptions, inbox);
        // Receipts are stamped on the work clock (ReceiveWebhook), so reads are too.
        CoalescedReads reads = new CoalescedReads(gateway, workClock);
        EventEffects.Projections projections = new EventEffects.Projections(
                new SnapshotEvents(gateway, reads, customers, subscriptions, listener, refetch),
                new CheckoutEvents(
                        gateway, subscriptions, listener, guests, plans, notices, refetch, duplicates, erased),
                new RefundEvents(gateway, subscriptions, listener, audit, refetch),
                new InvoicePaymentEvents(subscriptions),
                erased);
        EventEffects effects = new EventEffects(
                verifier,
                customers,
                notices,
                new NoticeTriggers(plans, gateway),
                catalog,
                promotions,
                listener,
                audit,
                projections,
                duplicates,
                memberships,
                options,
                clock);
        this.outcomes = new InboxOutcomes(inbox, options, workClock);
        this.batches = new InboxBatch(
                effects, outcomes, gateway, reads, customers, subscriptions, inbox, listener, refetch, clock);
        this.drain = new InboxDrain(batches, options.backgroundPermits());
    }

    /**
     * Traces receipts and processing from now on ({@link WorkTracer#NONE} until then). {@code Billing.Builder} sets
     * it from {@code tracer(..)} before any event arrives.
     */
    @Internal
    public void tracer(WorkTracer value) {
        batches.tracer(Objects.requireNonNull(value, "tracer"));
    }

    WorkTracer tracer() {
        return batches.tracer();
    }

    /** Told of every Stripe event as it arrives, to notice a host clock behind Stripe's. */
    StripeClockCheck clockCheck() {
        return clockCheck;
    }

    /**
     * Claims and processes one event if it is claimable now. Never throws: a failure is recorded on the event.
     *
     * @return the event's status afterwards, or empty when it was not claimable (done, leased, not yet due)
     */
    public Optional<InboxStatus> processNow(String eventId) {
        String owner = LeaseOwners.next();
        Optional<InboxEntry> claimed;
        try {
            claimed = inbox.claim(eventId, owner, outcomes.now(), options.inboxLease());
        } catch (StoreException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Could not claim event {0} for inline processing: {1}",
                    eventId,
                    e.getMessage());
            return Optional.empty();
        }
        return claimed.map(entry -> batches.processAlone(InboxWork.stored(entry)));
    }

    /**
     * Makes the event due again, leased to a new owner in the same step ({@link EventInbox#requeueLeased}), for
     * {@link #processLeased}: a worker polling for due events cannot take it in between.
     *
     * @return the leased entry, or empty when it does not exist or is leased right now
     * @throws StoreException when the store cannot be reached
     */
    Optional<InboxEntry> requeueLeased(String eventId, Instant now) {
        return inbox.requeueLeased(eventId, now, LeaseOwners.next(), options.inboxLease());
    }

    /** Processes an entry this caller holds the lease of. Never throws: a failure is recorded on the event. */
    InboxStatus processLeased(InboxEntry leased) {
        return batches.processAlone(InboxWork.stored(leased));
    }

    /**
     * Claims up to {@code max} due events and processes them one after the other here (a host that does not start
     * the background work calls this). Claims nothing while Stripe asked to wait (a 429's {@code Retry-After}).
     *
     * @return how many were claimed
     * @throws StoreException when the store cannot be reached to claim
     */
    public int processDue(int max) {
        if (outcomes.holdingOff()) {
            return 0;
        }
        List<InboxEntry> entries = inbox.claimDue(max, LeaseOwners.next(), outcomes.now(), options.inboxLease());
        entries.forEach(entry -> batches.processAlone(InboxWork.stored(entry)));
        return entries.size();
    }

    /**
     * Claims up to {@code max} due events and processes them together ({@link InboxBatch}), the other events of a
     * batch on {@code executor}, returning once every one is done: a backlog (events recorded while the drainer was
     * behind, after a crash, or retries) costs what a drained batch costs, not one statement and commit per event.
     *
     * Claims nothing while Stripe asked to wait (a 429's {@code Retry-After}).
     *
     * @return how many were claimed
     * @throws StoreException when the store cannot be reached to claim
     */
    public int processDue(int max, Executor executor) {
        if (outcomes.holdingOff()) {
            return 0;
        }
        List<InboxEntry> entries = inbox.claimDue(max, LeaseOwners.next(), outcomes.now(), options.inboxLease());
        drain.processClaimed(entries.stream().map(InboxWork::stored).toList(), executor);
        return entries.size();
    }

    /**
     * Whether events of this Stripe type have an effect here (others are recorded as ignored): the one list a
     * webhook endpoint should subscribe to ({@code billing-server stripe apply} derives its {@code enabled_events}
     * from it).
     *
     * <p>Usage: {@code ProcessInboxEvent.handlesEventType("invoice.paid")} is {@code true}
     */
    public static boolean handlesEventType(String type) {
        return EventEffects.handles(type);
    }

    /**
     * Whether this process saw the inbox complete the event lately ({@link DoneEvents}): a redelivery of it is then a
     * duplicate with nothing left to do, and the webhook routes answer it without the store.
     */
    boolean completedLately(String eventId) {
        return outcomes.completedLately(eventId);
    }

    /** Processes an event this process holds the lease of (recorded leased by a webhook route). Never throws. */
    InboxStatus processLeased(InboxWork work) {
        return batches.processAlone(work);
    }

    /**
     * The link the event, not recorded yet, asks for when its batch records it once processed (a customer event that
     * only links a user to a customer, {@link InboxBatch#plainLink}, on an inbox that
     * {@link EventInbox#linksAndRecordsInOneWrite}), else null.
     */
    CustomerLink recordedOnceProcessed(InboxWork work) {
        return linksAndRecordsInOneWrite ? batches.plainLink(work) : null;
    }

    /**
     * Hands an unrecorded event and its {@link #recordedOnceProcessed} link to the drain and waits for its batch
     * ({@link InboxDrain#submitUnrecorded}).
     */
    InboxBatch.Unrecorded processBeforeTheAnswer(InboxWork work, CustomerLink link, Executor processing) {
        return drain.submitUnrecorded(work, link, processing);
    }

    /** Hands an event recorded leased to this process to the drain (see {@link InboxDrain#submit}). */
    void processAfterTheAnswer(InboxWork work, Executor processing) {
        drain.submit(work, processing);
    }
}

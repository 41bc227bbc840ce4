package dev.billing.core.webhook;

import dev.billing.core.UseCases;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.catalog.ListCatalog;
import dev.billing.core.catalog.ListPromotions;
import dev.billing.core.checkout.DuplicateSubscriptionCheck;
import dev.billing.core.guest.GuestPurchases;
import dev.billing.core.notice.NoticeSender;
import dev.billing.core.notice.NoticeTriggers;
import dev.billing.core.org.SyncMemberships;
import dev.billing.core.projection.CheckoutEvents;
import dev.billing.core.projection.ErasedAccountEvents;
import dev.billing.core.projection.InvoicePaymentEvents;
import dev.billing.core.projection.RefundEvents;
import dev.billing.core.projection.SnapshotEvents;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.error.BillingException;
import dev.billing.core.error.StoreException;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.UserId;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Applies inbox events to the projection (DESIGN §4.2-4.3). An event is claimed under a lease, its effects are
 * applied, and the inbox row is marked done last, so a crash anywhere is repaired by processing again:
 * <ul>
 *   <li>subscription and invoice events are triggers: the object is re-fetched from Stripe (when configured) and
 *       upserted under its watermark; with re-fetch off the snapshot is upserted, and a same-second tie is broken
 *       by re-fetching;</li>
 *   <li>checkout completions fetch the new subscription, or record the one-time purchase (keyed by session id:
 *       {@link CheckoutEvents}); they and subscription events look for a second live subscription of the customer
 *       ({@link DuplicateSubscriptionCheck});</li>
 *   <li>refund events and {@code charge.refunded} record the customer's refunds ({@link RefundEvents});
 *       {@code invoice_payment.paid} which payment intent paid an invoice ({@link InvoicePaymentEvents});</li>
 *   <li>customer events link a customer carrying {@code metadata.user_id} to its user if the user has none;</li>
 *   <li>catalog events invalidate the catalog cache, coupon and promotion code events the promotions';</li>
 *   <li>Clerk's membership events ({@code clerk.} types) go to {@link SyncMemberships} when membership sync is
 *       on;</li>
 *   <li>other types, and events of the other livemode, are recorded as {@code ignored}.</li>
 * </ul>
 * Notifications go out once per event (the inbox remembers that an event notified). A failure (Stripe down or
 * rate limited while re-fetching, the store down, a bad payload) leaves the event pending with a backoff, parked as
 * {@code failed} after the last attempt.
 *
 * <p>Usage: {@code int handled = processInboxEvent.processDue(50);} (the worker), or {@code processNow(eventId)}
 */
public final class ProcessInboxEvent {
    private static final System.Logger LOG = System.getLogger(ProcessInboxEvent.class.getName());
    private static final int MAX_ERROR_LENGTH = 1_000;
    private static final List<String> HANDLED_PREFIXES = List.of("customer.subscription.", "invoice.", "product.",
            "price.", "plan.", "coupon.", "promotion_code.");
    private static final List<String> HANDLED_TYPES = List.of("checkout.session.completed",
            "checkout.session.async_payment_succeeded", "customer.created", "customer.updated", "customer.deleted",
            "charge.refunded", "refund.created", "refund.updated", "refund.failed", "invoice_payment.paid");

    private final DecodedEvents decoded;
    private final PaymentGateway gateway;
    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final EventInbox inbox;
    private final NoticeSender notices;
    private final NoticeTriggers triggers;
    private final ListCatalog catalog;
    private final ListPromotions promotions;
    private final ProjectionListener listener;
    private final BillingOptions options;
    private final Clock clock;
    /** Times the inbox work (leases, retries, completions); see {@link UseCases}. */
    private final Clock workClock;
    /** Null when membership sync is off: Clerk's events are then ignored. */
    private final SyncMemberships memberships;
    private final AuditLog audit;
    private final ErasedAccountEvents erased;
    private final RefundEvents refunds;
    private final InvoicePaymentEvents invoicePayments;
    private final CheckoutEvents checkouts;
    private final DuplicateSubscriptionCheck duplicates;
    private final SnapshotEvents snapshots;
    private final DoneEvents doneLately = new DoneEvents();

    public ProcessInboxEvent(DecodedEvents decoded, PaymentGateway gateway, CustomerStore customers,
                      SubscriptionStore subscriptions, EventInbox inbox, NoticeSender notices, PlanCatalog plans,
                      ListCatalog catalog, ListPromotions promotions, ProjectionListener listener,
                      BillingOptions options, SyncMemberships memberships, GuestPurchases guests, AuditLog audit,
                      DuplicateSubscriptionCheck duplicates, Clock clock, Clock workClock) {
        this.audit = audit;
        this.memberships = memberships;
        this.decoded = decoded;
        this.gateway = gateway;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.inbox = inbox;
        this.notices = notices;
        this.triggers = new NoticeTriggers(plans, gateway);
        this.catalog = catalog;
        this.promotions = promotions;
        this.listener = listener;
        this.options = options;
        this.clock = clock;
        this.workClock = workClock;
        this.erased = new ErasedAccountEvents(customers, subscriptions, inbox);
        this.refunds = new RefundEvents(gateway, subscriptions, listener, options.refetchOnWebhook());
        this.invoicePayments = new InvoicePaymentEvents(subscriptions);
        this.duplicates = duplicates;
        this.snapshots = new SnapshotEvents(gateway, customers, subscriptions, listener, options.refetchOnWebhook());
        this.checkouts = new CheckoutEvents(gateway, subscriptions, listener, guests, plans, notices,
                options.refetchOnWebhook(), duplicates, erased);
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
            claimed = inbox.claim(eventId, owner, workClock.instant(), options.inboxLease());
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not claim event {0} for inline processing: {1}", eventId,
                    e.getMessage());
            return Optional.empty();
        }
        return claimed.map(entry -> handle(entry, owner));
    }

    /**
     * Whether this process saw the inbox complete the event lately ({@link DoneEvents}): a redelivery of it is then a
     * duplicate with nothing left to do, and the webhook route answers it without the store.
     */
    boolean completedLately(String eventId) {
        return doneLately.contains(eventId);
    }

    /**
     * Processes an entry this process already holds the lease of (recorded leased by the webhook route). Never
     * throws: a failure is recorded on the event.
     *
     * @return the event's status afterwards
     */
    InboxStatus processLeased(InboxEntry entry, String owner) {
        return handle(entry, owner);
    }

    /**
     * Claims up to {@code max} due events and processes them (the inbox worker's step).
     *
     * @return how many were claimed
     * @throws StoreException when the store cannot be reached to claim
     */
    public int processDue(int max) {
        String owner = LeaseOwners.next();
        List<InboxEntry> entries = inbox.claimDue(max, owner, workClock.instant(), options.inboxLease());
        entries.forEach(entry -> handle(entry, owner));
        return entries.size();
    }

    /**
     * Claims up to {@code max} due events and processes them as one batch ({@link #processLeasedBatch}), the other
     * events of the batch on {@code executor} (the worker's own threads), returning once every one is done. Each event
     * has the outcome it would have alone; customer events go first, as they would in event order, so that a notice
     * for a customer linked by the same batch finds its user. A backlog (events recorded while the drainer was behind,
     * after a crash, or retries) thereby costs what a drained batch costs, not one statement and commit per event.
     *
     * @return how many were claimed
     * @throws StoreException when the store cannot be reached to claim
     */
    public int processDue(int max, Executor executor) {
        String owner = LeaseOwners.next();
        List<InboxEntry> entries = inbox.claimDue(max, owner, workClock.instant(), options.inboxLease());
        if (!entries.isEmpty()) {
            processLeasedBatch(entries, executor);
        }
        return entries.size();
    }

    private static boolean isCustomerEvent(String type) {
        return type.startsWith("customer.") && !type.startsWith("customer.subscription.")
                && !type.startsWith("customer.discount.");
    }

    private InboxStatus handle(InboxEntry entry, String owner) {
        try {
            InboxStatus outcome = apply(entry);
            if (inbox.complete(entry.eventId(), owner, outcome, workClock.instant())) {
                doneLately.remember(entry.eventId());
            }
            return outcome;
        } catch (RuntimeException e) {
            return recordFailure(entry, owner, e);
        }
    }

    /** Applies the event; a failure is recorded on it (and empty returned), the completion is left to the caller. */
    private Optional<InboxStatus> applyOrRecordFailure(InboxEntry entry, String owner) {
        try {
            return Optional.of(apply(entry));
        } catch (RuntimeException e) {
            recordFailure(entry, owner, e);
            return Optional.empty();
        }
    }

    private InboxStatus recordFailure(InboxEntry entry, String owner, RuntimeException e) {
        Instant now = workClock.instant();
        // A payload that cannot be decoded never will be (the bytes are stored): park it at once, with the reason,
        // for an admin to look at and replay, instead of retrying it for hours.
        Optional<Instant> next = e instanceof WebhookRejectedException ? Optional.empty()
                : options.retrySchedule().next(entry.attempts(), now);
        String error = describe(e);
        LOG.log(System.Logger.Level.WARNING, "Event {0} ({1}) failed on attempt {2}: {3}", entry.eventId(),
                entry.event().type(), entry.attempts(), error);
        try {
            inbox.fail(entry.eventId(), owner, error, next.orElse(null), now);
        } catch (StoreException storeDown) {
            // The lease runs out and the event is claimed again: nothing is lost.
            LOG.log(System.Logger.Level.WARNING, "Could not record the failure of event {0}: {1}",
                    entry.eventId(), storeDown.getMessage());
        }
        return next.isPresent() ? InboxStatus.PENDING : InboxStatus.FAILED;
    }

    /**
     * Processes entries this process holds the leases of (each under its own {@link InboxEntry#leaseOwner()}) as one
     * batch, with the same outcome per event as processing each alone: customer events first, their links written
     * together ({@link CustomerStore#linkAll}); then the subscription snapshots of the batch (re-fetch on: Stripe's,
     * each subscription read once) upserted together ({@link SubscriptionStore#upsertSubscriptions}, several versions
     * of one subscription in event order) while the other events run on their own; then every event that applied
     * completed together ({@link EventInbox#completeAll}). A failure of the batched upsert falls back to the events
     * one by one; a failed completion leaves leases that run out, and the worker processes those events again
     * (effects are idempotent). Never throws.
     */
    void processLeasedBatch(List<InboxEntry> entries, Executor executor) {
        List<EventInbox.Completion> done = Collections.synchronizedList(new ArrayList<>(entries.size()));
        List<InboxEntry> customerEvents = new ArrayList<>();
        List<InboxEntry> others = new ArrayList<>();
        entries.forEach(entry -> (isCustomerEvent(entry.event().type()) ? customerEvents : others).add(entry));
        linkTogether(customerEvents, executor, done);
        List<InboxEntry> batched = new ArrayList<>();
        List<Subscription> snapshots = new ArrayList<>();
        List<InboxEntry> single = new ArrayList<>();
        for (InboxEntry entry : others) {
            Subscription snapshot = batchableSnapshot(entry);
            if (snapshot == null) {
                single.add(entry);
            } else {
                batched.add(entry);
                snapshots.add(snapshot);
            }
        }
        CompletableFuture<Void> singles = applyEach(single, executor, done);
        if (!batched.isEmpty() && options.refetchOnWebhook()) {
            refetchTogether(batched, snapshots, executor, done);
        } else if (!batched.isEmpty()) {
            upsertTogether(batched, snapshots, executor, done, false);
        }
        singles.join();
        if (done.isEmpty()) {
            return;
        }
        try {
            List<EventInbox.Completion> completions = List.copyOf(done);
            List<Boolean> completed = inbox.completeAll(completions);
            for (int i = 0; i < completions.size(); i++) {
                if (completed.get(i)) {
                    doneLately.remember(completions.get(i).eventId());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not complete {0} processed events (their leases run out and "
                    + "they are processed again): {1}", done.size(), describe(e));
        }
    }

    /** Customer events: the links they ask for written together; what is not a plain link is applied on its own. */
    private void linkTogether(List<InboxEntry> customerEvents, Executor executor, List<EventInbox.Completion> done) {
        List<InboxEntry> linking = new ArrayList<>();
        List<CustomerLink> links = new ArrayList<>();
        List<AuditCause> causes = new ArrayList<>();
        List<InboxEntry> single = new ArrayList<>();
        for (InboxEntry entry : customerEvents) {
            EventObject.OfCustomer customer = plainCustomerEvent(entry);
            if (customer == null) {
                single.add(entry);
            } else if (customer.deleted() || customer.userId() == null) {
                done.add(completion(entry, InboxStatus.PROCESSED)); // nothing to link, as in apply
            } else {
                linking.add(entry);
                links.add(new CustomerLink(customer.userId(), customer.customerId(), customer.email(),
                        clock.instant()));
                causes.add(AuditCause.event(entry.eventId()));
            }
        }
        CompletableFuture<Void> singles = applyEach(single, executor, done);
        if (!links.isEmpty()) {
            try {
                List<CustomerStore.LinkResult> results = customers.linkAll(links, causes);
                for (int i = 0; i < linking.size(); i++) {
                    if (results.get(i).link().userId().isPseudonym()) {
                        inbox.redactEvent(linking.get(i).eventId()); // an erased account's customer event
                    }
                    listener.projectionChanged(links.get(i).customerId());
                    done.add(completion(linking.get(i), InboxStatus.PROCESSED));
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.INFO, "Linking {0} customers together failed, applying the events one by "
                        + "one: {1}", links.size(), describe(e));
                applyEach(linking, executor, done).join();
            }
        }
        singles.join();
    }

    /** The customer an event of this livemode carries when linking it is all the event does, else null. */
    private EventObject.OfCustomer plainCustomerEvent(InboxEntry entry) {
        StripeEvent event = entry.event();
        if (event.livemode() != options.livemode() || !handles(event.type())) {
            return null;
        }
        return decodedOrNull(event) instanceof EventObject.OfCustomer of ? of : null;
    }

    /** The event's object, or null when it does not decode (processed alone, where the failure is recorded). */
    private EventObject decodedOrNull(StripeEvent event) {
        try {
            return decoded.decode(event);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private CompletableFuture<Void> applyEach(List<InboxEntry> entries, Executor executor,
                                              List<EventInbox.Completion> done) {
        CompletableFuture<?>[] running = new CompletableFuture<?>[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            InboxEntry entry = entries.get(i);
            running[i] = onPool(() -> applyOrRecordFailure(entry, entry.leaseOwner())
                    .map(outcome -> done.add(completion(entry, outcome))), executor);
        }
        return CompletableFuture.allOf(running);
    }

    /** {@code work} on {@code executor}, or here when the executor is shutting down (the batch is finished anyway). */
    private static <T> CompletableFuture<T> onPool(Supplier<T> work, Executor executor) {
        try {
            return CompletableFuture.supplyAsync(work, executor);
        } catch (RejectedExecutionException e) {
            try {
                return CompletableFuture.completedFuture(work.get());
            } catch (RuntimeException failed) {
                return CompletableFuture.failedFuture(failed);
            }
        }
    }

    /**
     * Re-fetch on: each subscription of the batch read from Stripe once (concurrently, on {@code executor}), as
     * processing its events one by one would read it, then Stripe's snapshots upserted together. Several events of
     * one subscription share its read: Stripe's current state is the answer for each. An event whose read failed is
     * recorded failed on its own (retried later); one Stripe no longer has keeps its event's snapshot.
     */
    private void refetchTogether(List<InboxEntry> batched, List<Subscription> snapshots, Executor executor,
                                 List<EventInbox.Completion> done) {
        Map<String, CompletableFuture<Optional<Subscription>>> reads = new HashMap<>();
        for (Subscription snapshot : snapshots) {
            reads.computeIfAbsent(snapshot.id(), id -> onPool(() -> gateway.getSubscription(id), executor));
        }
        List<InboxEntry> fetched = new ArrayList<>(batched.size());
        List<Subscription> current = new ArrayList<>(batched.size());
        for (int i = 0; i < batched.size(); i++) {
            Subscription snapshot = snapshots.get(i);
            try {
                current.add(reads.get(snapshot.id()).join().orElse(snapshot));
                fetched.add(batched.get(i));
            } catch (CompletionException e) {
                recordFailure(batched.get(i), batched.get(i).leaseOwner(), e.getCause() instanceof RuntimeException r
                        ? r : e);
            }
        }
        if (!fetched.isEmpty()) {
            upsertTogether(fetched, current, executor, done, true);
        }
    }

    /**
     * The snapshots upserted together, each event completed; {@code fromStripe}: they were just read from Stripe, so a
     * same-second tie needs no further read (Stripe's state is what was stored).
     */
    private void upsertTogether(List<InboxEntry> batched, List<Subscription> snapshots, Executor executor,
                                List<EventInbox.Completion> done, boolean fromStripe) {
        List<Subscription> rows = snapshots;
        List<AuditCause> causes = batched.stream().map(e -> AuditCause.event(e.eventId())).toList();
        if (fromStripe) {
            // The events of one subscription share Stripe's state: written once, under the first event's cause (a
            // second write would change nothing, in a statement and a commit of its own).
            Map<Subscription, AuditCause> once = new LinkedHashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                once.putIfAbsent(rows.get(i), causes.get(i));
            }
            rows = List.copyOf(once.keySet());
            causes = List.copyOf(once.values());
        }
        // Read before the write, so an erased account's subscription is written under its pseudonym; the same links
        // decide afterwards whether its events are redacted (then read again: an erasure may finish meanwhile).
        Map<CustomerId, CustomerLink> before = erased.linksOrNull(rows.stream().map(Subscription::customerId).toList());
        List<UpsertResult> results;
        try {
            if (before == null) {
                throw new IllegalStateException("the batch's customer links could not be read");
            }
            results = subscriptions.upsertSubscriptions(ErasedAccountEvents.scrubbed(rows, before), causes);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "A batched upsert of {0} subscriptions failed, applying them one by one: "
                    + "{1}", snapshots.size(), describe(e));
            applyEach(batched, executor, done).join();
            return;
        }
        Map<CustomerId, CustomerLink> links = erased.linksOrNull(snapshots.stream().map(Subscription::customerId)
                .toList());
        for (int i = 0; i < batched.size(); i++) {
            InboxEntry entry = batched.get(i);
            Subscription snapshot = snapshots.get(i);
            try {
                if (!fromStripe && results.get(i) == UpsertResult.SAME_VERSION) { // one result per event here
                    // Two snapshots of the same second: only Stripe knows which is newer.
                    gateway.getSubscription(snapshot.id()).ifPresent(s -> subscriptions.upsertSubscription(
                            ErasedAccountEvents.scrubbed(s, before.get(s.customerId())),
                            AuditCause.event(entry.eventId())));
                }
                listener.projectionChanged(snapshot.customerId());
                erased.redactIfErased(entry, snapshot.customerId(), new EventObject.OfSubscription(snapshot), links);
                done.add(completion(entry, InboxStatus.PROCESSED));
            } catch (RuntimeException e) {
                recordFailure(entry, entry.leaseOwner(), e);
            }
        }
    }

    /**
     * The snapshot a subscription event carries when upserting it (or, re-fetch on, Stripe's current state of it) is
     * all the event does (this livemode, no notice), else null. A redacted payload decodes to nothing and goes the
     * single path, which ignores it.
     */
    private Subscription batchableSnapshot(InboxEntry entry) {
        StripeEvent event = entry.event();
        if (event.livemode() != options.livemode() || !event.type().startsWith("customer.subscription.")) {
            return null;
        }
        EventObject object = decodedOrNull(event);
        return object instanceof EventObject.OfSubscription of && triggers.noticeFor(event, object).isEmpty()
                ? of.subscription() : null;
    }

    private EventInbox.Completion completion(InboxEntry entry, InboxStatus outcome) {
        return new EventInbox.Completion(entry.eventId(), entry.leaseOwner(), outcome, workClock.instant());
    }

    private InboxStatus apply(InboxEntry entry) {
        StripeEvent event = entry.event();
        if (EventInbox.isRedacted(event.payload())) {
            return InboxStatus.IGNORED; // an erased account's event, of either source: nothing left to apply
        }
        if (event.type().startsWith(MembershipWebhookVerifier.TYPE_PREFIX)) {
            if (memberships == null) {
                return InboxStatus.IGNORED;
            }
            try (AuditContext.Scope cause = AuditContext.enter(AuditCause.event(entry.eventId()))) {
                return memberships.apply(entry);
            }
        }
        if (event.livemode() != options.livemode() || !handles(event.type())) {
            erased.redactIfErasedSubject(entry);
            return InboxStatus.IGNORED;
        }
        EventObject object = decoded.decode(event);
        try (AuditContext.Scope cause = AuditContext.enter(AuditCause.event(entry.eventId()))) {
            InboxStatus outcome = applyObject(entry, event, object);
            if (outcome == InboxStatus.PROCESSED) {
                triggers.noticeFor(event, object).ifPresent(t -> notices.sendOnce(entry, t.customer(), t.build()));
            }
            erased.redactIfErased(entry, ErasedAccountEvents.customerOf(object), object);
            return outcome;
        }
    }

    private InboxStatus applyObject(InboxEntry entry, StripeEvent event, EventObject object) {
        if (object instanceof EventObject.OfSubscription of && event.type().startsWith("customer.subscription.")) {
            snapshots.subscription(of.subscription());
            duplicates.check(of.subscription().customerId()); // where every new subscription passes, whatever made it
            if (memberships != null) {
                memberships.subscriptionChanged(of.subscription().customerId(), entry);
            }
            return InboxStatus.PROCESSED;
        }
        if (object instanceof EventObject.OfInvoice of && event.type().startsWith("invoice.")) {
            Invoice invoice = of.invoice();
            snapshots.invoice(invoice);
            invoicePayments.recordNamed(of);
            if (event.type().equals("invoice.payment_failed")) {
                // The invoice usually stays open: no row change records the attempt, so it is recorded here.
                audit.record(new AuditRecord(AuditAction.INVOICE_PAYMENT_FAILED, invoice.id(), null,
                        invoice.customerId(), AuditCause.event(event.id()), Map.of("amount_due",
                        Long.toString(invoice.amountDue()), "currency", invoice.currency())));
            }
            return InboxStatus.PROCESSED;
        }
        if (RefundEvents.projects(event.type(), object)) {
            return refunds.apply(object);
        }
        if (InvoicePaymentEvents.projects(event.type(), object)) {
            return invoicePayments.apply(object);
        }
        if (object instanceof EventObject.OfUpcomingInvoice || object instanceof EventObject.OfCharge) {
            return InboxStatus.PROCESSED; // nothing stored: a notice is all they mean
        }
        if (object instanceof EventObject.OfCheckoutSession of && event.type().startsWith("checkout.session.")) {
            return checkouts.apply(entry, of.session());
        }
        if (object instanceof EventObject.OfCustomer of && event.type().startsWith("customer.")) {
            if (!of.deleted() && of.userId() != null && customers.findByUserId(of.userId()).isEmpty()) {
                customers.link(new CustomerLink(of.userId(), of.customerId(), of.email(), clock.instant()),
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
     * Whether events of this Stripe type have an effect here (others are recorded as ignored): the one list a
     * webhook endpoint should subscribe to ({@code billing-server stripe apply} derives its {@code enabled_events}
     * from it).
     *
     * <p>Usage: {@code ProcessInboxEvent.handlesEventType("invoice.paid")} is {@code true}
     */
    public static boolean handlesEventType(String type) {
        return handles(type);
    }

    private static boolean handles(String type) {
        return HANDLED_TYPES.contains(type) || HANDLED_PREFIXES.stream().anyMatch(type::startsWith);
    }

    private static String describe(RuntimeException e) {
        String text = e instanceof BillingException b ? b.code() + ": " + b.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }
}

package dev.billing.core.webhook;

import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.core.port.WorkTracer;
import dev.billing.core.projection.CoalescedReads;
import dev.billing.core.projection.ErasedAccountEvents;
import dev.billing.core.projection.SnapshotOrder;
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
 * Processes events this process holds the leases of, one alone or several together, with the same outcome per event
 * either way. Together: customer events first, their links written in one call ({@link CustomerStore#linkAll}); then
 * the subscription snapshots that mean no notice (re-fetch on: Stripe's, each subscription read once) upserted in
 * one call ({@link SubscriptionStore#upsertSubscriptions}, several versions of one subscription in event order) while
 * the other events are applied on their own; then every event that applied completed in one call
 * ({@link EventInbox#completeAll}). A failure of a shared write falls back to the events one by one.
 *
 * <p>A customer event that only links a user to a customer may arrive unrecorded ({@link #processUnrecorded}): its
 * link is written with the batch's, and then its inbox entry, already done, in one write.
 */
final class InboxBatch {
    private static final System.Logger LOG = System.getLogger(InboxBatch.class.getName());

    private final EventEffects effects;
    private final InboxOutcomes outcomes;
    private final PaymentGateway gateway;
    private final CoalescedReads reads;
    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final EventInbox inbox;
    private final ProjectionListener listener;
    private final boolean refetch;
    private final Clock clock;
    private volatile WorkTracer tracer = WorkTracer.NONE;

    InboxBatch(
            EventEffects effects,
            InboxOutcomes outcomes,
            PaymentGateway gateway,
            CoalescedReads reads,
            CustomerStore customers,
            SubscriptionStore subscriptions,
            EventInbox inbox,
            ProjectionListener listener,
            boolean refetch,
            Clock clock) {
        this.effects = effects;
        this.outcomes = outcomes;
        this.gateway = gateway;
        this.reads = reads;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.inbox = inbox;
        this.listener = listener;
        this.refetch = refetch;
        this.clock = clock;
    }

    void tracer(WorkTracer value) {
        this.tracer = value;
    }

    WorkTracer tracer() {
        return tracer;
    }

    /** Applies one event and completes it. Never throws: a failure is recorded on the event. */
    InboxStatus processAlone(InboxWork work) {
        try (WorkTracer.Span span = tracer.eventProcessing(List.of(work.event()))) {
            InboxStatus outcome;
            try {
                outcome = effects.apply(work);
            } catch (RuntimeException e) {
                span.failed(e);
                return outcomes.fail(work, e);
            }
            return outcomes.complete(work, outcome);
        }
    }

    /** Processes the events together, the others of the batch on {@code executor}. Never throws. */
    void process(List<InboxWork> batch, Executor executor) {
        try (WorkTracer.Span span =
                tracer.eventProcessing(batch.stream().map(InboxWork::event).toList())) {
            // The batch's pool tasks run under its span, so their Stripe and store calls nest under it too.
            processTogether(batch, tracer.propagating(executor));
        }
    }

    /** A failure recorded on the event, and told to the tracer on the thread that applied it. */
    private InboxStatus fail(InboxWork work, RuntimeException failure) {
        tracer.eventFailed(work.eventId(), failure);
        return outcomes.fail(work, failure);
    }

    private void processTogether(List<InboxWork> batch, Executor executor) {
        List<EventInbox.Completion> done = Collections.synchronizedList(new ArrayList<>(batch.size()));
        List<InboxWork> customerEvents = new ArrayList<>();
        List<InboxWork> others = new ArrayList<>();
        batch.forEach(work -> (isCustomerEvent(work.event().type()) ? customerEvents : others).add(work));
        linkTogether(customerEvents, executor, done);
        List<InboxWork> batched = new ArrayList<>();
        List<EventObject.OfSubscription> snapshots = new ArrayList<>();
        List<InboxWork> single = new ArrayList<>();
        for (InboxWork work : others) {
            EventObject.OfSubscription snapshot = batchableSnapshot(work);
            if (snapshot == null) {
                single.add(work);
            } else {
                batched.add(work);
                snapshots.add(snapshot);
            }
        }
        CompletableFuture<Void> singles = applyEach(single, executor, done);
        if (!batched.isEmpty() && refetch) {
            refetchTogether(batched, snapshots, executor, done);
        } else if (!batched.isEmpty()) {
            // Each snapshot with its own bound on the turn to past due: a row a read made newer (an event with
            // coupons Stripe's payload does not show) keeps no older snapshot, but takes its bound.
            upsertTogether(
                    batched,
                    snapshots,
                    snapshots.stream()
                            .map(s -> s.subscription().withPastDueSince(s.pastDueHint()))
                            .toList(),
                    executor,
                    done,
                    false);
        }
        singles.join();
        outcomes.completeAll(List.copyOf(done));
    }

    /** What became of an event processed before it was recorded ({@link #processUnrecorded}). */
    enum Unrecorded {
        /** Linked, and its entry recorded done now. */
        RECORDED,
        /** Its id was already in the inbox: a redelivery (its link written again changed nothing). */
        DUPLICATE,
        /** Not done: the caller records it as any other event, which processes it again. */
        NOT_DONE,
        /** Not done because the store cannot be reached: recording it would fail the same way. */
        STORE_UNAVAILABLE
    }

    /**
     * The link a customer event asks for when that is all it does (not deleted, naming a user), else null: such an
     * event is projected from its payload alone, and written again it changes nothing.
     */
    CustomerLink plainLink(InboxWork work) {
        if (!isCustomerEvent(work.event().type())) {
            return null;
        }
        return effects.handledObjectOrNull(work) instanceof EventObject.OfCustomer customer ? linkOf(customer) : null;
    }

    /** The link a customer object asks for, or null when it asks for none (deleted, or naming no user). */
    private CustomerLink linkOf(EventObject.OfCustomer customer) {
        return customer.deleted() || customer.userId() == null
                ? null
                : new CustomerLink(customer.userId(), customer.customerId(), customer.email(), clock.instant());
    }

    /**
     * Events not in the inbox yet, each with its {@link #plainLink} at the same position: linked together, then
     * recorded done together ({@link EventInbox#linkAndRecordProcessed}: one statement on Postgres), so each entry is
     * written once. A link of an erased account's customer, or of one erased while this ran, has its entry redacted:
     * the links are read again after the entries are written, and an erasure writes the link before it redacts the
     * customer's entries, so one of the two sees the other. Never throws: a failed write answers
     * {@link Unrecorded#NOT_DONE} for every event.
     */
    List<Unrecorded> processUnrecorded(List<InboxWork> works, List<CustomerLink> links) {
        if (links.size() != works.size()) {
            throw new IllegalArgumentException("one link per event");
        }
        List<Unrecorded> answers = new ArrayList<>(Collections.nCopies(works.size(), Unrecorded.NOT_DONE));
        if (works.isEmpty()) {
            return answers;
        }
        try (WorkTracer.Span span =
                tracer.eventProcessing(works.stream().map(InboxWork::event).toList())) {
            List<AuditCause> causes =
                    works.stream().map(w -> AuditCause.event(w.eventId())).toList();
            List<Boolean> recorded;
            try {
                Instant processedAt = outcomes.now();
                recorded = inbox.linkAndRecordProcessed(
                        customers,
                        works.stream()
                                .map(w -> new EventInbox.Processed(
                                        w.event(), w.entry().receivedAt(), InboxStatus.PROCESSED, processedAt))
                                .toList(),
                        links,
                        causes);
                links.forEach(link -> listener.projectionChanged(link.customerId()));
            } catch (StoreUnavailableException e) {
                span.failed(e);
                Collections.fill(answers, Unrecorded.STORE_UNAVAILABLE);
                return answers;
            } catch (RuntimeException e) {
                span.failed(e);
                LOG.log(
                        System.Logger.Level.INFO,
                        "Linking {0} unrecorded customer events failed; recording them to process as any other: {1}",
                        works.size(),
                        InboxOutcomes.describe(e));
                return answers;
            }
            for (int i = 0; i < works.size(); i++) {
                answers.set(i, recorded.get(i) ? Unrecorded.RECORDED : Unrecorded.DUPLICATE);
                if (recorded.get(i)) {
                    outcomes.recordedDone(works.get(i).eventId());
                }
            }
            redactErasedAccounts(works, links, recorded);
        }
        return answers;
    }

    /** The entries just recorded whose customer's account is erased (now, or was before) redacted. */
    private void redactErasedAccounts(List<InboxWork> linking, List<CustomerLink> links, List<Boolean> recorded) {
        ErasedAccountEvents erased = effects.erased();
        List<CustomerId> customerIds = new ArrayList<>();
        for (int i = 0; i < linking.size(); i++) {
            if (recorded.get(i)) {
                customerIds.add(links.get(i).customerId());
            }
        }
        if (customerIds.isEmpty()) {
            return;
        }
        Map<CustomerId, CustomerLink> now = erased.linksOrNull(customerIds);
        for (int i = 0; i < linking.size(); i++) {
            if (!recorded.get(i)) {
                continue;
            }
            InboxWork work = linking.get(i);
            try {
                // No object: a customer's names no account beyond its link (only subscriptions and sessions do).
                erased.redactIfErased(work.entry(), links.get(i).customerId(), null, now);
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Could not check whether event {0}'s account was erased while it was recorded; erasing the"
                                + " account again redacts it: {1}",
                        work.eventId(),
                        InboxOutcomes.describe(e));
            }
        }
    }

    private static boolean isCustomerEvent(String type) {
        return type.startsWith("customer.")
                && !type.startsWith("customer.subscription.")
                && !type.startsWith("customer.discount.");
    }

    /** Customer events: the links they ask for written together; what is not a plain link is applied on its own. */
    private void linkTogether(List<InboxWork> customerEvents, Executor executor, List<EventInbox.Completion> done) {
        List<InboxWork> linking = new ArrayList<>();
        List<CustomerLink> links = new ArrayList<>();
        List<AuditCause> causes = new ArrayList<>();
        List<InboxWork> single = new ArrayList<>();
        for (InboxWork work : customerEvents) {
            // A deletion retires a link (EventEffects): applied on its own, as any event that is more than a link.
            if (!(effects.handledObjectOrNull(work) instanceof EventObject.OfCustomer customer) || customer.deleted()) {
                single.add(work);
                continue;
            }
            CustomerLink link = linkOf(customer);
            if (link == null) {
                done.add(outcomes.completion(work, InboxStatus.PROCESSED)); // nothing to link, as when alone
            } else {
                linking.add(work);
                links.add(link);
                causes.add(AuditCause.event(work.eventId()));
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
                    done.add(outcomes.completion(linking.get(i), InboxStatus.PROCESSED));
                }
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "Linking {0} customers together failed, applying the events one by " + "one: {1}",
                        links.size(),
                        InboxOutcomes.describe(e));
                applyEach(linking, executor, done).join();
            }
        }
        singles.join();
    }

    private CompletableFuture<Void> applyEach(
            List<InboxWork> works, Executor executor, List<EventInbox.Completion> done) {
        CompletableFuture<?>[] running = new CompletableFuture<?>[works.size()];
        for (int i = 0; i < works.size(); i++) {
            InboxWork work = works.get(i);
            running[i] = onPool(
                    () -> applyOrFail(work).map(outcome -> done.add(outcomes.completion(work, outcome))), executor);
        }
        return CompletableFuture.allOf(running);
    }

    /** Applies the event; a failure is recorded on it (and empty returned), the completion is left to the caller. */
    private Optional<InboxStatus> applyOrFail(InboxWork work) {
        try {
            return Optional.of(effects.apply(work));
        } catch (RuntimeException e) {
            fail(work, e);
            return Optional.empty();
        }
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
     * one subscription share its read: Stripe's current state is the answer for each; a read another batch started
     * after they were all received answers them too ({@link CoalescedReads}). An event whose read failed is
     * recorded failed on its own (retried later); one Stripe no longer has keeps its event's snapshot.
     */
    private void refetchTogether(
            List<InboxWork> batched,
            List<EventObject.OfSubscription> snapshots,
            Executor executor,
            List<EventInbox.Completion> done) {
        // One read per subscription, started after the latest receipt among its events, so it answers each of them.
        Map<String, Instant> latest = new HashMap<>();
        for (int i = 0; i < snapshots.size(); i++) {
            latest.merge(
                    snapshots.get(i).subscription().id(),
                    batched.get(i).entry().receivedAt(),
                    (a, b) -> a.isAfter(b) ? a : b);
        }
        Map<String, CompletableFuture<Optional<Subscription>>> fetches = new HashMap<>();
        latest.forEach((id, receivedAt) -> fetches.put(id, onPool(() -> reads.subscription(id, receivedAt), executor)));
        List<InboxWork> fetched = new ArrayList<>(batched.size());
        List<EventObject.OfSubscription> read = new ArrayList<>(batched.size());
        List<Subscription> current = new ArrayList<>(batched.size());
        for (int i = 0; i < batched.size(); i++) {
            Subscription snapshot = snapshots.get(i).subscription();
            try {
                current.add(fetches.get(snapshot.id()).join().orElse(snapshot));
                fetched.add(batched.get(i));
                read.add(snapshots.get(i));
            } catch (CompletionException e) {
                fail(batched.get(i), e.getCause() instanceof RuntimeException r ? r : e);
            }
        }
        if (!fetched.isEmpty()) {
            upsertTogether(fetched, read, current, executor, done, true);
        }
    }

    /**
     * The subscriptions upserted together, each event completed; {@code fromStripe}: they were just read from Stripe,
     * so a same-second tie needs no further read (Stripe's state is what was stored).
     */
    private void upsertTogether(
            List<InboxWork> batched,
            List<EventObject.OfSubscription> snapshots,
            List<Subscription> rows,
            Executor executor,
            List<EventInbox.Completion> done,
            boolean fromStripe) {
        List<Subscription> written = rows;
        List<AuditCause> causes =
                batched.stream().map(w -> AuditCause.event(w.eventId())).toList();
        if (fromStripe) {
            // Stripe's object does not say when it turned past due: the latest bound its events give, on Stripe's
            // clock (OfSubscription#pastDueHint; the store keeps the latest of a past-due spell).
            Map<String, Instant> hints = new HashMap<>();
            for (EventObject.OfSubscription snapshot : snapshots) {
                Instant hint = snapshot.pastDueHint();
                if (hint != null) {
                    hints.merge(snapshot.subscription().id(), hint, (a, b) -> a.isAfter(b) ? a : b);
                }
            }
            written = written.stream()
                    .map(s -> s.withPastDueSince(hints.get(s.id())))
                    .toList();
            // The events of one subscription share Stripe's state: written once, under the first event's cause (a
            // second write would change nothing, in a statement and a commit of its own).
            Map<Subscription, AuditCause> once = new LinkedHashMap<>();
            for (int i = 0; i < written.size(); i++) {
                once.putIfAbsent(written.get(i), causes.get(i));
            }
            written = List.copyOf(once.keySet());
            causes = List.copyOf(once.values());
        }
        // Read before the write, so an erased account's subscription is written under its pseudonym; the same links
        // decide afterwards whether its events are redacted (then read again: an erasure may finish meanwhile).
        ErasedAccountEvents erased = effects.erased();
        Map<CustomerId, CustomerLink> before = erased.linksOrNull(
                written.stream().map(Subscription::customerId).toList());
        List<UpsertResult> results;
        try {
            if (before == null) {
                throw new IllegalStateException("the batch's customer links could not be read");
            }
            results = subscriptions.upsertSubscriptions(ErasedAccountEvents.scrubbed(written, before), causes);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "A batched upsert of {0} subscriptions failed, applying them one by one: " + "{1}",
                    batched.size(),
                    InboxOutcomes.describe(e));
            applyEach(batched, executor, done).join();
            return;
        }
        Map<CustomerId, CustomerLink> links = erased.linksOrNull(
                snapshots.stream().map(s -> s.subscription().customerId()).toList());
        for (int i = 0; i < batched.size(); i++) {
            InboxWork work = batched.get(i);
            Subscription snapshot = snapshots.get(i).subscription();
            Instant pastDueHint = snapshots.get(i).pastDueHint();
            try {
                if (!fromStripe
                        && SnapshotOrder.leftToStripe( // one result per event here
                                results.get(i),
                                snapshot.version(),
                                () -> subscriptions
                                        .findSubscription(snapshot.id())
                                        .map(Subscription::version))) {
                    gateway.getSubscription(snapshot.id())
                            .ifPresent(s -> subscriptions.upsertSubscription(
                                    ErasedAccountEvents.scrubbed(
                                            s.withPastDueSince(pastDueHint), before.get(s.customerId())),
                                    AuditCause.event(work.eventId())));
                }
                listener.projectionChanged(snapshot.customerId());
                try (AuditContext.Scope cause = AuditContext.enter(AuditCause.event(work.eventId()))) {
                    effects.subscriptionWritten(work, snapshots.get(i));
                }
                erased.redactIfErased(work.entry(), snapshot.customerId(), snapshots.get(i), links);
                done.add(outcomes.completion(work, InboxStatus.PROCESSED));
            } catch (RuntimeException e) {
                fail(work, e);
            }
        }
    }

    /**
     * The snapshot a subscription event carries when writing it (or, re-fetch on, Stripe's current state of it) is
     * all the event does but for what follows every write ({@link EventEffects#subscriptionWritten}): this livemode,
     * no notice. Else null: applied on its own, where a redacted payload is ignored and a failure recorded.
     */
    private EventObject.OfSubscription batchableSnapshot(InboxWork work) {
        if (!work.event().type().startsWith("customer.subscription.")) {
            return null;
        }
        EventObject object = effects.handledObjectOrNull(work);
        // A snapshot whose coupons are unknown is read from Stripe on its own, even with re-fetch off.
        return object instanceof EventObject.OfSubscription of
                        && !effects.meansANotice(work.event(), object)
                        && (refetch || !of.couponsUnknown())
                ? of
                : null;
    }
}

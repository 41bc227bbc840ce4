package dev.billing.core.webhook;

import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.WebhookVerifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The webhook endpoint's logic (DESIGN §4.2): verify the signature on the raw bytes (a rejection throws before
 * any store is touched), record the event in the inbox (duplicates are no-ops), answer once the row is durable,
 * and process inline when capacity allows. Processing failures never fail the delivery: the event is durable and
 * the worker retries it.
 *
 * <p>When an inline permit is free, a new event is recorded already leased to this request
 * ({@link EventInbox#recordLeased}): one write instead of a record and then a claim, with the same outcome (a
 * crash before completion leaves a lease that runs out, and the worker processes the event again).
 *
 * <p>A redelivery of an event this process saw completed lately is answered as a duplicate at once, without the
 * store ({@link DoneEvents}): the event is durable and done, and the write and claim would change nothing.
 *
 * <p>A server that answers Stripe as soon as the event is durable passes an executor
 * ({@link #receive(byte[], String, Executor)}): the event is recorded leased to this process, the answer goes out,
 * and the executor processes it right after (up to {@link BillingOptions#backgroundPermits()} at once). Beyond that a
 * delivery joins the same queue but its answer waits until its batch is processed, which slows the sender down
 * instead of piling up work, and keeps every event on the batched path (processing each overflowing event alone, as
 * before, cost more CPU per event just when the drainer was behind, and the drainer fell further behind). The request
 * then waits for one commit instead of three, and the events processed at once share their statements and commits
 * (see the Postgres adapter's group commit). The guarantees are the same: the answer means durable; a crash before the event is done
 * leaves a lease that runs out, and the worker processes it again.
 *
 * <p>Usage: {@code WebhookReceipt r = receiveWebhook.receive(rawBody, stripeSignatureHeader);}
 */
public final class ReceiveWebhook {
    private static final System.Logger LOG = System.getLogger(ReceiveWebhook.class.getName());
    /**
     * Batches processed at once: one, so that the events arriving while a batch is written form the next batch
     * (under load the batches grow, and with them what each statement and commit is shared by).
     */
    static final int MAX_DRAINERS = 1;
    static final int DRAIN_BATCH = 64;
    /**
     * Under sustained load (the drainer finds events right after a batch), how long it waits once for more before
     * processing a batch that is not full, so the events share fewer, larger statements and commits. A lone event
     * after a quiet spell is processed at once; the answer to Stripe never waits for this.
     */
    static final long DRAIN_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(3);
    /**
     * How long a delivery beyond the background permits waits for its batch before it is answered anyway: the event
     * is durable and leased, so an answer after this loses nothing (its lease runs out if the drainer never gets to it).
     */
    static final Duration OVERFLOW_WAIT = Duration.ofSeconds(10);
    private final WebhookVerifier verifier;
    private final DecodedEvents decoded;
    private final EventInbox inbox;
    private final ProcessInboxEvent processor;
    private final Semaphore inlinePermits;
    private final Semaphore backgroundPermits;
    /** Events recorded leased to this process, waiting for a drainer. */
    private final Queue<Queued> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();
    private final Duration lease;
    private final Clock clock;

    public ReceiveWebhook(WebhookVerifier verifier, DecodedEvents decoded, EventInbox inbox, ProcessInboxEvent processor, int inlinePermits,
                   int backgroundPermits, Duration lease, Clock clock) {
        this.verifier = verifier;
        this.decoded = decoded;
        this.inbox = inbox;
        this.processor = processor;
        this.inlinePermits = new Semaphore(inlinePermits);
        this.backgroundPermits = new Semaphore(backgroundPermits);
        this.lease = lease;
        this.clock = clock;
    }

    public WebhookReceipt receive(byte[] payload, String signatureHeader) {
        WebhookVerifier.Verified verified = verifier.verifyAndDecode(payload, signatureHeader);
        if (processor.completedLately(verified.event().id())) {
            return WebhookReceipt.doneAlready(verified.event());
        }
        return recordAndProcess(verified, clock.instant());
    }

    /**
     * Like {@link #receive(byte[], String)}, but a new event is processed on {@code processing} after this returns
     * (its receipt's {@code inlineStatus} is null). While no background permit is free, the answer waits (up to
     * {@link #OVERFLOW_WAIT}) until the event's batch is processed. A redelivery is processed inline; a rejecting
     * executor makes this thread drain.
     */
    public WebhookReceipt receive(byte[] payload, String signatureHeader, Executor processing) {
        WebhookVerifier.Verified verified = verifier.verifyAndDecode(payload, signatureHeader);
        StripeEvent event = verified.event();
        if (processor.completedLately(event.id())) {
            return WebhookReceipt.doneAlready(event);
        }
        Instant now = clock.instant();
        boolean permit = backgroundPermits.tryAcquire();
        boolean handedOn = false;
        try {
            String owner = LeaseOwners.next();
            EventInbox.Recorded recorded = inbox.recordLeased(event, now, owner, lease);
            if (recorded.leased().isEmpty()) { // a redelivery: the event may be due again (an earlier attempt failed)
                return new WebhookReceipt(event.id(), event.type(), true, processor.processNow(event.id()).orElse(null));
            }
            CountDownLatch processed = permit ? null : new CountDownLatch(1);
            decoded.keep(event, verified.object()); // forgotten by the drainer once the batch is done
            queued.add(new Queued(recorded.leased().get(), processed));
            handedOn = true;
            startDrainer(processing);
            if (processed != null) {
                awaitBatch(processed);
            }
            return new WebhookReceipt(event.id(), event.type(), false, null);
        } finally {
            if (!handedOn && permit) {
                backgroundPermits.release();
            }
        }
    }

    /** An event waiting for a drainer; {@code processed} is counted down after its batch when its sender waits. */
    private record Queued(InboxEntry entry, CountDownLatch processed) {
    }

    private static void awaitBatch(CountDownLatch processed) {
        try {
            processed.await(OVERFLOW_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // answered anyway: the event is durable and leased
        }
    }

    /** Starts a drainer on {@code processing} unless enough run; a rejecting executor makes this thread drain. */
    private void startDrainer(Executor processing) {
        while (true) {
            int running = drainers.get();
            if (running >= MAX_DRAINERS) {
                return;
            }
            if (drainers.compareAndSet(running, running + 1)) {
                break;
            }
        }
        try {
            processing.execute(() -> drain(processing));
        } catch (RejectedExecutionException e) { // shutting down: this request does the work
            drain(Runnable::run);
        }
    }

    /**
     * Takes the queued events in batches of up to {@value #DRAIN_BATCH} and processes each batch together until the
     * queue is empty; after a batch, one that is not full waits {@link #DRAIN_LINGER_NANOS} once to fill up. Holds
     * one of the drainer slots, and gives it back when it finds nothing to take.
     */
    private void drain(Executor processing) {
        boolean sustained = false;
        while (true) {
            List<Queued> batch = new ArrayList<>();
            take(batch);
            if (sustained && !batch.isEmpty() && batch.size() < DRAIN_BATCH) {
                LockSupport.parkNanos(DRAIN_LINGER_NANOS);
                take(batch);
            }
            if (batch.isEmpty()) {
                drainers.decrementAndGet();
                // an event queued after the poll may have found every slot taken: take a slot back for it
                if (queued.isEmpty() || !takeSlot()) {
                    return;
                }
                continue;
            }
            List<InboxEntry> entries = new ArrayList<>(batch.size());
            batch.forEach(q -> entries.add(q.entry()));
            try {
                processor.processLeasedBatch(entries, processing);
            } catch (RuntimeException | Error e) { // never expected: the leases run out and the worker retries
                LOG.log(System.Logger.Level.ERROR, "Processing a batch of " + batch.size() + " events failed", e);
            } finally {
                int permits = 0;
                for (Queued q : batch) {
                    decoded.forget(q.entry().event());
                    if (q.processed() == null) {
                        permits++;
                    } else {
                        q.processed().countDown();
                    }
                }
                backgroundPermits.release(permits);
            }
            sustained = true;
        }
    }

    /** Moves queued events into {@code batch} up to {@value #DRAIN_BATCH}. */
    private void take(List<Queued> batch) {
        Queued next;
        while (batch.size() < DRAIN_BATCH && (next = queued.poll()) != null) {
            batch.add(next);
        }
    }

    private boolean takeSlot() {
        int running = drainers.get();
        return running < MAX_DRAINERS && drainers.compareAndSet(running, running + 1);
    }

    private WebhookReceipt recordAndProcess(WebhookVerifier.Verified verified, Instant now) {
        StripeEvent event = verified.event();
        if (!inlinePermits.tryAcquire()) {
            boolean duplicate = inbox.record(event, now) == EventInbox.RecordOutcome.DUPLICATE;
            return new WebhookReceipt(event.id(), event.type(), duplicate, null);
        }
        try {
            String owner = LeaseOwners.next();
            EventInbox.Recorded recorded = inbox.recordLeased(event, now, owner, lease);
            boolean duplicate = recorded.outcome() == EventInbox.RecordOutcome.DUPLICATE;
            InboxStatus inline;
            if (recorded.leased().isPresent()) {
                decoded.keep(event, verified.object());
                try {
                    inline = processor.processLeased(recorded.leased().get(), owner);
                } finally {
                    decoded.forget(event);
                }
            } else { // a redelivery: the event may be due again (an earlier attempt failed)
                inline = processor.processNow(event.id()).orElse(null);
            }
            return new WebhookReceipt(event.id(), event.type(), duplicate, inline);
        } finally {
            inlinePermits.release();
        }
    }
}

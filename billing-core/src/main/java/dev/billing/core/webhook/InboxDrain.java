package dev.billing.core.webhook;

import dev.billing.core.model.CustomerLink;
import java.time.Duration;
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
 * Where the inbox's batches are formed: the events a webhook route recorded leased to this process (answered
 * before they are processed), and those the worker claimed, go to {@link InboxBatch} in batches of at most
 * {@value #MAX_BATCH}.
 *
 * <p>A route's events wait in a queue for the one drainer, which processes what it finds as one batch, so the events
 * arriving while a batch is written form the next (under load the batches grow, and with them what each statement
 * and commit is shared by). Under sustained load a batch that is not full waits {@link #LINGER_NANOS} once for more.
 * Up to {@code permits} events are answered before they are processed; beyond that a delivery's answer waits (up to
 * {@link #OVERFLOW_WAIT}) until its batch is processed, which slows the sender down instead of piling up work.
 *
 * <p>An event a route hands over before it is recorded ({@link #submitUnrecorded}) always waits for its batch, whose
 * answer says whether it was recorded; such a batch does not linger, as its senders wait for it.
 */
final class InboxDrain {
    private static final System.Logger LOG = System.getLogger(InboxDrain.class.getName());
    static final int MAX_BATCH = 64;
    /** One drainer, so that the events arriving while a batch is written form the next batch. */
    static final int MAX_DRAINERS = 1;
    /** How long a batch that is not full waits once for more under sustained load; a lone event never waits. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(3);
    /**
     * How long a delivery beyond the permits waits for its batch before it is answered anyway: the event is durable
     * and leased, so an answer after this loses nothing (its lease runs out if the drainer never gets to it).
     */
    static final Duration OVERFLOW_WAIT = Duration.ofSeconds(10);
    /**
     * How long an unrecorded event waits for the drainer to take it before its sender takes it back and records it
     * as any other: nothing is durable yet, so a busy drainer must not hold its answer long.
     */
    static final Duration UNRECORDED_WAIT = Duration.ofSeconds(2);

    private final InboxBatch batches;
    private final Semaphore permits;
    private final Queue<Queued> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();

    InboxDrain(InboxBatch batches, int permits) {
        this.batches = batches;
        this.permits = new Semaphore(permits);
    }

    /**
     * A route's event waiting for the drainer; {@code processed} is counted down after its batch when its sender waits.
     * {@code unrecorded} is set for an event not recorded yet ({@link #submitUnrecorded}).
     */
    private record Queued(InboxWork work, CountDownLatch processed, Unrecorded unrecorded) {}

    /**
     * An unrecorded event's hand-over, with the link it asks for: taken by the drainer or given up by its sender,
     * whichever comes first.
     */
    private static final class Unrecorded {
        private static final int QUEUED = 0;
        private static final int TAKEN = 1;
        private static final int GIVEN_UP = 2;

        final CustomerLink link;
        final AtomicInteger state = new AtomicInteger(QUEUED);
        final CountDownLatch done = new CountDownLatch(1);
        volatile InboxBatch.Unrecorded outcome = InboxBatch.Unrecorded.NOT_DONE;

        Unrecorded(CustomerLink link) {
            this.link = link;
        }
    }

    /**
     * Queues an event not recorded yet with the link it asks for ({@link InboxBatch#plainLink}), makes sure a drainer runs on
     * {@code processing}, and waits for its batch ({@link InboxBatch#processUnrecorded}). When that does not start
     * within {@link #UNRECORDED_WAIT}, the event is taken back ({@code NOT_DONE}: the caller records it as any other);
     * once its batch has started, this waits for it to end.
     */
    InboxBatch.Unrecorded submitUnrecorded(InboxWork work, CustomerLink link, Executor processing) {
        Unrecorded handOver = new Unrecorded(link);
        queued.add(new Queued(work, null, handOver));
        startDrainer(processing);
        boolean interrupted = false;
        try {
            if (handOver.done.await(UNRECORDED_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return handOver.outcome;
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            if (handOver.state.compareAndSet(Unrecorded.QUEUED, Unrecorded.GIVEN_UP)) {
                return InboxBatch.Unrecorded.NOT_DONE;
            }
            while (true) { // its batch is being written: its outcome decides what the sender answers
                try {
                    handOver.done.await();
                    return handOver.outcome;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Queues an event recorded leased to this process and makes sure a drainer runs on {@code processing}; returns
     * at once while a permit is free, else once the event's batch is processed (or {@link #OVERFLOW_WAIT} passed).
     * A rejecting executor makes this thread drain.
     */
    void submit(InboxWork work, Executor processing) {
        boolean permit = permits.tryAcquire();
        CountDownLatch processed = permit ? null : new CountDownLatch(1);
        queued.add(new Queued(work, processed, null));
        startDrainer(processing);
        if (processed != null) {
            try {
                processed.await(OVERFLOW_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // answered anyway: the event is durable and leased
            }
        }
    }

    /** Processes events the worker claimed, in batches of at most {@value #MAX_BATCH}, on {@code executor}. */
    void processClaimed(List<InboxWork> claimed, Executor executor) {
        for (int from = 0; from < claimed.size(); from += MAX_BATCH) {
            batches.process(claimed.subList(from, Math.min(claimed.size(), from + MAX_BATCH)), executor);
        }
    }

    /** Starts a drainer on {@code processing} unless enough run; a rejecting executor makes this thread drain. */
    private void startDrainer(Executor processing) {
        if (!takeSlot()) {
            return;
        }
        try {
            processing.execute(() -> drain(processing));
        } catch (RejectedExecutionException e) { // shutting down: this request does the work
            drain(Runnable::run);
        }
    }

    /**
     * Takes the queued events in batches and processes each batch until the queue is empty; after a batch, one that
     * is not full waits {@link #LINGER_NANOS} once to fill up. Holds a drainer slot, and gives it back when it finds
     * nothing to take.
     */
    private void drain(Executor processing) {
        boolean sustained = false;
        while (true) {
            List<Queued> batch = new ArrayList<>();
            take(batch);
            if (sustained && !batch.isEmpty() && batch.size() < MAX_BATCH && noSenderWaits(batch)) {
                LockSupport.parkNanos(LINGER_NANOS);
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
            List<InboxWork> works = new ArrayList<>(batch.size());
            List<Queued> unrecorded = new ArrayList<>();
            for (Queued q : batch) {
                if (q.unrecorded() == null) {
                    works.add(q.work());
                } else if (q.unrecorded().state.compareAndSet(Unrecorded.QUEUED, Unrecorded.TAKEN)) {
                    unrecorded.add(q);
                } // else its sender gave it up and records it itself
            }
            try {
                if (!unrecorded.isEmpty()) {
                    try {
                        List<InboxBatch.Unrecorded> outcomes = batches.processUnrecorded(
                                unrecorded.stream().map(Queued::work).toList(),
                                unrecorded.stream()
                                        .map(q -> q.unrecorded().link)
                                        .toList());
                        for (int i = 0; i < unrecorded.size(); i++) {
                            unrecorded.get(i).unrecorded().outcome = outcomes.get(i);
                        }
                    } finally {
                        // answered now, not after the batch's other events (which may wait for Stripe)
                        unrecorded.forEach(q -> q.unrecorded().done.countDown());
                    }
                }
                if (!works.isEmpty()) {
                    batches.process(works, processing);
                }
            } catch (RuntimeException | Error e) { // never expected: the leases run out and the worker retries
                LOG.log(System.Logger.Level.ERROR, "Processing a batch of " + batch.size() + " events failed", e);
            } finally {
                int released = 0;
                for (Queued q : batch) {
                    if (q.unrecorded() != null) {
                        q.unrecorded().done.countDown(); // a no-op for one already answered or given up
                    } else if (q.processed() == null) {
                        released++;
                    } else {
                        q.processed().countDown();
                    }
                }
                permits.release(released);
            }
            sustained = true;
        }
    }

    /** Whether no event of the batch is an unrecorded one, whose sender waits for the batch (then it must not linger). */
    private static boolean noSenderWaits(List<Queued> batch) {
        for (Queued q : batch) {
            if (q.unrecorded() != null) {
                return false;
            }
        }
        return true;
    }

    /** Moves queued events into {@code batch} up to {@value #MAX_BATCH}. */
    private void take(List<Queued> batch) {
        Queued next;
        while (batch.size() < MAX_BATCH && (next = queued.poll()) != null) {
            batch.add(next);
        }
    }

    private boolean takeSlot() {
        while (true) {
            int running = drainers.get();
            if (running >= MAX_DRAINERS) {
                return false;
            }
            if (drainers.compareAndSet(running, running + 1)) {
                return true;
            }
        }
    }
}

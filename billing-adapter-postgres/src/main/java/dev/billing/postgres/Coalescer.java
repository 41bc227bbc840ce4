package dev.billing.postgres;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Group commit for one kind of single-row write: concurrent callers' rows go to the database together, as one
 * multi-row statement in one transaction, and each caller returns only once that transaction committed, with the
 * answer for its own row. The first caller on a quiet server writes alone at once; callers that arrive while a write
 * is in flight form the next batch, written by the first of them as soon as a writer is free (leader and followers,
 * no extra thread). Up to {@code maxWriters} batches are in flight at once, each on its own connection, so one batch
 * forms and goes while another commits; a row whose key is in flight waits for that batch.
 * Under load the per-statement and per-commit work of Postgres and the round trips are shared. When a batch commits,
 * its writer wakes the next batch's leader before its own callers, and each caller directly, not through the lock,
 * so the next write does not wait for a whole batch of threads to be scheduled one after the other.
 *
 * <p>With several writers, a {@link Company} rule keeps the batches from going out nearly empty: a leader that would
 * start a batch while another is in flight, with fewer callers than the rule's rows, waits for company, at most the
 * rule's time, and goes as soon as the rows are there or the other batch has committed (docs/BENCHMARKS_HISTORY.md,
 * "Inserts that wait for company").
 *
 * <p>A batch fails as a whole only when the database cannot be reached ({@link StoreUnavailableException}: every
 * caller gets it, as each would have alone). Any other failure is the business of one row (e.g. a payload Postgres
 * refuses), so the rows of that batch are written again one by one and only the faulty one fails.
 *
 * @param <I> one caller's row
 * @param <O> the answer for that row
 */
final class Coalescer<I, O> {
    /** Writes a batch; answers in the rows' order. Called with at least one row and at most the maximum. */
    interface BatchWriter<I, O> {
        List<O> write(List<I> rows);
    }

    /**
     * When a batch waits for company: only while another batch is in flight, at most {@code atMost}, until it has
     * {@code rows} callers. {@link #NONE} never waits.
     */
    record Company(Duration atMost, int rows) {
        static final Company NONE = new Company(Duration.ZERO, 1);

        Company {
            if (atMost.isNegative() || rows < 1) {
                throw new IllegalArgumentException("company needs a wait of zero or more and at least one row");
            }
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Call<I, O>> queue = new ArrayDeque<>();
    private final Set<Object> keysInFlight = new HashSet<>();
    private final BatchWriter<I, O> writer;
    private final Function<I, Object> key;
    private final int maxBatch;
    private final int maxWriters;
    private final long companyNanos;
    private final int companyRows;
    private int writers;
    /** The leader waiting for company, if any, until it takes its batch. Under the lock. */
    private Call<I, O> waitingForCompany;

    /**
     * One batch in flight at a time.
     *
     * @param key rows with equal keys never share a batch (a statement may affect a row once); the later waits for
     *            the next batch
     */
    Coalescer(int maxBatch, Function<I, Object> key, BatchWriter<I, O> writer) {
        this(maxBatch, 1, key, writer);
    }

    /**
     * @param maxWriters how many batches may be in flight at once (each on its own connection); a row whose key is
     *                   in a batch in flight waits for that batch to end, so equal keys are still written one after
     *                   the other, in their order
     * @param key        rows with equal keys never share a batch (a statement may affect a row once)
     */
    Coalescer(int maxBatch, int maxWriters, Function<I, Object> key, BatchWriter<I, O> writer) {
        this(maxBatch, maxWriters, Company.NONE, key, writer);
    }

    /**
     * @param company how long a batch that would go while another is in flight waits for how many callers
     */
    Coalescer(int maxBatch, int maxWriters, Company company, Function<I, Object> key, BatchWriter<I, O> writer) {
        if (maxBatch < 1 || maxWriters < 1) {
            throw new IllegalArgumentException("maxBatch and maxWriters must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.maxWriters = maxWriters;
        this.companyNanos = company.atMost().toNanos();
        this.companyRows = Math.min(company.rows(), maxBatch);
        this.key = key;
        this.writer = writer;
    }

    O submit(I row) {
        Call<I, O> me = new Call<>(row, key.apply(row), Thread.currentThread());
        List<Call<I, O>> leaders;
        Call<I, O> accompanied = null;
        lock.lock();
        try {
            queue.addLast(me);
            leaders = promote();
            Call<I, O> waiting = waitingForCompany;
            if (waiting != null && !waiting.accompanied && queue.size() + 1 >= companyRows) {
                waiting.accompanied = true;
                accompanied = waiting;
            }
        } finally {
            lock.unlock();
        }
        wake(leaders, me);
        if (accompanied != null) {
            LockSupport.unpark(accompanied.thread);
        }
        awaitTurn(me);
        if (me.done) {
            return me.answer();
        }
        awaitCompany(me);
        List<Call<I, O>> batch;
        lock.lock();
        try {
            boolean waited = waitingForCompany == me;
            if (waited) {
                waitingForCompany = null;
            }
            batch = takeBatch(me);
            // A writer the batch in flight freed while this one waited for company made no leader then.
            leaders = waited ? promote() : List.of();
        } finally {
            lock.unlock();
        }
        wake(leaders, me);
        List<O> answers = null;
        RuntimeException failure = null;
        Error fatal = null;
        try {
            answers = write(batch);
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) { // still hand on the lead, or every later caller would wait for ever
            fatal = e;
            failure = new StoreException("The batched write failed: " + e, e);
        }
        lock.lock();
        try {
            for (int i = 0; i < batch.size(); i++) {
                Call<I, O> call = batch.get(i);
                if (failure != null) {
                    call.failure = failure;
                } else if (answers.get(i) instanceof Failed failed) {
                    call.failure = failed.failure;
                } else {
                    call.answer = answers.get(i);
                }
                keysInFlight.remove(call.key);
            }
            writers--;
            Call<I, O> waiting = waitingForCompany;
            if (waiting != null && !waiting.accompanied) {
                // No other batch in flight any more: the waiting one goes now, with the company it has.
                waiting.accompanied = true;
                leaders = List.of(waiting);
            } else {
                leaders = promote();
            }
            for (Call<I, O> call : batch) {
                call.done = true; // after its answer: the volatile write publishes it
            }
        } finally {
            lock.unlock();
        }
        // The next batch's leader first, so the next write goes out while this batch's callers are still waking.
        wake(leaders, me);
        wake(batch, me);
        if (fatal != null) {
            throw fatal;
        }
        return me.answer();
    }

    /**
     * Parks until the call leads a batch or is done. A woken call does not take the lock again (a follower never
     * needs it), so a batch's callers wake side by side rather than one after the other through the lock. An
     * interrupt does not end the wait, as the write it waits for cannot be called off; it is kept for the caller.
     */
    private static void awaitTurn(Call<?, ?> me) {
        boolean interrupted = false;
        while (!me.leader && !me.done) {
            LockSupport.park(me);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A leader whose batch would go while another is in flight with fewer than the company's rows waits, at most the
     * company's time, until an arriving caller or the batch in flight's writer says it is accompanied. Until it takes
     * its batch no other leader is made, so the callers that arrive meanwhile are its company. Interrupts are kept, as
     * in {@link #awaitTurn}.
     */
    private void awaitCompany(Call<I, O> me) {
        if (companyNanos == 0) {
            return;
        }
        long deadline = System.nanoTime() + companyNanos;
        lock.lock();
        try {
            if (writers < 2 || queue.size() + 1 >= companyRows) {
                return;
            }
            waitingForCompany = me;
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        long left = companyNanos;
        while (!me.accompanied && left > 0) {
            LockSupport.parkNanos(this, left);
            interrupted |= Thread.interrupted();
            left = deadline - System.nanoTime();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static <I, O> void wake(List<Call<I, O>> calls, Call<I, O> me) {
        for (Call<I, O> call : calls) {
            if (call != me) {
                LockSupport.unpark(call.thread);
            }
        }
    }

    /** Calls waiting for a write (not counting those being written); for tests. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a leader is waiting for company; for tests. */
    boolean waitingForCompany() {
        lock.lock();
        try {
            return waitingForCompany != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * While fewer than the maximum of batches are in flight, makes the oldest waiting call whose key is not in flight
     * a leader (it takes its batch when it wakes, so calls arriving meanwhile still join it); none while a leader waits
     * for company, whose company the queue is. Under the lock; the caller wakes the leaders it returns once the lock
     * is released.
     */
    private List<Call<I, O>> promote() {
        List<Call<I, O>> leaders = List.of();
        while (writers < maxWriters && waitingForCompany == null) {
            Call<I, O> leader = null;
            for (Iterator<Call<I, O>> it = queue.iterator(); it.hasNext(); ) {
                Call<I, O> call = it.next();
                if (!keysInFlight.contains(call.key)) {
                    it.remove();
                    leader = call;
                    break;
                }
            }
            if (leader == null) {
                break;
            }
            writers++;
            keysInFlight.add(leader.key);
            leader.leader = true;
            leaders = leaders.isEmpty() ? new ArrayList<>(maxWriters) : leaders;
            leaders.add(leader);
        }
        return leaders;
    }

    /**
     * The leader and then the oldest waiting calls, at most one per key and none whose key is in flight, up to the
     * maximum. Under the lock.
     */
    private List<Call<I, O>> takeBatch(Call<I, O> leader) {
        List<Call<I, O>> batch = new ArrayList<>(Math.min(maxBatch, queue.size() + 1));
        batch.add(leader);
        Iterator<Call<I, O>> it = queue.iterator();
        while (it.hasNext() && batch.size() < maxBatch) {
            Call<I, O> call = it.next();
            if (keysInFlight.add(call.key)) {
                batch.add(call);
                it.remove();
            }
        }
        return batch;
    }

    /** The batch's answers, or per-row failures when the batch had to be written row by row. */
    @SuppressWarnings("unchecked")
    private List<O> write(List<Call<I, O>> batch) {
        List<I> rows = new ArrayList<>(batch.size());
        for (Call<I, O> call : batch) {
            rows.add(call.row);
        }
        try {
            return writer.write(rows);
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (StoreException e) {
            if (rows.size() == 1) {
                throw e;
            }
            List<Object> answers = new ArrayList<>(rows.size());
            for (I row : rows) {
                try {
                    answers.add(writer.write(List.of(row)).get(0));
                } catch (StoreUnavailableException down) {
                    throw down;
                } catch (StoreException one) {
                    answers.add(new Failed(one));
                }
            }
            return (List<O>) answers;
        }
    }

    private record Failed(StoreException failure) {}

    private static final class Call<I, O> {
        final I row;
        final Object key;
        final Thread thread;
        volatile boolean leader;
        volatile boolean done;
        /** Set once a leader waiting for company may go. */
        volatile boolean accompanied;

        O answer;
        RuntimeException failure;

        Call(I row, Object key, Thread thread) {
            this.row = row;
            this.key = key;
            this.thread = thread;
        }

        O answer() {
            if (failure != null) {
                throw failure;
            }
            return answer;
        }
    }
}

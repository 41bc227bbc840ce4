package dev.billing.postgres;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;

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
 * answer for its own row. Nothing is held back to wait for company: the first caller writes alone at once; callers
 * that arrive while a write is in flight form the next batch, written by the first of them as soon as a writer is free
 * (leader and followers, no extra thread). Up to {@code maxWriters} batches are in flight at once, each on its own
 * connection, so one batch forms and goes while another commits; a row whose key is in flight waits for that batch.
 * On a quiet server a call is exactly one statement, as before; under load the per-statement and per-commit work of
 * Postgres and the round trips are shared. When a batch commits, its writer wakes the next batch's leader before
 * its own callers, and each caller is woken directly, not through the lock, so the next write does not wait for a
 * whole batch of threads to be scheduled one after the other.
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

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Call<I, O>> queue = new ArrayDeque<>();
    private final Set<Object> keysInFlight = new HashSet<>();
    private final BatchWriter<I, O> writer;
    private final Function<I, Object> key;
    private final int maxBatch;
    private final int maxWriters;
    private int writers;

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
        if (maxBatch < 1 || maxWriters < 1) {
            throw new IllegalArgumentException("maxBatch and maxWriters must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.maxWriters = maxWriters;
        this.key = key;
        this.writer = writer;
    }

    O submit(I row) {
        Call<I, O> me = new Call<>(row, key.apply(row), Thread.currentThread());
        List<Call<I, O>> leaders;
        lock.lock();
        try {
            queue.addLast(me);
            leaders = promote();
        } finally {
            lock.unlock();
        }
        wake(leaders, me);
        awaitTurn(me);
        if (me.done) {
            return me.answer();
        }
        List<Call<I, O>> batch;
        lock.lock();
        try {
            batch = takeBatch(me);
        } finally {
            lock.unlock();
        }
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
            leaders = promote();
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

    /**
     * While fewer than the maximum of batches are in flight, makes the oldest waiting call whose key is not in flight
     * a leader (it takes its batch when it wakes, so calls arriving meanwhile still join it). Under the lock; the
     * caller wakes the leaders it returns once the lock is released.
     */
    private List<Call<I, O>> promote() {
        List<Call<I, O>> leaders = List.of();
        while (writers < maxWriters) {
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

    private record Failed(StoreException failure) {
    }

    private static final class Call<I, O> {
        final I row;
        final Object key;
        final Thread thread;
        volatile boolean leader;
        volatile boolean done;
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

package dev.billing.testkit.fake;

import dev.billing.core.error.StoreUnavailableException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes in-memory stores fail like an unreachable database: down until up again, or for the next N calls; or stall
 * them like one that does not answer.
 */
public final class StoreSwitch {
    /** Released while the store answers; each call waits on it, outside the switch's lock. */
    private volatile CountDownLatch answering = new CountDownLatch(0);

    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger passFirst = new AtomicInteger();

    public void down() {
        down.set(true);
    }

    public void up() {
        down.set(false);
        failNext.set(0);
        passFirst.set(0);
    }

    /** The next {@code calls} store calls fail, then the store works again. */
    public void failNext(int calls) {
        failAfter(0, calls);
    }

    /** The next {@code okCalls} store calls work, the {@code failingCalls} after them fail, then all work again. */
    public synchronized void failAfter(int okCalls, int failingCalls) {
        passFirst.set(okCalls);
        failNext.set(failingCalls);
    }

    /** Every store call waits, from now until {@link #answer}: a database that takes connections and never answers. */
    public void stall() {
        answering = new CountDownLatch(1);
    }

    /** The stalled calls go on, and later calls no longer wait. */
    public void answer() {
        answering.countDown();
    }

    private void awaitAnswering() {
        try {
            answering.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("in-memory store call interrupted while stalled (test switch)");
        }
    }

    /** Fails only while down: for calls that must not use up {@link #failNext} counts (the change record). */
    void checkUp() {
        awaitAnswering();
        if (down.get()) {
            throw new StoreUnavailableException("in-memory store is down (test switch)");
        }
    }

    void check() {
        awaitAnswering();
        checkCounted();
    }

    private synchronized void checkCounted() {
        if (down.get()) {
            throw new StoreUnavailableException("in-memory store is down (test switch)");
        }
        if (passFirst.get() > 0) {
            passFirst.decrementAndGet();
            return;
        }
        if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new StoreUnavailableException("in-memory store failed this call (test switch)");
        }
    }
}

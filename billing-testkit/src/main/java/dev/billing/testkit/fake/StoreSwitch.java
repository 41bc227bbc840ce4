package dev.billing.testkit.fake;

import dev.billing.core.error.StoreUnavailableException;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes in-memory stores fail like an unreachable database: down until up again, or for the next N calls. */
public final class StoreSwitch {
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger failNext = new AtomicInteger();

    public void down() {
        down.set(true);
    }

    public void up() {
        down.set(false);
        failNext.set(0);
    }

    /** The next {@code calls} store calls fail, then the store works again. */
    public void failNext(int calls) {
        failNext.set(calls);
    }

    void check() {
        if (down.get()) {
            throw new StoreUnavailableException("in-memory store is down (test switch)");
        }
        if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new StoreUnavailableException("in-memory store failed this call (test switch)");
        }
    }
}

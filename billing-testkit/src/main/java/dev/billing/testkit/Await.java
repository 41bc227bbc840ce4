package dev.billing.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition instead of sleeping for an ordering: polls every few milliseconds and fails, naming what it
 * waited for, when the condition has not held within the timeout. Timeouts are generous (a busy machine is slow, never
 * wrong), so they bound a hang rather than measure a speed.
 *
 * <p>Usage: {@code Await.until("the event is processed", () -> inbox.find(id).isPresent());}
 */
public final class Await {
    /** Long enough for a loaded two-core machine; only a hang takes this long. */
    public static final Duration DEFAULT = Duration.ofSeconds(60);

    private static final long POLL_MILLIS = 10;

    private Await() {}

    /** Waits up to {@link #DEFAULT} for {@code condition}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    /**
     * @throws AssertionError when {@code condition} did not hold within {@code timeout}
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Not within " + timeout.toSeconds() + " s: " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + what, e);
            }
        }
    }
}

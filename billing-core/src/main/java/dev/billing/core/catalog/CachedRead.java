package dev.billing.core.catalog;

import dev.billing.core.error.GatewayException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A value read from Stripe, kept for a short TTL: one caller reads an expired value again while the others wait for
 * it, and when Stripe fails the last good value serves for up to {@code maxStale}. {@link #invalidate()} makes it
 * stale (a webhook said it changed); a read already under way then is not taken as fresh, since it may predate the
 * change. The value is the same instance until it is read again.
 *
 * @param <T> what is read (the whole catalog, the listed promotion codes)
 */
final class CachedRead<T> {
    private final Supplier<T> read;
    private final Clock clock;
    private final Duration ttl;
    private final Duration maxStale;
    private final AtomicLong generation = new AtomicLong();
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Kept<T> kept;

    private record Kept<T>(T value, Instant readAt, long generation) {}

    CachedRead(Supplier<T> read, Clock clock, Duration ttl, Duration maxStale) {
        this.read = read;
        this.clock = clock;
        this.ttl = ttl;
        this.maxStale = maxStale;
    }

    /** The fresh value, read again when expired or invalidated; the last good one while Stripe fails. */
    T get() {
        long currentGeneration = generation.get();
        Kept<T> seen = kept;
        if (seen != null && fresh(seen, currentGeneration)) {
            return seen.value();
        }
        refreshing.lock();
        try {
            seen = kept;
            if (seen != null && fresh(seen, currentGeneration)) {
                return seen.value();
            }
            try {
                Kept<T> now = new Kept<>(read.get(), clock.instant(), currentGeneration);
                kept = now;
                return now.value();
            } catch (GatewayException e) {
                if (seen != null && clock.instant().isBefore(seen.readAt().plus(maxStale))) {
                    return seen.value();
                }
                throw e;
            }
        } finally {
            refreshing.unlock();
        }
    }

    void invalidate() {
        generation.incrementAndGet();
    }

    private boolean fresh(Kept<T> seen, long currentGeneration) {
        return seen.generation() == currentGeneration
                && clock.instant().isBefore(seen.readAt().plus(ttl));
    }
}

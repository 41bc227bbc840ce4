package dev.billing.core.config;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a failed inbox event is tried again: exponential backoff from {@code initial}, capped at {@code max}, parked
 * as failed after {@code maxAttempts} attempts.
 */
public record RetrySchedule(Duration initial, double factor, Duration max, int maxAttempts) {
    public RetrySchedule {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
        if (factor < 1.0) {
            throw new IllegalArgumentException("factor must be at least 1");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** 10 s, doubling, at most 1 h apart, parked after 12 attempts (about 9 hours in all). */
    public static RetrySchedule defaults() {
        return new RetrySchedule(Duration.ofSeconds(10), 2.0, Duration.ofHours(1), 12);
    }

    /**
     * @param attemptsSoFar attempts made, including the one that just failed (at least 1)
     * @return when to try again, or empty to park the event
     */
    public Optional<Instant> next(int attemptsSoFar, Instant now) {
        if (attemptsSoFar >= maxAttempts) {
            return Optional.empty();
        }
        double millis = initial.toMillis() * Math.pow(factor, Math.max(0, attemptsSoFar - 1));
        long delay = (long) Math.min(millis, (double) max.toMillis());
        return Optional.of(now.plusMillis(delay));
    }
}

package dev.billing.core.model;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stamps objects read from the gateway with {@link SourceVersion#refetch} versions that strictly increase within
 * this process (at least one microsecond apart), so a later read always outranks an earlier one even when the
 * clock has not visibly moved. Across processes the clocks order reads.
 *
 * <p>An adapter stamps a read when it sends it, and the answer to one of our own changes when that answer arrives:
 * the change then outranks every read sent before it came back, also one Stripe answered before the change whose
 * answer arrived after it (stamped on arrival, that read's older state would be put back over the change).
 *
 * <p>Usage: {@code SourceVersion v = stamps.next();} (one instance per gateway adapter)
 */
public final class RefetchStamps {
    private final Clock clock;
    private final AtomicLong lastMicros = new AtomicLong(Long.MIN_VALUE);

    public RefetchStamps(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public SourceVersion next() {
        Instant now = clock.instant();
        long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
        long stamped = lastMicros.updateAndGet(last -> Math.max(last + 1, micros));
        return SourceVersion.refetch(
                Instant.ofEpochSecond(Math.floorDiv(stamped, 1_000_000L), Math.floorMod(stamped, 1_000_000L) * 1_000));
    }
}

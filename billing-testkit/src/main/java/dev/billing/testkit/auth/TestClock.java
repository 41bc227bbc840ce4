package dev.billing.testkit.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that only moves when a test moves it. Thread-safe.
 *
 * <p>Usage: {@code TestClock clock = TestClock.at(Instant.parse("2026-01-01T00:00:00Z")); clock.advance(Duration.ofSeconds(31));}
 */
public final class TestClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private TestClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    public static TestClock at(Instant start) {
        return new TestClock(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    /** A clock starting at the current wall-clock second. */
    public static TestClock startingNow() {
        return at(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    }

    public TestClock advance(Duration by) {
        Objects.requireNonNull(by, "by");
        now.updateAndGet(t -> t.plus(by));
        return this;
    }

    public TestClock set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** Shares the same moving instant under another zone. */
    @Override
    public Clock withZone(ZoneId newZone) {
        return new TestClock(now, newZone);
    }
}

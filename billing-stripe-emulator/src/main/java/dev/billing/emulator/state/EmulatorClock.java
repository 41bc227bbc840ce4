package dev.billing.emulator.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The emulator's one source of time. Emulated time (object timestamps, billing periods, events)
 * starts at a configurable instant and moves with real time unless frozen, plus whatever
 * {@link #advance} added. Webhook signatures use the wall clock, because receivers verify the
 * signature tolerance against their own real clock, exactly as with Stripe test clocks.
 */
public final class EmulatorClock {
    private final Clock wall;
    private final boolean frozen;
    private final Object lock = new Object();
    private Instant base;
    private Instant wallAtBase;

    public EmulatorClock(Clock wall, Instant start, boolean frozen) {
        this.wall = wall;
        this.frozen = frozen;
        this.base = start == null ? wall.instant() : start;
        this.wallAtBase = wall.instant();
    }

    public Instant instant() {
        synchronized (lock) {
            if (frozen) {
                return base;
            }
            return base.plus(Duration.between(wallAtBase, wall.instant()));
        }
    }

    public long nowSeconds() {
        return instant().getEpochSecond();
    }

    /** Real time, for webhook signature timestamps and logs. */
    public Instant wallNow() {
        return wall.instant();
    }

    /** Moves emulated time to {@code target}; never backwards. */
    public void moveTo(Instant target) {
        synchronized (lock) {
            Instant now = instant();
            if (target.isAfter(now)) {
                base = target;
                wallAtBase = wall.instant();
            }
        }
    }

    /**
     * Restores a saved clock: a frozen clock stands at {@code emulatedAt}; a running one keeps the
     * lead it had over the wall clock at {@code wallAt} (and never goes back before {@code emulatedAt}).
     */
    void restore(Instant emulatedAt, Instant wallAt) {
        synchronized (lock) {
            Instant wallNow = wall.instant();
            Instant target = frozen ? emulatedAt : wallNow.plus(Duration.between(wallAt, emulatedAt));
            base = target.isBefore(emulatedAt) ? emulatedAt : target;
            wallAtBase = wallNow;
        }
    }

    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the emulator clock cannot go backwards");
        }
        moveTo(instant().plus(duration));
    }

    /** A read-only {@link Clock} view of emulated time. */
    public Clock asClock(ZoneId zone) {
        return new View(this, zone);
    }

    private static final class View extends Clock {
        private final EmulatorClock source;
        private final ZoneId zone;

        View(EmulatorClock source, ZoneId zone) {
            this.source = source;
            this.zone = zone;
        }

        @Override
        public Instant instant() {
            return source.instant();
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId newZone) {
            return new View(source, newZone);
        }
    }
}

package dev.billing.core.analytics;

import dev.billing.core.model.analytics.Analytics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Revenue analytics as the admin routes and the dashboard serve them: each figure is kept once computed and served
 * while it is younger than {@code maxAge}. Past half of that, a read still gets the kept figure and starts computing
 * it again in the background (one computation per figure at a time), so a dashboard looked at more often than every
 * half max age never waits; past {@code maxAge}, or never computed, the reader computes it while other readers of
 * the same figure wait for that result. The figures are whole-store aggregates that cost seconds at a million
 * subscriptions, so this bounds that cost per process whatever the number of readers, at the price of figures up to
 * {@code maxAge} old (each says when it was computed in its {@code asOf}). A zero {@code maxAge} computes every read.
 *
 * <p>A figure is as old as the older of its two ages: on the billing clock (a test clock moved forward makes figures
 * stale) and on the work clock (real time, so a frozen billing clock does not keep a figure forever).
 *
 * <p>Usage: {@code Analytics.Revenue r = billing.analytics().revenue();}
 */
public final class AnalyticsSnapshots implements AnalyticsFigures {
    private static final System.Logger LOG = System.getLogger(AnalyticsSnapshots.class.getName());

    private final RevenueAnalytics exact;
    private final Clock clock;
    private final Clock workClock;
    private final Duration maxAge;
    private final Duration refreshAfter;
    private final Executor refresher;
    private final Map<Key, Slot> slots = new ConcurrentHashMap<>();

    private record Key(String figure, int months) {}

    private record Kept(Object value, Instant billingTime, Instant workTime) {}

    private static final class Slot {
        private final ReentrantLock computing = new ReentrantLock();
        private final AtomicBoolean refreshing = new AtomicBoolean();
        private volatile Kept kept;
    }

    /**
     * @param exact     computes the figures
     * @param clock     the billing clock ({@link RevenueAnalytics}'s)
     * @param workClock real time
     * @param maxAge    how old a served figure may be; zero computes every read
     * @param refresher runs the computations ahead of expiry
     */
    public AnalyticsSnapshots(
            RevenueAnalytics exact, Clock clock, Clock workClock, Duration maxAge, Executor refresher) {
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative");
        }
        this.exact = exact;
        this.clock = clock;
        this.workClock = workClock;
        this.maxAge = maxAge;
        this.refreshAfter = maxAge.dividedBy(2);
        this.refresher = refresher;
    }

    /**
     * One daemon thread, started when a figure is first refreshed ahead and ended after 30 s idle: the computations
     * only read, so nothing needs to wait for them at shutdown.
     */
    public static Executor ownRefresher() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "billing-analytics-refresh");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The figures computed now whatever is kept when {@code fresh} (what {@code ?fresh=true} serves), else these. */
    public AnalyticsFigures figures(boolean fresh) {
        return fresh ? exact : this;
    }

    @Override
    public Analytics.Revenue revenue() {
        return get(new Key("revenue", 0), exact::revenue);
    }

    @Override
    public Analytics.SubscriptionBreakdown subscriptions() {
        return get(new Key("subscriptions", 0), exact::subscriptions);
    }

    /** As {@link RevenueAnalytics#movements(int)}; months out of range fail there, and nothing is kept for them. */
    @Override
    public Analytics.Movements movements(int months) {
        return inRange(months)
                ? get(new Key("movements", months), () -> exact.movements(months))
                : exact.movements(months);
    }

    @Override
    public Analytics.MrrHistory mrrHistory(int months) {
        return inRange(months) ? get(new Key("mrr", months), () -> exact.mrrHistory(months)) : exact.mrrHistory(months);
    }

    @Override
    public Analytics.Usage usage() {
        return get(new Key("usage", 0), exact::usage);
    }

    @SuppressWarnings("unchecked")
    private <T> T get(Key key, Supplier<T> compute) {
        if (maxAge.isZero()) {
            return compute.get();
        }
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        Kept seen = slot.kept;
        if (youngerThan(seen, maxAge)) {
            if (!youngerThan(seen, refreshAfter)) {
                refreshAhead(slot, compute);
            }
            return (T) seen.value();
        }
        slot.computing.lock();
        try {
            seen = slot.kept;
            if (youngerThan(seen, maxAge)) {
                return (T) seen.value();
            }
            return (T) compute(slot, compute);
        } finally {
            slot.computing.unlock();
        }
    }

    private void refreshAhead(Slot slot, Supplier<?> compute) {
        if (!slot.refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    slot.computing.lock();
                    try {
                        if (!youngerThan(slot.kept, refreshAfter)) {
                            compute(slot, compute);
                        }
                    } finally {
                        slot.computing.unlock();
                    }
                } catch (RuntimeException e) {
                    // The kept figure serves until it reaches maxAge; then a reader computes it and sees the error.
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "Refreshing revenue analytics failed ({0}); the kept figures serve at most {1} old",
                            e.getClass().getSimpleName(),
                            maxAge);
                } finally {
                    slot.refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            slot.refreshing.set(false);
        }
    }

    private Object compute(Slot slot, Supplier<?> compute) {
        Instant billingTime = clock.instant();
        Instant workTime = workClock.instant();
        Object value = compute.get();
        slot.kept = new Kept(value, billingTime, workTime);
        return value;
    }

    private static boolean inRange(int months) {
        return months >= 1 && months <= RevenueAnalytics.MAX_MONTHS;
    }

    /** A billing clock set back before the figure was computed makes it stale too. */
    private boolean youngerThan(Kept kept, Duration age) {
        if (kept == null) {
            return false;
        }
        Instant now = clock.instant();
        return !now.isBefore(kept.billingTime())
                && now.isBefore(kept.billingTime().plus(age))
                && workClock.instant().isBefore(kept.workTime().plus(age));
    }
}

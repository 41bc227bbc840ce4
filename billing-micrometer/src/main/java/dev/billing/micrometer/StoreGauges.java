package dev.billing.micrometer;

import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.port.BillingStores;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Gauges read from the store: {@code billing.webhook.inbox{status}} (the exact number of pending and of failed inbox
 * entries, the backlog alerts read), {@code billing.meter.reports.pending} (usage not yet reported to Stripe) and
 * {@code billing.meter.reports.unbillable} (those of them too old for Stripe to take: that usage needs billing
 * another way). Values are cached for a few seconds so that a scrape never hammers the store; a failed read reports
 * NaN. The registry holds the gauges' state strongly: Micrometer holds a gauge's object weakly by default, and nothing
 * else refers to this one.
 *
 * <p>A scrape never waits on the store for long: the store is read on a thread of its own, and a gauge waits at most
 * {@link #READ_WAIT} for that read, then answers the values of the last read that finished (NaN before the first).
 * While the store does not answer, each read waits out the store's own timeouts (three reads of the Postgres pool's 3
 * s connection timeout); a scrape that waited for them would outlast Prometheus' scrape timeout, and every other
 * metric would be lost with it, just when the outage needs them.
 *
 * <p>Processed and ignored entries have no gauge: they pile up until retention prunes them, so counting them reads
 * millions of index entries on every scrape, and a count capped to stay cheap would flatten at the cap, which no
 * graph or alert can tell from a real value. The inbox's flow shows in the counters {@code billing.webhook.deliveries}
 * and {@code billing.worker.events}.
 *
 * <p>Usage: {@code StoreGauges.register(stores, registry, Duration.ofSeconds(5), clock);}
 */
public final class StoreGauges {
    private static final System.Logger LOG = System.getLogger(StoreGauges.class.getName());

    /** The statuses gauged: small in health, and their exact backlog is what an outage needs to know. */
    static final Set<InboxStatus> GAUGED =
            Collections.unmodifiableSet(EnumSet.of(InboxStatus.PENDING, InboxStatus.FAILED));

    /** The longest a gauge waits for a read of the store; a healthy store answers in milliseconds. */
    public static final Duration READ_WAIT = Duration.ofSeconds(1);

    private final BillingStores stores;
    private final Clock clock;
    private final long ttlNanos;
    private final long readWaitNanos;
    /** When the last read started; guarded by this. */
    private long readAt;
    /** The read running now, null when none; guarded by this. */
    private CountDownLatch reading;

    private volatile Values values = Values.UNREAD;

    /** What one read of the store found; a null map or NaN where that part could not be read. */
    private record Values(Map<InboxStatus, Long> counts, double pending, double unbillable) {
        static final Values UNREAD = new Values(null, Double.NaN, Double.NaN);
    }

    private StoreGauges(BillingStores stores, Duration ttl, Clock clock, Duration readWait) {
        this.stores = stores;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttlNanos = ttl.toNanos();
        this.readWaitNanos = readWait.toNanos();
    }

    /** Registers the gauges; the registry keeps them (and the store) for as long as it lives. */
    public static StoreGauges register(BillingStores stores, MeterRegistry registry, Duration ttl) {
        return register(stores, registry, ttl, Clock.systemUTC());
    }

    /** The same, with billing's clock: which meter reports are too old for Stripe is a matter of billing time. */
    public static StoreGauges register(BillingStores stores, MeterRegistry registry, Duration ttl, Clock clock) {
        return register(stores, registry, ttl, clock, READ_WAIT);
    }

    /** With another wait: tests that read values, not timing, wait for every read. */
    static StoreGauges register(
            BillingStores stores, MeterRegistry registry, Duration ttl, Clock clock, Duration readWait) {
        StoreGauges gauges = new StoreGauges(stores, ttl, clock, readWait);
        for (InboxStatus status : GAUGED) {
            Gauge.builder("billing.webhook.inbox", gauges, g -> g.count(status))
                    .description("Webhook inbox entries pending or failed")
                    .tag("status", status.wireName())
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("billing.meter.reports.pending", gauges, StoreGauges::pendingReports)
                .description("Meter reports not yet accepted by Stripe")
                .strongReference(true)
                .register(registry);
        Gauge.builder("billing.meter.reports.unbillable", gauges, StoreGauges::unbillableReports)
                .description("Meter reports not accepted by Stripe and too old for it to take")
                .strongReference(true)
                .register(registry);
        return gauges;
    }

    double count(InboxStatus status) {
        Map<InboxStatus, Long> counts = current().counts();
        return counts == null ? Double.NaN : counts.getOrDefault(status, 0L);
    }

    double pendingReports() {
        return current().pending();
    }

    double unbillableReports() {
        return current().unbillable();
    }

    /**
     * The last values read, after starting a read when they are older than the ttl. It waits for a read until
     * {@link #READ_WAIT} after the read started, not after each gauge asked: the gauges of one scrape wait once.
     */
    private Values current() {
        CountDownLatch read;
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            if (reading == null && (values == Values.UNREAD || now - readAt >= ttlNanos)) {
                readAt = now;
                CountDownLatch done = new CountDownLatch(1);
                Thread reader = new Thread(() -> read(done), "billing-store-gauges");
                reader.setDaemon(true); // a read waiting on a store that is gone never holds the JVM's exit
                reader.start(); // throws before reading is set if no thread can be had: the next scrape tries again
                reading = done;
            }
            read = reading;
            waitNanos = readWaitNanos - (now - readAt);
        }
        if (read != null && waitNanos > 0) {
            try {
                read.await(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return values;
    }

    private void read(CountDownLatch done) {
        try {
            values = new Values(counts(), pending(), unbillable());
        } finally {
            synchronized (this) {
                reading = null;
            }
            done.countDown();
        }
    }

    private Map<InboxStatus, Long> counts() {
        try {
            // Exact, and cheap while the backlog is small: each status is read along its own index range.
            return new EnumMap<>(
                    stores.inbox().countUpTo(GAUGED, InboxCounts.EXACT).counts());
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "Inbox counts unavailable: {0}",
                    e.getClass().getSimpleName());
            return null;
        }
    }

    private double pending() {
        try {
            return stores.usage().pendingReports();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double unbillable() {
        try {
            return stores.usage().pendingReportsCountedBefore(clock.instant().minus(MeterReport.UNBILLABLE_AGE));
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}

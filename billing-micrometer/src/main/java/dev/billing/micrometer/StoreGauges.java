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

/**
 * Gauges read from the store: {@code billing.webhook.inbox{status}} (the exact number of pending and of failed inbox
 * entries, the backlog alerts read), {@code billing.meter.reports.pending} (usage not yet reported to Stripe) and
 * {@code billing.meter.reports.unbillable} (those of them too old for Stripe to take: that usage needs billing
 * another way). Values are cached for a few seconds so that a scrape never hammers the store; a failed read reports
 * NaN. The registry holds the gauges' state strongly: Micrometer holds a gauge's object weakly by default, and nothing
 * else refers to this one.
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

    private final BillingStores stores;
    private final Clock clock;
    private final long ttlNanos;
    private long readAt;
    private boolean fresh;
    /** Null while the store cannot be read. */
    private Map<InboxStatus, Long> counts;

    private double pending = Double.NaN;
    private double unbillable = Double.NaN;

    private StoreGauges(BillingStores stores, Duration ttl, Clock clock) {
        this.stores = stores;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttlNanos = ttl.toNanos();
    }

    /** Registers the gauges; the registry keeps them (and the store) for as long as it lives. */
    public static StoreGauges register(BillingStores stores, MeterRegistry registry, Duration ttl) {
        return register(stores, registry, ttl, Clock.systemUTC());
    }

    /** The same, with billing's clock: which meter reports are too old for Stripe is a matter of billing time. */
    public static StoreGauges register(BillingStores stores, MeterRegistry registry, Duration ttl, Clock clock) {
        StoreGauges gauges = new StoreGauges(stores, ttl, clock);
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

    synchronized double count(InboxStatus status) {
        refresh();
        if (counts == null) {
            return Double.NaN;
        }
        return counts.getOrDefault(status, 0L);
    }

    synchronized double pendingReports() {
        refresh();
        return pending;
    }

    synchronized double unbillableReports() {
        refresh();
        return unbillable;
    }

    private void refresh() {
        long now = System.nanoTime();
        if (fresh && now - readAt < ttlNanos) {
            return;
        }
        readAt = now;
        fresh = true;
        try {
            // Exact, and cheap while the backlog is small: each status is read along its own index range.
            counts = new EnumMap<>(
                    stores.inbox().countUpTo(GAUGED, InboxCounts.EXACT).counts());
        } catch (RuntimeException e) {
            counts = null;
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "Inbox counts unavailable: {0}",
                    e.getClass().getSimpleName());
        }
        try {
            pending = stores.usage().pendingReports();
        } catch (RuntimeException e) {
            pending = Double.NaN;
        }
        try {
            unbillable =
                    stores.usage().pendingReportsCountedBefore(clock.instant().minus(MeterReport.UNBILLABLE_AGE));
        } catch (RuntimeException e) {
            unbillable = Double.NaN;
        }
    }
}

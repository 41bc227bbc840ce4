package dev.billing.micrometer;

import dev.billing.core.port.WorkObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the core's background work on a meter registry: {@code billing.worker.events},
 * {@code billing.worker.meter.reports}, {@code billing.worker.failures}; and the duplicate live subscriptions found,
 * {@code billing.subscriptions.duplicates} tagged {@code handling} ({@code cancel} or {@code flag}), once each; and
 * the rows retention deleted, {@code billing.retention.deleted} tagged {@code kind}; and the Stripe events created
 * after they arrived by this host's clock, {@code billing.clock.behind.stripe}, a timer of how far behind Stripe's
 * that shows the clock to be (its count the events, its max the largest lead).
 *
 * <p>Usage: {@code Billing.builder()...observer(new WorkMetrics(registry))}
 */
public final class WorkMetrics implements WorkObserver {
    private final Counter processed;
    private final Counter reported;
    private final Counter failures;
    private final Timer behindStripe;
    private final MeterRegistry registry;
    private final Map<String, Counter> duplicates = new ConcurrentHashMap<>();
    private final Map<String, Counter> pruned = new ConcurrentHashMap<>();

    public WorkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.processed = Counter.builder("billing.worker.events")
                .description("Inbox events claimed by the worker")
                .register(registry);
        this.reported = Counter.builder("billing.worker.meter.reports")
                .description("Meter reports Stripe accepted")
                .register(registry);
        this.failures = Counter.builder("billing.worker.failures")
                .description("Worker runs that failed")
                .register(registry);
        this.behindStripe = Timer.builder("billing.clock.behind.stripe")
                .description("Stripe events created after they arrived by this host's clock, by how much")
                .register(registry);
        // Registered at zero, so that an alert on any increase has a series to watch from the start.
        duplicateCounter("cancel");
        duplicateCounter("flag");
        for (String kind : new String[] {"inbox_events", "usage_keys", "notices", "meter_reports", "usage_counters"}) {
            prunedCounter(kind);
        }
    }

    private Counter prunedCounter(String kind) {
        return pruned.computeIfAbsent(
                kind,
                k -> Counter.builder("billing.retention.deleted")
                        .description("Rows the retention passes deleted, by kind")
                        .tag("kind", k)
                        .register(registry));
    }

    @Override
    public void pruned(String kind, long rows) {
        prunedCounter(kind).increment(rows);
    }

    private Counter duplicateCounter(String handling) {
        return duplicates.computeIfAbsent(
                handling,
                h -> Counter.builder("billing.subscriptions.duplicates")
                        .description("Parties found holding a second live subscription")
                        .tag("handling", h)
                        .register(registry));
    }

    @Override
    public void duplicateSubscription(String handling) {
        duplicateCounter(handling).increment();
    }

    @Override
    public void inboxRun(int claimed) {
        processed.increment(claimed);
    }

    @Override
    public void meterReportsSent(int accepted) {
        reported.increment(accepted);
    }

    @Override
    public void clockBehindStripe(Duration lead) {
        behindStripe.record(lead);
    }

    @Override
    public void runFailed(String work, RuntimeException failure) {
        failures.increment();
    }
}

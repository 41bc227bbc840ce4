package dev.billing.micrometer;

import dev.billing.core.port.WorkObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the core's background work on a meter registry: {@code billing.worker.events},
 * {@code billing.worker.meter.reports}, {@code billing.worker.failures}.
 *
 * <p>Usage: {@code Billing.builder()...observer(new WorkMetrics(registry))}
 */
public final class WorkMetrics implements WorkObserver {
    private final Counter processed;
    private final Counter reported;
    private final Counter failures;

    public WorkMetrics(MeterRegistry registry) {
        this.processed = Counter.builder("billing.worker.events").description("Inbox events claimed by the worker")
                .register(registry);
        this.reported = Counter.builder("billing.worker.meter.reports")
                .description("Meter reports Stripe accepted").register(registry);
        this.failures = Counter.builder("billing.worker.failures").description("Worker runs that failed")
                .register(registry);
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
    public void runFailed(String work, RuntimeException failure) {
        failures.increment();
    }
}

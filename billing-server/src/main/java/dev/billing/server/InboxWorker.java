package dev.billing.server;

import dev.billing.core.Billing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The background worker: every second it processes due webhook inbox events (those not processed inline, and
 * retries) in batches until none is due (a backlog is worked off without pause), the events of a batch {@value #PARALLELISM} at a time; every few seconds it
 * drains the meter-report outbox to Stripe (on its own scheduler thread, so a backlog of events does not hold it
 * up). Failures are logged and counted, never fatal. {@link #close()} lets a
 * running batch finish (up to a timeout).
 *
 * <p>Usage: {@code try (InboxWorker worker = InboxWorker.start(billing, registry, Duration.ofSeconds(1), Duration.ofSeconds(5))) { ... }}
 */
public final class InboxWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InboxWorker.class);
    static final int BATCH = 50;
    /** Events of one batch processed at once: each waits on Postgres (and Stripe when re-fetching) most of the time. */
    static final int PARALLELISM = 8;

    private final Billing billing;
    /** Set by {@link #close()}: a long backlog stops after the batch in hand. */
    private volatile boolean closing;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService processors;
    private final Counter processed;
    private final Counter reported;
    private final Counter failures;

    private InboxWorker(Billing billing, MeterRegistry registry) {
        this.billing = billing;
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "billing-worker");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger threads = new AtomicInteger();
        this.processors = Executors.newFixedThreadPool(PARALLELISM, r -> {
            Thread t = new Thread(r, "billing-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.processed = Counter.builder("billing.worker.events").description("Inbox events claimed by the worker")
                .register(registry);
        this.reported = Counter.builder("billing.worker.meter.reports")
                .description("Meter reports Stripe accepted").register(registry);
        this.failures = Counter.builder("billing.worker.failures").description("Worker runs that failed")
                .register(registry);
    }

    public static InboxWorker start(Billing billing, MeterRegistry registry, Duration inboxEvery,
                                    Duration meterEvery) {
        InboxWorker worker = new InboxWorker(billing, registry);
        worker.scheduler.scheduleWithFixedDelay(worker::processInbox, inboxEvery.toMillis(), inboxEvery.toMillis(),
                TimeUnit.MILLISECONDS);
        worker.scheduler.scheduleWithFixedDelay(worker::drainMeterReports, meterEvery.toMillis(),
                meterEvery.toMillis(), TimeUnit.MILLISECONDS);
        return worker;
    }

    void processInbox() {
        try {
            while (!closing && !Thread.currentThread().isInterrupted()) {
                int claimed = billing.processDueEvents(BATCH, processors);
                processed.increment(claimed);
                if (claimed < BATCH) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warn("Inbox worker run failed: {}: {}", e.getClass().getSimpleName(), e.getMessage());
        }
    }

    void drainMeterReports() {
        try {
            reported.increment(billing.useCases().reportMeterUsage().drain(100));
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warn("Meter report run failed: {}: {}", e.getClass().getSimpleName(), e.getMessage());
        }
    }

    @Override
    public void close() {
        closing = true;
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            processors.shutdown();
        }
    }
}

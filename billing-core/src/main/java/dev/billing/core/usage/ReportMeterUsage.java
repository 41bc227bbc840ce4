package dev.billing.core.usage;

import dev.billing.core.config.RetrySchedule;
import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.UsageLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drains the meter-report outbox to Stripe Billing Meters. Each report carries its identifier, so Stripe counts
 * it once however often it is sent; failures are retried on the schedule, so a Stripe outage delays reporting and
 * loses nothing. Stripe refuses a meter event more than 35 days after its timestamp, so a report that old is no longer
 * sent: it stays in the outbox, counted by {@link UsageLedger#pendingReportsCountedBefore}, for its usage to be billed
 * another way. When Stripe fails a report for a reason of its own (down, too slow to answer, or limiting the rate),
 * the run sends none of the reports it claimed after it: they wait with that report, so an outage costs one call per
 * run instead of one (perhaps a timeout) per report, and a 429's {@code Retry-After} is honoured.
 *
 * <p>Usage: {@code int sent = reportMeterUsage.drain(100, senders);} (the server calls it every few seconds, and
 * again at once while a run sends all it claimed)
 */
public final class ReportMeterUsage {
    private static final Duration LEASE = Duration.ofSeconds(60);

    /** When a report too old to send is looked at again: it never becomes sendable, so rarely. */
    static final Duration UNBILLABLE_RECHECK = Duration.ofDays(1);

    static final String UNBILLABLE_ERROR = "too_old: Stripe takes a meter event only up to 35 days after its"
            + " timestamp, so this usage is not sent; bill it another way";

    static final String NOT_SENT_ERROR = "not_sent: Stripe failed the report sent before it in the same run (%s); it"
            + " is sent again with that one";

    private final PaymentGateway gateway;
    private final UsageLedger ledger;
    private final RetrySchedule schedule;
    private final Clock clock;

    public ReportMeterUsage(PaymentGateway gateway, UsageLedger ledger, RetrySchedule schedule, Clock clock) {
        this.gateway = gateway;
        this.ledger = ledger;
        this.schedule = schedule;
        this.clock = clock;
    }

    /** Sends up to {@code max} due reports, one after the other; returns how many Stripe accepted. */
    public int drain(int max) {
        return drain(max, Runnable::run);
    }

    /**
     * Sends up to {@code max} due reports, the first alone and the others side by side on {@code senders} (as many at
     * once as it has threads), returning once every one is done: a call to Stripe mostly waits, so one at a time
     * would bound the outbox's drain by Stripe's latency. The first report goes alone so that an outage still costs
     * one call per run; a report not yet sent when Stripe fails another waits with it.
     *
     * @return how many Stripe accepted
     */
    public int drain(int max, Executor senders) {
        Run run = new Run();
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        boolean first = true;
        for (MeterReport report : ledger.claimReports(max, clock.instant(), LEASE)) {
            Instant claimed = clock.instant();
            if (report.event().timestamp().isBefore(claimed.minus(MeterReport.UNBILLABLE_AGE))) {
                // A call Stripe is sure to refuse would only spend its rate limit.
                ledger.retryReport(report.identifier(), UNBILLABLE_ERROR, claimed.plus(UNBILLABLE_RECHECK));
                continue;
            }
            if (first) {
                first = false;
                send(report, run);
                continue;
            }
            sending.add(sendOn(senders, report, run));
        }
        RuntimeException failure = null;
        for (CompletableFuture<Void> one : sending) {
            try {
                one.join();
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return run.sent.get();
    }

    private CompletableFuture<Void> sendOn(Executor senders, MeterReport report, Run run) {
        try {
            return CompletableFuture.runAsync(() -> send(report, run), senders);
        } catch (RejectedExecutionException e) {
            // The senders are closing (the host shuts down): this one is sent here rather than left leased.
            send(report, run);
            return CompletableFuture.completedFuture(null);
        }
    }

    private void send(MeterReport report, Run run) {
        Run.Failed failed = run.failed.get();
        if (failed != null) {
            ledger.retryReport(
                    report.identifier(), NOT_SENT_ERROR.formatted(failed.error().code()), failed.resumeAt());
            return;
        }
        try {
            gateway.reportMeterEvent(report.event());
            ledger.markReported(report.identifier(), clock.instant());
            run.sent.incrementAndGet();
        } catch (GatewayException e) {
            Instant next = nextAttempt(report, e, clock.instant());
            ledger.retryReport(report.identifier(), e.code() + ": " + e.getMessage(), next);
            if (stripeWide(e)) {
                run.failed.compareAndSet(null, new Run.Failed(e, next));
            }
        }
    }

    /** One drain's tally, and the first failure of Stripe's own that holds the reports not yet sent. */
    private static final class Run {
        private record Failed(GatewayException error, Instant resumeAt) {}

        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicReference<Failed> failed = new AtomicReference<>();
    }

    private Instant nextAttempt(MeterReport report, GatewayException e, Instant now) {
        // Reports are never parked while Stripe may still take them: usage owed must eventually be billed.
        Instant next = schedule.next(Math.min(report.attempts(), schedule.maxAttempts() - 1), now)
                .orElse(now.plus(schedule.max()));
        if (e instanceof GatewayRateLimitedException limited && next.isBefore(now.plus(limited.retryAfter()))) {
            return now.plus(limited.retryAfter());
        }
        return next;
    }

    /** A failure that says nothing about the report and would meet the next one too. */
    private static boolean stripeWide(GatewayException e) {
        return e instanceof GatewayUnavailableException
                || e instanceof GatewayRateLimitedException
                || e instanceof GatewayOutcomeUnknownException;
    }
}

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

/**
 * Drains the meter-report outbox to Stripe Billing Meters. Each report carries its identifier, so Stripe counts
 * it once however often it is sent; failures are retried on the schedule, so a Stripe outage delays reporting and
 * loses nothing. Stripe refuses a meter event more than 35 days after its timestamp, so a report that old is no longer
 * sent: it stays in the outbox, counted by {@link UsageLedger#pendingReportsCountedBefore}, for its usage to be billed
 * another way. When Stripe fails a report for a reason of its own (down, too slow to answer, or limiting the rate),
 * the run sends none of the reports it claimed after it: they wait with that report, so an outage costs one call per
 * run instead of one (perhaps a timeout) per report, and a 429's {@code Retry-After} is honoured.
 *
 * <p>Usage: {@code int sent = reportMeterUsage.drain(100);} (the server calls it every few seconds)
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

    /** Sends up to {@code max} due reports; returns how many Stripe accepted. */
    public int drain(int max) {
        int sent = 0;
        GatewayException stripeFailed = null;
        Instant resumeAt = null;
        for (MeterReport report : ledger.claimReports(max, clock.instant(), LEASE)) {
            Instant claimed = clock.instant();
            if (report.event().timestamp().isBefore(claimed.minus(MeterReport.UNBILLABLE_AGE))) {
                // A call Stripe is sure to refuse would only spend its rate limit.
                ledger.retryReport(report.identifier(), UNBILLABLE_ERROR, claimed.plus(UNBILLABLE_RECHECK));
                continue;
            }
            if (stripeFailed != null) {
                ledger.retryReport(report.identifier(), NOT_SENT_ERROR.formatted(stripeFailed.code()), resumeAt);
                continue;
            }
            try {
                gateway.reportMeterEvent(report.event());
                ledger.markReported(report.identifier(), clock.instant());
                sent++;
            } catch (GatewayException e) {
                Instant next = nextAttempt(report, e, clock.instant());
                ledger.retryReport(report.identifier(), e.code() + ": " + e.getMessage(), next);
                if (stripeWide(e)) {
                    stripeFailed = e;
                    resumeAt = next;
                }
            }
        }
        return sent;
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

package dev.billing.server;

import dev.billing.core.config.RetentionOptions;
import java.time.Duration;
import java.util.Optional;

/**
 * How long the store keeps what grows without end, read from the {@code BILLING_RETENTION_*} variables into
 * {@link RetentionOptions} (docs/OPERATIONS.md, "Retention"): whole days, {@code 0} to keep forever.
 *
 * <p>Usage: {@code RetentionOptions retention = RetentionSettings.read(reader);} (the defaults, with any problem in
 * the reader)
 */
final class RetentionSettings {
    static final String INBOX_DAYS = "BILLING_RETENTION_INBOX_DAYS";
    static final String USAGE_KEYS_DAYS = "BILLING_RETENTION_USAGE_KEYS_DAYS";
    static final String NOTICES_DAYS = "BILLING_RETENTION_NOTICES_DAYS";
    static final String METER_REPORTS_DAYS = "BILLING_RETENTION_METER_REPORTS_DAYS";
    static final String USAGE_COUNTERS_DAYS = "BILLING_RETENTION_USAGE_COUNTERS_DAYS";
    private static final int MAX_DAYS = 36_500;

    private RetentionSettings() {}

    static RetentionOptions read(EnvReader r) {
        RetentionOptions defaults = RetentionOptions.defaults();
        return defaults.withInboxEvents(days(
                        r,
                        INBOX_DAYS,
                        defaults.inboxEvents(),
                        RetentionOptions.MIN_INBOX_EVENTS,
                        "a handled event's row is what makes Stripe's redelivery of it, retried for up to 3 days, a "
                                + "duplicate"))
                .withUsageKeys(days(
                        r,
                        USAGE_KEYS_DAYS,
                        defaults.usageKeys(),
                        RetentionOptions.MIN_USAGE_KEYS,
                        "a client's retry must still find its key"))
                .withNotices(days(
                        r,
                        NOTICES_DAYS,
                        defaults.notices(),
                        RetentionOptions.MIN_NOTICES,
                        "an event Stripe sends again (it keeps events 30 days) finds its notice and is not mailed "
                                + "twice"))
                .withMeterReports(days(
                        r,
                        METER_REPORTS_DAYS,
                        defaults.meterReports(),
                        RetentionOptions.MIN_METER_REPORTS,
                        "an export shows what was sent lately"))
                .withUsageCounters(days(
                        r,
                        USAGE_COUNTERS_DAYS,
                        defaults.usageCounters(),
                        RetentionOptions.MIN_USAGE_COUNTERS,
                        "a renewal learned of late still reads the period before it"));
    }

    /** The summary line: each kind's days, or "kept". */
    static String describe(RetentionOptions retention) {
        return "handled events " + days(retention.inboxEvents()) + ", usage keys " + days(retention.usageKeys())
                + ", notices " + days(retention.notices()) + ", sent meter reports " + days(retention.meterReports())
                + ", usage counters " + days(retention.usageCounters()) + " after their period";
    }

    private static String days(Optional<Duration> keep) {
        return keep.map(d -> d.toDays() + " days").orElse("kept forever");
    }

    private static Optional<Duration> days(
            EnvReader r, String name, Optional<Duration> fallback, Duration min, String why) {
        int days =
                r.integer(name, Math.toIntExact(fallback.map(Duration::toDays).orElse(0L)), 0, MAX_DAYS);
        if (days == 0) {
            return Optional.empty();
        }
        if (days < min.toDays()) {
            r.problem(name + ": must be 0 (keep forever) or at least " + min.toDays() + " (" + why + "); got " + days);
            return fallback;
        }
        return Optional.of(Duration.ofDays(days));
    }
}

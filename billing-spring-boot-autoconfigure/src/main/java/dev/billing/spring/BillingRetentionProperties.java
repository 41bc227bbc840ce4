package dev.billing.spring;

import dev.billing.core.config.RetentionOptions;
import java.time.Duration;
import java.util.Optional;
import org.springframework.validation.Errors;

/**
 * How long the store keeps what grows without end (docs/OPERATIONS.md, "Retention"); a started billing deletes what
 * is older, a batch at a time, every hour. {@code 0} keeps that kind forever.
 */
public class BillingRetentionProperties {
    /**
     * Handled (processed or ignored) webhook events, from their receipt: 0, or at least 7 days (an event's row is what
     * makes Stripe's redelivery of it a duplicate).
     */
    private Duration inboxEvents = Duration.ofDays(30);

    /** Usage idempotency keys, from their first use (a retry with an older key counts again): 0, or at least a day. */
    private Duration usageKeys = Duration.ofDays(7);

    /**
     * Rows of the notice log, from the attempt: 0, or at least 30 days (an event Stripe sends again finds its notice
     * and is not mailed twice).
     */
    private Duration notices = Duration.ofDays(365);

    /**
     * Meter reports Stripe accepted, from then: 0, or at least a day. Reports not yet accepted are kept whatever
     * their age.
     */
    private Duration meterReports = Duration.ofDays(90);

    /**
     * Usage counters, from the end of their period: 0, or at least 31 days. Quotas read only the periods running
     * now.
     */
    private Duration usageCounters = Duration.ofDays(400);

    void validate(Errors errors) {
        check(errors, "retention.inboxEvents", inboxEvents, RetentionOptions.MIN_INBOX_EVENTS);
        check(errors, "retention.usageKeys", usageKeys, RetentionOptions.MIN_USAGE_KEYS);
        check(errors, "retention.notices", notices, RetentionOptions.MIN_NOTICES);
        check(errors, "retention.meterReports", meterReports, RetentionOptions.MIN_METER_REPORTS);
        check(errors, "retention.usageCounters", usageCounters, RetentionOptions.MIN_USAGE_COUNTERS);
    }

    private static void check(Errors errors, String field, Duration value, Duration min) {
        if (value == null || value.isNegative() || (!value.isZero() && value.compareTo(min) < 0)) {
            errors.rejectValue(field, "range", "must be 0 (keep forever) or at least " + min.toDays() + " day(s)");
        }
    }

    RetentionOptions options() {
        return RetentionOptions.defaults()
                .withInboxEvents(keep(inboxEvents))
                .withUsageKeys(keep(usageKeys))
                .withNotices(keep(notices))
                .withMeterReports(keep(meterReports))
                .withUsageCounters(keep(usageCounters));
    }

    private static Optional<Duration> keep(Duration value) {
        return value.isZero() ? Optional.empty() : Optional.of(value);
    }

    public Duration getInboxEvents() {
        return inboxEvents;
    }

    public void setInboxEvents(Duration inboxEvents) {
        this.inboxEvents = inboxEvents;
    }

    public Duration getUsageKeys() {
        return usageKeys;
    }

    public void setUsageKeys(Duration usageKeys) {
        this.usageKeys = usageKeys;
    }

    public Duration getNotices() {
        return notices;
    }

    public void setNotices(Duration notices) {
        this.notices = notices;
    }

    public Duration getMeterReports() {
        return meterReports;
    }

    public void setMeterReports(Duration meterReports) {
        this.meterReports = meterReports;
    }

    public Duration getUsageCounters() {
        return usageCounters;
    }

    public void setUsageCounters(Duration usageCounters) {
        this.usageCounters = usageCounters;
    }
}

package dev.billing.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long the stores keep what grows without end (docs/OPERATIONS.md, "Retention"): handled webhook events, usage
 * idempotency keys, the notice log, meter reports already sent to Stripe and the usage counters of periods long over.
 * A started {@link dev.billing.core.Billing} deletes what is older, in batches, every {@code every}. An empty duration
 * keeps that kind of row forever.
 *
 * <p>Usage: {@code RetentionOptions.defaults().withInboxEvents(Optional.of(Duration.ofDays(90)))}
 *
 * @param inboxEvents handled (processed or ignored) webhook events, counted from their receipt. At least
 *                    {@link #MIN_INBOX_EVENTS}: an event's row is what makes Stripe's redelivery of it (retried for up
 *                    to three days) a duplicate. Pending and parked events are kept whatever their age.
 * @param usageKeys   usage idempotency keys, counted from their first use: a retry with a key older than this counts
 *                    again. At least one day (Stripe keeps its own idempotency keys 24 hours).
 * @param notices     rows of the notice log, counted from the attempt. At least {@link #MIN_NOTICES}: an event Stripe
 *                    sends again after retention deleted its inbox row is kept from mailing twice by its notice's row.
 * @param meterReports meter reports Stripe accepted, counted from then. Reports not yet accepted are kept whatever
 *                    their age: they are what is still to be billed.
 * @param usageCounters usage counters, counted from the end of their period. Quotas read the periods running now only;
 *                    an older counter is history, shown in the account's export. At least {@link #MIN_USAGE_COUNTERS}.
 * @param batch       rows deleted per statement: each is a short transaction of its own, so ingest never waits long
 * @param every       pause between two passes
 */
public record RetentionOptions(
        Optional<Duration> inboxEvents,
        Optional<Duration> usageKeys,
        Optional<Duration> notices,
        Optional<Duration> meterReports,
        Optional<Duration> usageCounters,
        int batch,
        Duration every) {
    public static final Duration MIN_INBOX_EVENTS = Duration.ofDays(7);
    public static final Duration MIN_USAGE_KEYS = Duration.ofDays(1);
    /** Stripe keeps events 30 days: one sent again after its inbox row went finds its notice in the log. */
    public static final Duration MIN_NOTICES = Duration.ofDays(30);

    public static final Duration MIN_METER_REPORTS = Duration.ofDays(1);
    /** A counter goes no sooner than a month after its period ends: a renewal learned of late reads the one before. */
    public static final Duration MIN_USAGE_COUNTERS = Duration.ofDays(31);

    public RetentionOptions {
        atLeast(inboxEvents, MIN_INBOX_EVENTS, "inboxEvents");
        atLeast(usageKeys, MIN_USAGE_KEYS, "usageKeys");
        atLeast(notices, MIN_NOTICES, "notices");
        atLeast(meterReports, MIN_METER_REPORTS, "meterReports");
        atLeast(usageCounters, MIN_USAGE_COUNTERS, "usageCounters");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1");
        }
        Objects.requireNonNull(every, "every");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("every must be positive");
        }
    }

    /**
     * Handled events 30 days, usage keys 7 days, notices 365 days, sent meter reports 90 days, usage counters 400 days
     * after their period; 1,000 rows a batch, a pass every hour.
     */
    public static RetentionOptions defaults() {
        return new RetentionOptions(
                Optional.of(Duration.ofDays(30)),
                Optional.of(Duration.ofDays(7)),
                Optional.of(Duration.ofDays(365)),
                Optional.of(Duration.ofDays(90)),
                Optional.of(Duration.ofDays(400)),
                1_000,
                Duration.ofHours(1));
    }

    /** Keeps everything (the behaviour before retention existed). */
    public static RetentionOptions keepEverything() {
        return new RetentionOptions(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                1_000,
                Duration.ofHours(1));
    }

    public RetentionOptions withInboxEvents(Optional<Duration> value) {
        return new RetentionOptions(value, usageKeys, notices, meterReports, usageCounters, batch, every);
    }

    public RetentionOptions withUsageKeys(Optional<Duration> value) {
        return new RetentionOptions(inboxEvents, value, notices, meterReports, usageCounters, batch, every);
    }

    public RetentionOptions withNotices(Optional<Duration> value) {
        return new RetentionOptions(inboxEvents, usageKeys, value, meterReports, usageCounters, batch, every);
    }

    public RetentionOptions withMeterReports(Optional<Duration> value) {
        return new RetentionOptions(inboxEvents, usageKeys, notices, value, usageCounters, batch, every);
    }

    public RetentionOptions withUsageCounters(Optional<Duration> value) {
        return new RetentionOptions(inboxEvents, usageKeys, notices, meterReports, value, batch, every);
    }

    public RetentionOptions withBatch(int value) {
        return new RetentionOptions(inboxEvents, usageKeys, notices, meterReports, usageCounters, value, every);
    }

    public RetentionOptions withEvery(Duration value) {
        return new RetentionOptions(inboxEvents, usageKeys, notices, meterReports, usageCounters, batch, value);
    }

    private static void atLeast(Optional<Duration> value, Duration min, String name) {
        Objects.requireNonNull(value, name);
        value.ifPresent(d -> {
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException(name + " must be at least " + min.toDays()
                        + " day(s), or empty to keep them forever; got " + d);
            }
        });
    }
}

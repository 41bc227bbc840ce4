package dev.billing.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link dev.billing.core.Billing#start()} runs the core's background work, with production defaults.
 *
 * <p>Usage: {@code BackgroundOptions.defaults().withInboxEvery(Duration.ofMillis(200))}
 *
 * @param inboxEvery        pause between two runs over the due inbox events (retries, and events no request
 *                          processed); a run works a backlog off in batches without pausing
 * @param inboxBatch        events claimed per batch
 * @param inboxParallelism  events of a batch processed at once (each mostly waits on the store or Stripe)
 * @param meterReportsEvery pause between two drains of the meter-report outbox to Stripe
 * @param meterReportsBatch reports sent per drain
 * @param webhookThreads    threads that process newly received webhook events after their delivery was answered
 * @param changesEvery      pause between two reads of the store's record of projection changes made by other
 *                          processes (their entitlements then drop from this process's cache), and between two
 *                          writes of this process's own changes to it
 * @param closeTimeout      how long {@code close()} waits for work in flight; what is left keeps its lease, which
 *                          runs out, and the next instance (or the next start) processes it
 */
public record BackgroundOptions(
        Duration inboxEvery,
        int inboxBatch,
        int inboxParallelism,
        Duration meterReportsEvery,
        int meterReportsBatch,
        int webhookThreads,
        Duration changesEvery,
        Duration closeTimeout) {
    public BackgroundOptions {
        positive(inboxEvery, "inboxEvery");
        positive(meterReportsEvery, "meterReportsEvery");
        positive(changesEvery, "changesEvery");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (closeTimeout.isNegative()) {
            throw new IllegalArgumentException("closeTimeout must not be negative");
        }
        atLeastOne(inboxBatch, "inboxBatch");
        atLeastOne(inboxParallelism, "inboxParallelism");
        atLeastOne(meterReportsBatch, "meterReportsBatch");
        atLeastOne(webhookThreads, "webhookThreads");
    }

    /**
     * Inbox every second in batches of 50, 8 at a time; meter reports every 5 s; 16 webhook threads; changes
     * shared every second; 10 s to close.
     */
    public static BackgroundOptions defaults() {
        return new BackgroundOptions(
                Duration.ofSeconds(1),
                50,
                8,
                Duration.ofSeconds(5),
                100,
                16,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10));
    }

    public BackgroundOptions withInboxEvery(Duration value) {
        return new BackgroundOptions(
                value,
                inboxBatch,
                inboxParallelism,
                meterReportsEvery,
                meterReportsBatch,
                webhookThreads,
                changesEvery,
                closeTimeout);
    }

    public BackgroundOptions withMeterReportsEvery(Duration value) {
        return new BackgroundOptions(
                inboxEvery,
                inboxBatch,
                inboxParallelism,
                value,
                meterReportsBatch,
                webhookThreads,
                changesEvery,
                closeTimeout);
    }

    /** The threads that process webhook events after their delivery was answered (at least 1). */
    public BackgroundOptions withWebhookThreads(int value) {
        return new BackgroundOptions(
                inboxEvery,
                inboxBatch,
                inboxParallelism,
                meterReportsEvery,
                meterReportsBatch,
                value,
                changesEvery,
                closeTimeout);
    }

    public BackgroundOptions withChangesEvery(Duration value) {
        return new BackgroundOptions(
                inboxEvery,
                inboxBatch,
                inboxParallelism,
                meterReportsEvery,
                meterReportsBatch,
                webhookThreads,
                value,
                closeTimeout);
    }

    public BackgroundOptions withCloseTimeout(Duration value) {
        return new BackgroundOptions(
                inboxEvery,
                inboxBatch,
                inboxParallelism,
                meterReportsEvery,
                meterReportsBatch,
                webhookThreads,
                changesEvery,
                value);
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    private static void atLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
    }
}

package dev.billing.core.port;

import java.time.Duration;

/**
 * Told what the core's background work did, e.g. to count it in metrics. Called on the worker's threads (and on the
 * threads that process webhook events); keep it quick and never throw.
 *
 * <p>Usage: {@code Billing.builder()...observer(new WorkObserver() { public void inboxRun(int claimed) { ... } })}
 */
public interface WorkObserver {

    /** Observes nothing. */
    WorkObserver NONE = new WorkObserver() {};

    /** A run over the due inbox events ended, having claimed {@code claimed} of them. */
    default void inboxRun(int claimed) {}

    /** A drain of the meter-report outbox ended; Stripe accepted {@code accepted} reports. */
    default void meterReportsSent(int accepted) {}

    /**
     * A party was found holding a second live subscription, told once per duplicate; {@code handling} is what was
     * done ({@code cancel} or {@code flag}, {@link dev.billing.core.config.DuplicateSubscriptions#settingName()}).
     * Called on the thread that processed the event.
     */
    default void duplicateSubscription(String handling) {}

    /**
     * A retention pass deleted {@code rows} rows of one {@code kind} ({@code inbox_events}, {@code usage_keys} or
     * {@code notices}); told for each kind after each pass, zero included.
     */
    default void pruned(String kind, long rows) {}

    /**
     * A Stripe event arrived created {@code lead} after its arrival on billing's clock: Stripe creates an event
     * before it sends it, so this host's clock is behind Stripe's by at least {@code lead} (docs/OPERATIONS.md, "The
     * host clock"). Told for each such event, on the thread that received it.
     */
    default void clockBehindStripe(Duration lead) {}

    /** A run of {@code work} ({@code "inbox"} or {@code "meter-reports"}) failed; the next run tries again. */
    default void runFailed(String work, RuntimeException failure) {}
}

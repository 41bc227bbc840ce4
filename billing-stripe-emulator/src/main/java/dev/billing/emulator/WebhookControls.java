package dev.billing.emulator;

import dev.billing.emulator.http.WebhookDispatcher;
import java.time.Duration;
import java.util.List;

/**
 * Switches for webhook delivery, obtained from {@link StripeEmulator#webhooks()}.
 *
 * <p>Usage: {@code emulator.webhooks().duplicate(2).reorder(true).delay(Duration.ofMillis(300));}
 */
public final class WebhookControls {
    private final WebhookDispatcher dispatcher;

    WebhookControls(WebhookDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Delivers every event {@code copies} times (extra copies are sent concurrently). */
    public WebhookControls duplicate(int copies) {
        dispatcher.duplicate(copies);
        return this;
    }

    /** Waits {@code delay} before the first attempt of each delivery. */
    public WebhookControls delay(Duration delay) {
        dispatcher.delay(delay);
        return this;
    }

    /** Delivers the events of one batch (one API call or clock step) in reverse order. */
    public WebhookControls reorder(boolean reorder) {
        dispatcher.reorder(reorder);
        return this;
    }

    /** Holds deliveries (and retries) until {@link #resume()}. */
    public WebhookControls pause() {
        dispatcher.pause();
        return this;
    }

    /** Releases held deliveries, in the order they were held. */
    public WebhookControls resume() {
        dispatcher.resume();
        return this;
    }

    /** Back to 1 copy, no delay, in order, not paused. */
    public WebhookControls reset() {
        dispatcher.resetSwitches();
        return this;
    }

    public int duplicateCopies() {
        return dispatcher.duplicateCopies();
    }

    public Duration delay() {
        return dispatcher.delayValue();
    }

    public boolean reorder() {
        return dispatcher.reorderEnabled();
    }

    public boolean paused() {
        return dispatcher.isPaused();
    }

    /** Every delivery attempt so far (including retries and duplicates). */
    public List<DeliveryAttempt> log() {
        return dispatcher.log();
    }

    public void clearLog() {
        dispatcher.clearLog();
    }
}

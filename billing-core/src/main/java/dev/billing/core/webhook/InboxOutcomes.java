package dev.billing.core.webhook;

import dev.billing.core.config.BillingOptions;
import dev.billing.core.error.BillingException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.StoreException;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.port.EventInbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Records what became of processed events in the inbox: completed (processed or ignored), or failed with the next
 * attempt's time, parked as {@code failed} after the last attempt. Stripe's rate limit is not the event's failure:
 * a rate-limited event is tried again once Stripe's {@code Retry-After} has passed, never parked for it, and the
 * worker holds off meanwhile ({@link GatewayCooldown}). Remembers the events this process saw completed
 * ({@link DoneEvents}), so a redelivery of one is answered without the store.
 */
final class InboxOutcomes {
    private static final System.Logger LOG = System.getLogger(InboxOutcomes.class.getName());
    private static final int MAX_ERROR_LENGTH = 1_000;
    /** The least a rate-limited event waits (Stripe may answer 429 without a Retry-After). */
    private static final Duration MIN_RATE_LIMIT_WAIT = Duration.ofSeconds(1);

    private final EventInbox inbox;
    private final BillingOptions options;
    /** Times the inbox work (leases, retries, completions); see {@link dev.billing.core.UseCases}. */
    private final Clock workClock;

    private final DoneEvents doneLately = new DoneEvents();
    private final GatewayCooldown cooldown = new GatewayCooldown();

    InboxOutcomes(EventInbox inbox, BillingOptions options, Clock workClock) {
        this.inbox = inbox;
        this.options = options;
        this.workClock = workClock;
    }

    Instant now() {
        return workClock.instant();
    }

    /** Whether the worker should claim nothing now: Stripe asked to wait (see {@link GatewayCooldown}). */
    boolean holdingOff() {
        return cooldown.holdingOff(workClock.instant());
    }

    boolean completedLately(String eventId) {
        return doneLately.contains(eventId);
    }

    /** An event recorded done without a completion ({@link EventInbox#linkAndRecordProcessed}). */
    void recordedDone(String eventId) {
        doneLately.remember(eventId);
    }

    EventInbox.Completion completion(InboxWork work, InboxStatus outcome) {
        return new EventInbox.Completion(work.eventId(), work.owner(), outcome, workClock.instant());
    }

    /** Completes one event; a store failure is recorded as the event's failure (the lease runs out otherwise). */
    InboxStatus complete(InboxWork work, InboxStatus outcome) {
        try {
            if (inbox.complete(work.eventId(), work.owner(), outcome, workClock.instant())) {
                doneLately.remember(work.eventId());
            }
            return outcome;
        } catch (RuntimeException e) {
            return fail(work, e);
        }
    }

    /**
     * Completes the events together; when the store fails, their leases run out and the worker processes them again
     * (effects are idempotent).
     */
    void completeAll(List<EventInbox.Completion> completions) {
        if (completions.isEmpty()) {
            return;
        }
        try {
            List<Boolean> completed = inbox.completeAll(completions);
            for (int i = 0; i < completions.size(); i++) {
                if (completed.get(i)) {
                    doneLately.remember(completions.get(i).eventId());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Could not complete {0} processed events (their leases run out and "
                            + "they are processed again): {1}",
                    completions.size(),
                    describe(e));
        }
    }

    /** Records the failure on the event: retried later, or parked after the last attempt. */
    InboxStatus fail(InboxWork work, RuntimeException e) {
        Instant now = workClock.instant();
        // A payload that cannot be decoded never will be (the bytes are stored): park it at once, with the reason,
        // for an admin to look at and replay, instead of retrying it for hours.
        Optional<Instant> next;
        if (e instanceof GatewayRateLimitedException limited) {
            Duration wait = limited.retryAfter() == null || limited.retryAfter().compareTo(MIN_RATE_LIMIT_WAIT) < 0
                    ? MIN_RATE_LIMIT_WAIT
                    : limited.retryAfter();
            next = Optional.of(now.plus(wait));
            cooldown.holdOffUntil(next.get());
        } else if (e instanceof WebhookRejectedException) {
            next = Optional.empty();
        } else {
            next = options.retrySchedule().next(work.entry().attempts(), now);
        }
        String error = describe(e);
        LOG.log(
                System.Logger.Level.WARNING,
                "Event {0} ({1}) failed on attempt {2}: {3}",
                work.eventId(),
                work.event().type(),
                work.entry().attempts(),
                error);
        try {
            inbox.fail(work.eventId(), work.owner(), error, next.orElse(null), now);
        } catch (StoreException storeDown) {
            // The lease runs out and the event is claimed again: nothing is lost.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Could not record the failure of event {0}: {1}",
                    work.eventId(),
                    storeDown.getMessage());
        }
        return next.isPresent() ? InboxStatus.PENDING : InboxStatus.FAILED;
    }

    static String describe(RuntimeException e) {
        String text = e instanceof BillingException b
                ? b.code() + ": " + b.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }
}

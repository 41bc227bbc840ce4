package dev.billing.core.webhook;

import dev.billing.core.port.WorkObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Notices a host clock behind Stripe's from the webhooks themselves: Stripe creates an event before it delivers it,
 * so an event created (by Stripe's clock) after this host received it (by billing's clock) shows the host behind by
 * at least the difference. With re-fetch off the projection orders events' seconds against reads stamped on the
 * host's clock (DESIGN §4.3), and a clock more than a second behind lets an older event outrank a later read. Each
 * such event is told to the {@link WorkObserver}; a WARN line at most once an hour names the lead.
 */
final class StripeClockCheck {
    private static final System.Logger LOG = System.getLogger(ReceiveWebhook.class.getName());
    /** A lead this long is the host's clock, not the rounding of an event's second. */
    static final Duration WARN_ABOVE = Duration.ofSeconds(1);

    private static final Duration WARN_EVERY = Duration.ofHours(1);

    private final Clock billingClock;
    private final WorkObserver observer;
    private final AtomicReference<Instant> lastWarned = new AtomicReference<>(Instant.MIN);

    StripeClockCheck(Clock billingClock, WorkObserver observer) {
        this.billingClock = billingClock;
        this.observer = observer;
    }

    /** Called as a verified event arrives; costs a clock read and a comparison. */
    void received(Instant created) {
        Instant now = billingClock.instant();
        if (!created.isAfter(now)) {
            return;
        }
        Duration lead = Duration.between(now, created);
        observer.clockBehindStripe(lead);
        Instant last = lastWarned.get();
        if (lead.compareTo(WARN_ABOVE) > 0
                && !now.isBefore(last.plus(WARN_EVERY))
                && lastWarned.compareAndSet(last, now)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "This host''s clock is at least {0} ms behind Stripe''s: a webhook was created after it arrived."
                            + " Synchronise the clock (docs/OPERATIONS.md, \"The host clock\").",
                    lead.toMillis());
        }
    }
}

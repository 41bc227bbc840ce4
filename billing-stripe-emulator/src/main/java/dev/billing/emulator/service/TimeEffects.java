package dev.billing.emulator.service;

import static dev.billing.emulator.service.SubscriptionShape.currentPeriodEnd;
import static dev.billing.emulator.service.SubscriptionShape.currentPeriodStart;

import dev.billing.emulator.state.EmulatorState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What moving emulated time does: {@code trial_will_end} notices, {@code invoice.upcoming} before a
 * renewal, cancellations at {@code cancel_at} or period end, trial ends and renewals, checkout
 * session expiry, the expiry of {@code incomplete} subscriptions after 23 hours. Milestones run one at a time in chronological order, each at its own time,
 * because one can change the next (a renewal moves the period end, a cancellation removes the
 * renewal).
 *
 * <p>{@code invoice.upcoming} goes out the configured number of days before a period end that will
 * charge the customer (a renewal, or a trial turning paid), once per period end, as Stripe sends it
 * ("Upcoming renewal events" in the Dashboard): not for a subscription that ends there instead, nor
 * for one billed by sending invoices, nor when the period began after that point (a period shorter
 * than the lead).
 */
public final class TimeEffects {
    private static final long TRIAL_WILL_END_LEAD = 3L * 24 * 3600;
    /** How long Stripe leaves an {@code incomplete} subscription's first invoice to be paid. */
    private static final long INCOMPLETE_LIFETIME = 23L * 3600;

    private static final List<String> RUNNING = List.of("trialing", "active", "past_due", "unpaid");

    private final EmulatorState s;
    private final SubscriptionLifecycle lifecycle;
    private final Renewals renewals;

    public TimeEffects(EmulatorState state, SubscriptionLifecycle lifecycle, Renewals renewals) {
        this.s = state;
        this.lifecycle = lifecycle;
        this.renewals = renewals;
    }

    /**
     * What happens next in emulated time. {@code order} breaks ties at the same second: the notice
     * first, then a cancellation (so a subscription canceled at period end does not renew), then the
     * period end, then checkout expiry.
     */
    private record Milestone(long at, int order, Runnable action) {
        boolean before(Milestone other) {
            return other == null || at < other.at || (at == other.at && order < other.order);
        }
    }

    /**
     * Moves emulated time to {@code target}, running every milestone on the way in chronological
     * order (trial_will_end, cancellations, trial ends, renewals, checkout expiry).
     */
    public void advanceTo(long target) {
        while (true) {
            Milestone next = nextMilestone(target);
            if (next == null) {
                break;
            }
            s.clock.moveTo(Instant.ofEpochSecond(next.at()));
            next.action().run();
        }
        s.clock.moveTo(Instant.ofEpochSecond(target));
    }

    private Milestone nextMilestone(long target) {
        Milestone best = null;
        for (Map<String, Object> sub : s.store.all("subscription")) {
            if (!RUNNING.contains((String) sub.get("status"))) {
                continue;
            }
            for (Milestone m : milestonesOf(sub)) {
                if (m.at() <= target && m.before(best)) {
                    best = m;
                }
            }
        }
        for (Map<String, Object> sub : s.store.all("subscription")) {
            if ("incomplete".equals(sub.get("status"))) {
                long at = (Long) sub.get("created") + INCOMPLETE_LIFETIME;
                Milestone m = new Milestone(at, 3, () -> lifecycle.expireIncomplete(sub));
                if (at <= target && m.before(best)) {
                    best = m;
                }
            }
        }
        for (Map<String, Object> session : s.store.all("checkout.session")) {
            if ("open".equals(session.get("status")) && (Long) session.get("expires_at") <= target) {
                Milestone m =
                        new Milestone((Long) session.get("expires_at"), 3, () -> CheckoutExpiry.expire(s, session));
                if (m.before(best)) {
                    best = m;
                }
            }
        }
        return best;
    }

    private List<Milestone> milestonesOf(Map<String, Object> sub) {
        List<Milestone> candidates = new ArrayList<>();
        if ("trialing".equals(sub.get("status")) && !Boolean.TRUE.equals(sub.get("_trial_will_end_sent"))) {
            long at = (Long) sub.get("trial_end") - TRIAL_WILL_END_LEAD;
            candidates.add(new Milestone(at, 0, () -> {
                sub.put("_trial_will_end_sent", true);
                s.emit("customer.subscription.trial_will_end", sub);
            }));
        }
        Object cancelAt = sub.get("cancel_at");
        if (cancelAt != null) {
            candidates.add(new Milestone((Long) cancelAt, 1, () -> lifecycle.cancelNow(sub, "cancellation_requested")));
        }
        long periodEnd = currentPeriodEnd(sub);
        int days = s.upcomingInvoiceDays();
        if (days > 0 && renewsAt(sub, periodEnd) && !sentFor(sub, periodEnd)) {
            long at = periodEnd - days * 86_400L;
            if (at > currentPeriodStart(sub)) {
                candidates.add(new Milestone(at, 0, () -> {
                    sub.put("_upcoming_sent_for", periodEnd);
                    s.emit("invoice.upcoming", renewals.upcomingInvoice(sub));
                }));
            }
        }
        candidates.add(new Milestone(periodEnd, 2, () -> {
            if (SubscriptionShape.trialEndsUnpaid(s, sub)) {
                // trial_settings.end_behavior.missing_payment_method=cancel: no card, no invoice, as Stripe does.
                lifecycle.cancelNow(sub, null);
            } else {
                renewals.endPeriod(sub);
            }
        }));
        return candidates;
    }

    /** Whether the period end charges the customer automatically rather than ending the subscription. */
    private static boolean renewsAt(Map<String, Object> sub, long periodEnd) {
        Object cancelAt = sub.get("cancel_at");
        return !Boolean.TRUE.equals(sub.get("cancel_at_period_end"))
                && (cancelAt == null || ((Number) cancelAt).longValue() > periodEnd)
                && !"send_invoice".equals(sub.get("collection_method"));
    }

    /** Whether {@code invoice.upcoming} already went out for the period ending at {@code periodEnd}. */
    private static boolean sentFor(Map<String, Object> sub, long periodEnd) {
        return sub.get("_upcoming_sent_for") instanceof Number sent && sent.longValue() == periodEnd;
    }
}

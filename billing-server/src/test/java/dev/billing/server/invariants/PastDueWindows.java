package dev.billing.server.invariants;

import com.stripe.model.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When billing may have noted each of Stripe's subscriptions turn past due, as far as the invariants can tell from
 * Stripe's state between steps. Billing dates the turn by the webhooks of the step that made it (Stripe's clock, the
 * emulator's), or else by when it read Stripe (its clock is the emulator's too), to the second: a subscription that was
 * not past due at one check and is at the next turned between the two. The grace then counts from the later of that
 * moment and the period's start; these are its bounds.
 */
final class PastDueWindows {
    /** Billing keeps the second, which may fall just before the check that saw the old status. */
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final Map<String, String> statuses = new HashMap<>();
    private final Map<String, Long> periodStarts = new HashMap<>();
    /** Past-due subscriptions seen to turn: the earliest and latest moment billing may have noted it. */
    private final Map<String, Instant[]> turned = new HashMap<>();

    private Instant lastCheck;

    /**
     * The earliest and latest start of the subscription's grace, were it checked at {@code now}; null when the test
     * cannot say (it did not see the subscription before it was past due).
     */
    Instant[] graceStart(Subscription s, long periodStart, Instant now) {
        Instant[] window = window(s, periodStart, now);
        if (window == null) {
            return null;
        }
        Instant start = Instant.ofEpochSecond(periodStart);
        return new Instant[] {later(start, window[0]), later(start, window[1])};
    }

    /** Notes Stripe's subscriptions as this check saw them; the next check's windows start here. */
    void observe(List<Subscription> all, Instant now) {
        for (Subscription s : all) {
            Long periodStart = StripeTruth.planItem(s) == null
                    ? null
                    : StripeTruth.planItem(s).getCurrentPeriodStart();
            Instant[] window = periodStart == null ? null : window(s, periodStart, now);
            if (window == null) {
                turned.remove(s.getId());
            } else {
                turned.put(s.getId(), window);
            }
            statuses.put(s.getId(), s.getStatus());
            periodStarts.put(s.getId(), periodStart);
        }
        lastCheck = now;
    }

    private Instant[] window(Subscription s, long periodStart, Instant now) {
        if (!s.getStatus().equals("past_due") || lastCheck == null) {
            return null;
        }
        String before = statuses.get(s.getId());
        if (before == null) {
            return null;
        }
        // Turned since the last check; or renewed while past due (the new period's start is the later then, unless
        // it was paid and turned past due again in between, which is also within this window).
        if (!before.equals("past_due") || !Long.valueOf(periodStart).equals(periodStarts.get(s.getId()))) {
            return new Instant[] {lastCheck.minus(SECOND), now};
        }
        return turned.get(s.getId());
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}

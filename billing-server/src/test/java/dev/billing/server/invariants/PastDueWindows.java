package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import com.stripe.model.Subscription;
import com.stripe.param.InvoiceListParams;
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

    /** Past-due subscriptions seen to turn once, not renewed since while past due: when the turn happened. */
    private final Map<String, Instant[]> turns = new HashMap<>();

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
            Instant[] turn = periodStart == null ? null : turn(s, periodStart, now);
            if (turn == null) {
                turns.remove(s.getId());
            } else {
                turns.put(s.getId(), turn);
            }
            statuses.put(s.getId(), s.getStatus());
            periodStarts.put(s.getId(), periodStart);
        }
        lastCheck = now;
    }

    /**
     * The {@code pastDueSince} the API shows for a subscription past due at Stripe dates its turn: not before the
     * earliest invoice of the subscription still open that Stripe made since the check before the turn (the turn is
     * the first failed charge of one, made when it was), nor after this check. Skipped when the checks cannot tell:
     * not seen before it turned, renewed while past due (paid and turned again between two checks, or not), or no
     * time shown.
     */
    void sinceDatesTheTurn(Party p, Subscription s, JsonNode api, World world, Instant now) {
        Long periodStart =
                StripeTruth.planItem(s) == null ? null : StripeTruth.planItem(s).getCurrentPeriodStart();
        Instant[] turn = periodStart == null ? null : turn(s, periodStart, now);
        if (turn == null || !api.hasNonNull("pastDueSince")) {
            return;
        }
        Instant firstInvoice = null;
        try {
            for (Invoice i : world.stripe
                    .invoices()
                    .list(InvoiceListParams.builder()
                            .setSubscription(s.getId())
                            .setStatus(InvoiceListParams.Status.OPEN)
                            .setLimit(100L)
                            .build())
                    .autoPagingIterable()) {
                Instant made = Instant.ofEpochSecond(i.getCreated()).minus(SECOND);
                if (!made.isBefore(turn[0]) && (firstInvoice == null || made.isBefore(firstInvoice))) {
                    firstInvoice = made;
                }
            }
        } catch (StripeException e) {
            throw new AssertionError("the emulator's invoices could not be listed", e);
        }
        Instant earliest = firstInvoice == null ? turn[0] : firstInvoice;
        Instant since = Instant.parse(api.path("pastDueSince").asText());
        if (since.isBefore(earliest) || since.isAfter(turn[1].plus(SECOND))) {
            throw new AssertionError(p + "'s subscription " + s.getId() + " shows pastDueSince " + since + " (" + api
                    + "), outside " + earliest + " .. " + turn[1] + " that its open invoices and the checks around its "
                    + "turn to past due allow");
        }
    }

    /** When the subscription turned past due as the checks tell, or null (see {@link #sinceDatesTheTurn}). */
    private Instant[] turn(Subscription s, long periodStart, Instant now) {
        String before = statuses.get(s.getId());
        if (!s.getStatus().equals("past_due") || lastCheck == null || before == null) {
            return null;
        }
        if (!before.equals("past_due")) {
            return new Instant[] {lastCheck.minus(SECOND), now};
        }
        return Long.valueOf(periodStart).equals(periodStarts.get(s.getId())) ? turns.get(s.getId()) : null;
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

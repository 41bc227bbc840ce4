package dev.billing.core.model.analytics;

import dev.billing.core.model.Checks;
import dev.billing.core.model.subscription.SubscriptionPricing;
import java.time.YearMonth;
import java.util.Objects;

/**
 * How many subscriptions share one pricing, quantity, and UTC month of creation, end and trial end
 * ({@code AnalyticsStore.mrrSpans}): enough to tell at which month ends they were running and past their trial. A
 * month of an instant after the store's {@code now} is the month after now's, so that the current month's point
 * (now) is exact too; so is the trial end of a subscription trialing now, whatever its trial_end. Nullable: {@code pricing} (unknown), {@code ended} (not ended), {@code trialEnd} (no trial).
 */
public record MrrSpan(
        SubscriptionPricing pricing,
        long quantity,
        YearMonth created,
        YearMonth ended,
        YearMonth trialEnd,
        long count) {
    public MrrSpan {
        Checks.nonNegative(quantity, "quantity");
        Objects.requireNonNull(created, "created");
        Checks.nonNegative(count, "count");
    }

    /**
     * Whether these subscriptions were running, past their trial, at the end of {@code month} (at now for the
     * month of the store's now).
     */
    public boolean paying(YearMonth month) {
        return !created.isAfter(month)
                && (ended == null || ended.isAfter(month))
                && (trialEnd == null || !trialEnd.isAfter(month));
    }
}

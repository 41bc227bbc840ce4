package dev.billing.core.model.analytics;

import dev.billing.core.model.Checks;
import java.time.YearMonth;
import java.util.Objects;

/**
 * Refunds created in one UTC month in one currency that went or are going back to the buyer (not failed or
 * canceled): how many, and their total in minor units ({@code AnalyticsStore.refundTally}).
 */
public record RefundTally(YearMonth month, String currency, long count, long amount) {
    public RefundTally {
        Objects.requireNonNull(month, "month");
        Checks.currency(currency);
        Checks.nonNegative(count, "count");
        Checks.nonNegative(amount, "amount");
    }
}

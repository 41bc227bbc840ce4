package dev.billing.core.model.analytics;

import dev.billing.core.model.Checks;
import java.time.YearMonth;
import java.util.Objects;

/** One-time purchases of one UTC month in one currency: how many, and their total in minor units. */
public record PurchaseTally(YearMonth month, String currency, long count, long amountTotal) {
    public PurchaseTally {
        Objects.requireNonNull(month, "month");
        Checks.currency(currency);
        Checks.nonNegative(count, "count");
        Checks.nonNegative(amountTotal, "amountTotal");
    }
}

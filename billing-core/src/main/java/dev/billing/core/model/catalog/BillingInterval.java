package dev.billing.core.model.catalog;

import java.util.Locale;
import java.util.Optional;

/** A recurring price's interval, spelled as Stripe spells it ({@code month}, {@code year}...). */
public enum BillingInterval {
    DAY,
    WEEK,
    MONTH,
    YEAR;

    public String stripeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses Stripe's names and the friendly {@code monthly}/{@code yearly}/{@code annual} spellings. */
    public static Optional<BillingInterval> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "day":
            case "daily":
                return Optional.of(DAY);
            case "week":
            case "weekly":
                return Optional.of(WEEK);
            case "month":
            case "monthly":
                return Optional.of(MONTH);
            case "year":
            case "yearly":
            case "annual":
            case "annually":
                return Optional.of(YEAR);
            default:
                return Optional.empty();
        }
    }
}

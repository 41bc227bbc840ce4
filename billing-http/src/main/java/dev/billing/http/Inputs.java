package dev.billing.http;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.catalog.BillingInterval;

/** Parsing of request values shared by several handlers. */
final class Inputs {
    private Inputs() {}

    /**
     * Exactly {@code month} or {@code year}, as documented; required. Anything else, another Stripe interval
     * ({@code week}) or a spelling ({@code monthly}), is {@code invalid_interval}: a lenient reading would let a client
     * depend on spellings the API never promised.
     */
    static BillingInterval interval(String value) {
        if (value == null) {
            throw new InvalidRequestException("missing_field", "interval", "interval is required (month or year).");
        }
        return switch (value) {
            case "month" -> BillingInterval.MONTH;
            case "year" -> BillingInterval.YEAR;
            default ->
                throw new InvalidRequestException("invalid_interval", "interval", "interval must be month or year.");
        };
    }
}

package dev.billing.http;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.BillingInterval;

/** Parsing of request values shared by several handlers. */
final class Inputs {
    private Inputs() {
    }

    /** {@code month} or {@code year} (also {@code monthly}, {@code yearly}, {@code annual}); required. */
    static BillingInterval interval(String value) {
        if (value == null) {
            throw new InvalidRequestException("missing_field", "interval", "interval is required (month or year).");
        }
        return BillingInterval.parse(value).orElseThrow(() -> new InvalidRequestException("invalid_interval",
                "interval", "interval must be month or year."));
    }
}

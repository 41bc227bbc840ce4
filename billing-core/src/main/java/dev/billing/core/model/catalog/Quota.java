package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;
import java.time.Instant;
import java.util.Objects;

/** One meter's standing in the current period. {@code limit} is {@link Tier#UNLIMITED} when unlimited. */
public record Quota(String meter, long used, long limit, long remaining, Instant periodStart, Instant resetsAt) {
    public Quota {
        Checks.text(meter, "meter");
        Checks.nonNegative(used, "used");
        Checks.nonNegative(limit, "limit");
        Checks.nonNegative(remaining, "remaining");
        Objects.requireNonNull(periodStart, "periodStart");
        Objects.requireNonNull(resetsAt, "resetsAt");
    }

    public boolean unlimited() {
        return limit == Tier.UNLIMITED;
    }
}

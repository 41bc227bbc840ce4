package dev.billing.core.model.usage;

import dev.billing.core.model.Checks;
import dev.billing.core.model.UserId;
import java.time.Instant;
import java.util.Objects;

/** How much of a meter a user used in one period. */
public record UsageCounter(UserId userId, String meter, UsagePeriod period, long used, Instant updatedAt) {
    public UsageCounter {
        Objects.requireNonNull(userId, "userId");
        Checks.text(meter, "meter");
        Objects.requireNonNull(period, "period");
        Checks.nonNegative(used, "used");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}

package dev.billing.core.model.usage;

import dev.billing.core.model.Checks;
import dev.billing.core.model.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * One atomic "add {@code amount} to (user, meter, period) unless that would pass {@code limit}", made idempotent by
 * ({@code userId}, {@code idempotencyKey}). {@code fingerprint} identifies the request body: the same key with
 * another fingerprint is a misuse. {@code report}, when not null, is enqueued for Stripe in the same step.
 */
public record UsageIncrement(
        UserId userId,
        String meter,
        UsagePeriod period,
        long amount,
        long limit,
        String idempotencyKey,
        String fingerprint,
        Instant at,
        MeterEvent report) {
    public UsageIncrement {
        Objects.requireNonNull(userId, "userId");
        Checks.text(meter, "meter");
        Objects.requireNonNull(period, "period");
        if (amount < 1) {
            throw new IllegalArgumentException("amount must be at least 1");
        }
        Checks.nonNegative(limit, "limit");
        Checks.text(idempotencyKey, "idempotencyKey", 255);
        Checks.text(fingerprint, "fingerprint");
        Objects.requireNonNull(at, "at");
    }
}

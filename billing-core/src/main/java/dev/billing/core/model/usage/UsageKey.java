package dev.billing.core.model.usage;

import dev.billing.core.model.Checks;
import dev.billing.core.model.UserId;
import java.time.Instant;
import java.util.Objects;

/** A used idempotency key and the answer it got, kept so a retry replays it. */
public record UsageKey(
        UserId userId,
        String idempotencyKey,
        String meter,
        Instant periodStart,
        String fingerprint,
        long amount,
        long usedAfter,
        long limit,
        Instant createdAt) {
    public UsageKey {
        Objects.requireNonNull(userId, "userId");
        Checks.text(idempotencyKey, "idempotencyKey");
        Checks.text(meter, "meter");
        Objects.requireNonNull(periodStart, "periodStart");
        Checks.text(fingerprint, "fingerprint");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}

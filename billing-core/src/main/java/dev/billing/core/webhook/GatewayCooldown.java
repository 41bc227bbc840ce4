package dev.billing.core.webhook;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Until when the inbox worker holds off because Stripe answered 429 (rate limited) while an event was processed:
 * claiming more events then would only spend more of the same limit. Thread-safe; a later deadline wins.
 */
final class GatewayCooldown {
    private final AtomicReference<Instant> until = new AtomicReference<>(Instant.MIN);

    /** Holds the worker off until {@code deadline} (or a later deadline already set). */
    void holdOffUntil(Instant deadline) {
        until.accumulateAndGet(deadline, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Whether the worker should claim nothing at {@code now}. */
    boolean holdingOff(Instant now) {
        return now.isBefore(until.get());
    }
}

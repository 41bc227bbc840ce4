package dev.billing.core.model.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A row of the webhook inbox. Nullable: {@code lastError}, {@code nextAttemptAt} (due now),
 * {@code leaseOwner}/{@code leaseExpiresAt} (not leased), {@code processedAt}, {@code notifiedAt}.
 */
public record InboxEntry(
        StripeEvent event,
        InboxStatus status,
        int attempts,
        String lastError,
        Instant receivedAt,
        Instant nextAttemptAt,
        String leaseOwner,
        Instant leaseExpiresAt,
        Instant processedAt,
        Instant notifiedAt) {
    public InboxEntry {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(status, "status");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    public String eventId() {
        return event.id();
    }

    /** A freshly recorded, never attempted entry. */
    public static InboxEntry received(StripeEvent event, Instant receivedAt) {
        return new InboxEntry(event, InboxStatus.PENDING, 0, null, receivedAt, null, null, null, null, null);
    }
}

package dev.billing.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A verified Stripe event: its envelope fields and the raw JSON payload exactly as signed (kept for storage,
 * decoding and replay). Nullable: {@code apiVersion}, {@code objectId}, {@code objectType}.
 */
public record StripeEvent(String id, String type, Instant created, boolean livemode, String apiVersion,
                          String objectId, String objectType, String payload) {
    public StripeEvent {
        Checks.text(id, "id", 255);
        Checks.text(type, "type", 255);
        Objects.requireNonNull(created, "created");
        Checks.text(payload, "payload");
    }

    /** The payload is left out: it can hold customer data. */
    @Override
    public String toString() {
        return "StripeEvent[id=" + id + ", type=" + type + ", created=" + created + ", objectId=" + objectId + "]";
    }
}

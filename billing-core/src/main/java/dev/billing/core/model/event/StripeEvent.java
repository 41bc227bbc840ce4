package dev.billing.core.model.event;

import dev.billing.core.model.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * A verified Stripe event: its envelope fields and the raw JSON payload exactly as signed (kept for storage,
 * decoding and replay). Nullable: {@code apiVersion}, {@code objectId}, {@code objectType}, {@code subjectId}.
 *
 * <p>{@code subjectId} says whom the event is about, read when the event is verified so that an erasure and an
 * export find every stored event of one account by one indexed column: the Stripe customer its object belongs to
 * ({@code data.object.customer}, or the object's own id when the object is a customer), the Clerk user a Clerk event
 * names ({@code public_user_data.user_id}, {@code user_id}, or a user object's id), and otherwise the object itself
 * (its {@code objectId}: a guest's Checkout session, an invoice payment, a catalog object).
 */
public record StripeEvent(
        String id,
        String type,
        Instant created,
        boolean livemode,
        String apiVersion,
        String objectId,
        String objectType,
        String payload,
        String subjectId) {
    public StripeEvent {
        Checks.text(id, "id", 255);
        Checks.text(type, "type", 255);
        Objects.requireNonNull(created, "created");
        Checks.text(payload, "payload");
        subjectId = subjectId == null || subjectId.isBlank() ? null : subjectId;
    }

    /** An event about its own object ({@code subjectId} is {@code objectId}). */
    public StripeEvent(
            String id,
            String type,
            Instant created,
            boolean livemode,
            String apiVersion,
            String objectId,
            String objectType,
            String payload) {
        this(id, type, created, livemode, apiVersion, objectId, objectType, payload, objectId);
    }

    /** The same event about {@code subject} (null: about nobody, as a redacted event is). */
    public StripeEvent withSubject(String subject) {
        return new StripeEvent(id, type, created, livemode, apiVersion, objectId, objectType, payload, subject);
    }

    /** The payload and the subject are left out: they can hold customer data (a Clerk user id). */
    @Override
    public String toString() {
        return "StripeEvent[id=" + id + ", type=" + type + ", created=" + created + ", objectId=" + objectId + "]";
    }
}

package dev.billing.core.model.audit;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import java.util.Map;
import java.util.Objects;

/**
 * An audit entry recorded explicitly ({@link dev.billing.core.port.AuditLog#record}): something that is not a
 * projection row change. Idempotent on (action, entity id, cause), so a cause is required.
 *
 * <p>Usage: {@code audit.record(new AuditRecord(AuditAction.EVENT_REPLAYED, eventId, null, null, cause, Map.of()));}
 *
 * @param userId     the account it concerns, or null; never an erased account's own id
 * @param customerId the Stripe customer it concerns, or null
 * @param detail     small facts (amounts, counts, ids), never personal data
 */
public record AuditRecord(
        AuditAction action,
        String entityId,
        UserId userId,
        CustomerId customerId,
        AuditCause cause,
        Map<String, String> detail) {
    public AuditRecord {
        Objects.requireNonNull(action, "action");
        Checks.text(entityId, "entityId", 255);
        Objects.requireNonNull(cause, "cause");
        detail = Checks.metadata(detail);
    }
}

package dev.billing.core.model.audit;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded change of billing state, with its cause. {@code id} orders entries (newest has the highest) and is
 * the keyset of {@link AuditQuery}'s cursor.
 *
 * @param userId     the account the entry names, when it names one (customer links, erasures); the query by user
 *                   also finds the entries of the user's customer
 * @param customerId the Stripe customer, when known
 * @param cause      null when the change came with none (a tool writing without one)
 * @param detail     old and new price, quantity, status, amounts: text values, never personal data
 */
public record AuditEntry(
        long id,
        Instant recordedAt,
        AuditAction action,
        String entityId,
        UserId userId,
        CustomerId customerId,
        AuditCause cause,
        Map<String, String> detail) {
    public AuditEntry {
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(entityId, "entityId");
        detail = Checks.metadata(detail);
    }
}

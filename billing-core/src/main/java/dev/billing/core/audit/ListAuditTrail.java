package dev.billing.core.audit;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.port.AuditLog;
import java.time.Instant;

/**
 * Admin: the audit trail, newest first, filtered by account, customer, action and time ({@code [from, to)}), a page
 * at a time (1-100 entries, keyset cursor).
 *
 * <p>Usage: {@code Page<AuditEntry> p = listAuditTrail.list(UserId.of("user_1"), null, null, null, null, null, 50);}
 */
public final class ListAuditTrail {
    private final AuditLog audit;

    public ListAuditTrail(AuditLog audit) {
        this.audit = audit;
    }

    /**
     * @param cursor the previous page's {@code nextCursor}, or null
     * @throws InvalidRequestException {@code invalid_limit}, {@code invalid_cursor}, {@code invalid_range}
     */
    public Page<AuditEntry> list(
            UserId userId,
            CustomerId customerId,
            AuditAction action,
            Instant from,
            Instant to,
            String cursor,
            int limit) {
        if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
            throw new InvalidRequestException("invalid_limit", "limit", "limit must be between 1 and 100.");
        }
        if (cursor != null && !AuditQuery.isCursor(cursor)) {
            throw new InvalidRequestException("invalid_cursor", "cursor", "The cursor is not valid for this list.");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidRequestException("invalid_range", "to", "from must be before to.");
        }
        return list(new AuditQuery(userId, customerId, action, from, to, cursor, limit));
    }

    public Page<AuditEntry> list(AuditQuery query) {
        return audit.list(query);
    }
}

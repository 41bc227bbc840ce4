package dev.billing.core.model.audit;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import java.time.Instant;

/**
 * A page of the audit trail, newest first, every filter optional: the entries of one account ({@code userId}: those
 * naming it and those of its customer), of one customer, of one action, recorded in {@code [from, to)}.
 * {@code cursor} is the previous page's {@code nextCursor} ({@link #cursorAfter}).
 *
 * <p>Usage: {@code Page<AuditEntry> p = audit.list(AuditQuery.all(50).withCustomer(customerId));}
 */
public record AuditQuery(
        UserId userId, CustomerId customerId, AuditAction action, Instant from, Instant to, String cursor, int limit) {
    public static final int MAX_LIMIT = 100;
    private static final String CURSOR_PREFIX = "au_";

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (cursor != null && !isCursor(cursor)) {
            throw new IllegalArgumentException("not an audit cursor");
        }
    }

    /** Everything, newest first. */
    public static AuditQuery all(int limit) {
        return new AuditQuery(null, null, null, null, null, null, limit);
    }

    public AuditQuery withUser(UserId user) {
        return new AuditQuery(user, customerId, action, from, to, cursor, limit);
    }

    public AuditQuery withCustomer(CustomerId customer) {
        return new AuditQuery(userId, customer, action, from, to, cursor, limit);
    }

    public AuditQuery withAction(AuditAction a) {
        return new AuditQuery(userId, customerId, a, from, to, cursor, limit);
    }

    public AuditQuery between(Instant start, Instant end) {
        return new AuditQuery(userId, customerId, action, start, end, cursor, limit);
    }

    public AuditQuery after(String nextCursor) {
        return new AuditQuery(userId, customerId, action, from, to, nextCursor, limit);
    }

    /** Entries with an id below this one (the cursor's), or {@link Long#MAX_VALUE} on the first page. */
    public long beforeId() {
        return cursor == null ? Long.MAX_VALUE : Long.parseLong(cursor.substring(CURSOR_PREFIX.length()));
    }

    /** The cursor of the page that follows an entry with this id. */
    public static String cursorAfter(long id) {
        return CURSOR_PREFIX + id;
    }

    public static boolean isCursor(String cursor) {
        if (cursor == null || !cursor.startsWith(CURSOR_PREFIX) || cursor.length() > CURSOR_PREFIX.length() + 19) {
            return false;
        }
        String digits = cursor.substring(CURSOR_PREFIX.length());
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        try {
            return Long.parseLong(digits) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

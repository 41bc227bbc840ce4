package dev.billing.core.model.notice;

import dev.billing.core.model.UserId;

/**
 * A page of the notice log, newest first, every filter optional. {@code cursor} is the previous page's
 * {@code nextCursor} ({@link #cursorAfter}).
 *
 * <p>Usage: {@code Page<NoticeEntry> p = log.list(NoticeQuery.all(50).withStatus(NoticeStatus.FAILED));}
 */
public record NoticeQuery(UserId userId, NoticeKind kind, NoticeStatus status, String cursor, int limit) {
    public static final int MAX_LIMIT = 100;
    private static final String CURSOR_PREFIX = "nt_";

    public NoticeQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        if (cursor != null && !isCursor(cursor)) {
            throw new IllegalArgumentException("not a notice cursor");
        }
    }

    /** Everything, newest first. */
    public static NoticeQuery all(int limit) {
        return new NoticeQuery(null, null, null, null, limit);
    }

    public NoticeQuery withUser(UserId user) {
        return new NoticeQuery(user, kind, status, cursor, limit);
    }

    public NoticeQuery withKind(NoticeKind k) {
        return new NoticeQuery(userId, k, status, cursor, limit);
    }

    public NoticeQuery withStatus(NoticeStatus s) {
        return new NoticeQuery(userId, kind, s, cursor, limit);
    }

    public NoticeQuery after(String nextCursor) {
        return new NoticeQuery(userId, kind, status, nextCursor, limit);
    }

    /** Rows with an id below the cursor's, or {@link Long#MAX_VALUE} on the first page. */
    public long beforeId() {
        return cursor == null ? Long.MAX_VALUE : Long.parseLong(cursor.substring(CURSOR_PREFIX.length()));
    }

    /** Whether the entry matches every filter set. */
    public boolean matches(NoticeEntry entry) {
        NoticeRecord r = entry.record();
        return entry.id() < beforeId()
                && (userId == null || userId.equals(r.userId()))
                && (kind == null || kind == r.kind())
                && (status == null || status == r.status());
    }

    /** The cursor of the page that follows a row with this id. */
    public static String cursorAfter(long id) {
        return CURSOR_PREFIX + id;
    }

    /** Whether the text is a cursor this query reads. */
    public static boolean isCursor(String text) {
        if (text == null || !text.startsWith(CURSOR_PREFIX) || text.length() > CURSOR_PREFIX.length() + 18) {
            return false;
        }
        String digits = text.substring(CURSOR_PREFIX.length());
        return !digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}

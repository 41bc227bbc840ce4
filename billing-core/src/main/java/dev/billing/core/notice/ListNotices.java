package dev.billing.core.notice;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.port.NoticeLog;

/**
 * Admin: the notice log, newest first, filtered by account, kind and status, a page at a time (1-100 rows, keyset
 * cursor).
 *
 * <p>Usage: {@code Page<NoticeEntry> failed = listNotices.list(null, null, NoticeStatus.FAILED, null, 50);}
 */
public final class ListNotices {
    private final NoticeLog log;

    public ListNotices(NoticeLog log) {
        this.log = log;
    }

    /**
     * @param cursor the previous page's {@code nextCursor}, or null
     * @throws InvalidRequestException {@code invalid_limit}, {@code invalid_cursor}
     */
    public Page<NoticeEntry> list(UserId userId, NoticeKind kind, NoticeStatus status, String cursor, int limit) {
        if (limit < 1 || limit > NoticeQuery.MAX_LIMIT) {
            throw new InvalidRequestException("invalid_limit", "limit", "limit must be between 1 and 100.");
        }
        if (cursor != null && !NoticeQuery.isCursor(cursor)) {
            throw new InvalidRequestException("invalid_cursor", "cursor", "The cursor is not valid for this list.");
        }
        return log.list(new NoticeQuery(userId, kind, status, cursor, limit));
    }
}

package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.port.NoticeLog;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link NoticeLog} on V13's {@code notice_log} table: one insert per attempt, a keyset listing on the id, newest
 * first, with the filters given.
 */
final class JdbiNoticeLog implements NoticeLog {
    private static final RowMapper<NoticeEntry> ENTRY = (rs, ctx) -> new NoticeEntry(
            rs.getLong("id"),
            new NoticeRecord(
                    rs.getString("event_id"),
                    kind(rs.getString("kind")),
                    UserId.of(rs.getString("user_id")),
                    rs.getString("customer_id") == null ? null : CustomerId.of(rs.getString("customer_id")),
                    status(rs.getString("status")),
                    rs.getString("message_id"),
                    rs.getString("error"),
                    Db.instant(rs, "at")));

    private final Db db;
    private final JdbiRemovals removals;
    private final JdbiRetention retention;
    private final String insert;
    private final String select;
    private final String ofUser;
    private final String wentOut;
    private final String pseudonymise;
    private final String restoreUpdate;
    private final String restoreInsert;
    private final Db.IdentityAdvance advanceIds;

    JdbiNoticeLog(Db db) {
        this.db = db;
        this.removals = new JdbiRemovals(db);
        this.retention = new JdbiRetention(db);
        this.insert = db.sql("""
                INSERT INTO {schema}.notice_log (event_id, kind, user_id, customer_id, status, message_id, error, at)
                VALUES (:eventId, :kind, :userId, :customerId, :status, :messageId, :error, :at)
                """);
        this.select = db.sql("""
                SELECT id, event_id, kind, user_id, customer_id, status, message_id, error, at
                FROM {schema}.notice_log
                WHERE id < :before""");
        this.ofUser = db.sql("""
                SELECT id, event_id, kind, user_id, customer_id, status, message_id, error, at
                FROM {schema}.notice_log
                WHERE user_id = :user
                ORDER BY id DESC""");
        this.wentOut = db.sql("""
                SELECT EXISTS (SELECT 1 FROM {schema}.notice_log
                               WHERE user_id = :user AND event_id = :eventId AND status <> 'failed')""");
        // A failure's text can quote the address a mail server refused: it goes with the user id.
        this.pseudonymise =
                db.sql("UPDATE {schema}.notice_log SET user_id = :pseudonym, error = NULL " + "WHERE user_id = :user");
        this.restoreUpdate = db.sql("""
                UPDATE {schema}.notice_log
                SET event_id = :eventId, kind = :kind, user_id = :userId, customer_id = :customerId, status = :status,
                    message_id = :messageId, error = :error, at = :at
                WHERE id = :id
                  AND (event_id, kind, user_id, customer_id, status, message_id, error, at)
                      IS DISTINCT FROM (CAST(:eventId AS text), CAST(:kind AS text), CAST(:userId AS text),
                       CAST(:customerId AS text), CAST(:status AS text), CAST(:messageId AS text),
                       CAST(:error AS text), CAST(:at AS timestamptz))
                """);
        this.restoreInsert = db.sql("""
                INSERT INTO {schema}.notice_log (id, event_id, kind, user_id, customer_id, status, message_id, error,
                    at)
                OVERRIDING SYSTEM VALUE
                VALUES (:id, :eventId, :kind, :userId, :customerId, :status, :messageId, :error, :at)
                ON CONFLICT DO NOTHING
                """);
        // As JdbiAuditLog's: rows recorded later get higher ids, and the identity never moves backwards.
        this.advanceIds = db.identityAdvance("notice_log");
    }

    @Override
    public void record(NoticeRecord entry) {
        db.call(
                "notices.record",
                h -> h.createUpdate(insert)
                        .bind("eventId", entry.eventId())
                        .bind("kind", entry.kind().wireName())
                        .bind("userId", entry.userId().value())
                        .bind(
                                "customerId",
                                entry.customerId() == null
                                        ? null
                                        : entry.customerId().value())
                        .bind("status", entry.status().wireName())
                        .bind("messageId", entry.messageId())
                        .bind("error", entry.error())
                        .bindByType("at", Db.ts(entry.at()), OffsetDateTime.class)
                        .execute());
    }

    /** In one transaction: replaces a different row of the id, or inserts it with its id; then moves the identity. */
    @Override
    public boolean restore(NoticeEntry entry) {
        return db.transaction("notices.restore", h -> {
            NoticeRecord r = entry.record();
            return Db.restoreWithId(
                    h,
                    List.of(restoreUpdate, restoreInsert),
                    u -> u.bind("eventId", r.eventId())
                            .bind("kind", r.kind().wireName())
                            .bind("userId", r.userId().value())
                            .bind(
                                    "customerId",
                                    r.customerId() == null
                                            ? null
                                            : r.customerId().value())
                            .bind("status", r.status().wireName())
                            .bind("messageId", r.messageId())
                            .bind("error", r.error())
                            .bindByType("at", Db.ts(r.at()), OffsetDateTime.class),
                    advanceIds,
                    entry.id());
        });
    }

    @Override
    public Page<NoticeEntry> list(NoticeQuery q) {
        StringBuilder sql = new StringBuilder(select);
        List<String> conditions = new ArrayList<>();
        if (q.userId() != null) {
            conditions.add("user_id = :user");
        }
        if (q.kind() != null) {
            conditions.add("kind = :kind");
        }
        if (q.status() != null) {
            conditions.add("status = :status");
        }
        conditions.forEach(c -> sql.append("\n  AND ").append(c));
        sql.append("\nORDER BY id DESC LIMIT :limit");
        return db.call("notices.list", h -> {
            Query query =
                    h.createQuery(sql.toString()).bind("before", q.beforeId()).bind("limit", q.limit() + 1);
            if (q.userId() != null) {
                query.bind("user", q.userId().value());
            }
            if (q.kind() != null) {
                query.bind("kind", q.kind().wireName());
            }
            if (q.status() != null) {
                query.bind("status", q.status().wireName());
            }
            return Pages.of(query.map(ENTRY).list(), q.limit(), e -> NoticeQuery.cursorAfter(e.id()));
        });
    }

    @Override
    public List<NoticeEntry> forUser(UserId user) {
        return db.call(
                "notices.forUser",
                h -> h.createQuery(ofUser).bind("user", user.value()).map(ENTRY).list());
    }

    @Override
    public boolean wentOut(String eventId, UserId user) {
        return db.call(
                "notices.wentOut",
                h -> h.createQuery(wentOut)
                        .bind("user", user.value())
                        .bind("eventId", eventId)
                        .mapTo(Boolean.class)
                        .one());
    }

    @Override
    public int pseudonymise(UserId user, UserId pseudonym) {
        return db.call(
                "notices.pseudonymise",
                h -> h.createUpdate(pseudonymise)
                        .bind("user", user.value())
                        .bind("pseudonym", pseudonym.value())
                        .execute());
    }

    private static NoticeKind kind(String name) {
        return NoticeKind.fromName(name).orElseThrow(() -> Db.corrupt("a notice_log row has the unknown kind " + name));
    }

    private static NoticeStatus status(String name) {
        return NoticeStatus.fromName(name)
                .orElseThrow(() -> Db.corrupt("a notice_log row has the unknown status " + name));
    }

    @Override
    public int prune(Instant before, int max) {
        return retention.notices(before, max);
    }

    @Override
    public boolean remove(long id) {
        return removals.notice(id);
    }
}

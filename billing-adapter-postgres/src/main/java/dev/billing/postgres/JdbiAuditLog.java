package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.port.AuditLog;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link AuditLog} on the {@code audit_log} table. The projection's changes are written there by V11's triggers, in
 * the transaction of the write (with the {@code cause} the write put in its row); explicit entries are one
 * {@code INSERT ... ON CONFLICT DO NOTHING} on {@code audit_log_explicit_key}, or for a refund's creation on
 * {@code audit_log_refund_created_key} (once per refund whatever the cause, V20, the request's entry taking over its
 * webhook's). The listing is one keyset query on the id, newest first, with the filters given.
 */
final class JdbiAuditLog implements AuditLog {
    private static final RowMapper<AuditEntry> ENTRY = (rs, ctx) -> new AuditEntry(
            rs.getLong("id"),
            Db.instant(rs, "recorded_at"),
            action(rs.getString("entity"), rs.getString("action")),
            rs.getString("entity_id"),
            userId(rs.getString("user_id")),
            customerId(rs.getString("customer_id")),
            cause(rs.getString("cause")),
            JsonMaps.read(rs.getString("detail")));

    private final Db db;
    private final JdbiRemovals removals;
    private final String insert;
    private final String takeOver;
    private final String select;
    private final String usersCustomer;
    private final String restoreUpdate;
    private final String restoreInsert;
    private final Db.IdentityAdvance advanceIds;

    JdbiAuditLog(Db db) {
        this.db = db;
        this.removals = new JdbiRemovals(db);
        this.insert = db.sql("""
                INSERT INTO {schema}.audit_log (entity, entity_id, action, user_id, customer_id, cause, detail,
                    explicit)
                VALUES (:entity, :entityId, :action, :userId, :customerId, :cause, CAST(:detail AS jsonb), true)
                ON CONFLICT DO NOTHING
                """);
        // A refund's creation recorded by a request takes over the entry of a cause that is not a request (its
        // webhook's) on V20's audit_log_refund_created_key, the only action AuditAction.takenOverBy names. The entry
        // keeps whom it names (an erasure may have renamed them); the request brings its cause and detail.
        this.takeOver = db.sql("""
                INSERT INTO {schema}.audit_log AS a (entity, entity_id, action, user_id, customer_id, cause, detail,
                    explicit)
                VALUES (:entity, :entityId, :action, :userId, :customerId, :cause, CAST(:detail AS jsonb), true)
                ON CONFLICT (entity_id) WHERE explicit AND entity = 'refund' AND action = 'created'
                DO UPDATE SET user_id = coalesce(a.user_id, EXCLUDED.user_id),
                    customer_id = coalesce(a.customer_id, EXCLUDED.customer_id), cause = EXCLUDED.cause,
                    detail = EXCLUDED.detail
                WHERE split_part(a.cause, ':', 1) NOT IN ('request', 'admin', 'service')
                """);
        // V2's status columns are read into the detail, so older rows show their statuses too.
        this.select = db.sql("""
                SELECT id, recorded_at, entity, action, entity_id, user_id, customer_id, cause,
                    CAST(jsonb_strip_nulls(detail || jsonb_build_object('old_status', old_status,
                        'new_status', new_status)) AS text) AS detail
                FROM {schema}.audit_log
                WHERE id < :before""");
        // In the trail's collation: customers.customer_id is COLLATE "C", and compared in it the trail's
        // audit_log_customer_idx (default collation) cannot serve the comparison, so the trail was read whole.
        this.usersCustomer =
                db.sql("SELECT customer_id COLLATE \"default\" FROM {schema}.customers WHERE user_id = :user");
        // Compared as list() reads a row, so an unchanged entry is not written again; the statuses go into V2's
        // columns, which list() lays over the detail (a status left in the detail would be hidden by their nulls).
        this.restoreUpdate = db.sql("""
                UPDATE {schema}.audit_log
                SET recorded_at = :recordedAt, entity = :entity, action = :action, entity_id = :entityId,
                    user_id = :userId, customer_id = :customerId, cause = :cause,
                    detail = CAST(:detail AS jsonb) - 'old_status' - 'new_status',
                    old_status = CAST(:detail AS jsonb) ->> 'old_status',
                    new_status = CAST(:detail AS jsonb) ->> 'new_status', explicit = :explicit
                WHERE id = :id
                  AND (recorded_at, entity, action, entity_id, user_id, customer_id, cause,
                       jsonb_strip_nulls(detail || jsonb_build_object('old_status', old_status,
                           'new_status', new_status)))
                      IS DISTINCT FROM (CAST(:recordedAt AS timestamptz), CAST(:entity AS text),
                       CAST(:action AS text), CAST(:entityId AS text), CAST(:userId AS text),
                       CAST(:customerId AS text), CAST(:cause AS text), CAST(:detail AS jsonb))
                """);
        this.restoreInsert = db.sql("""
                INSERT INTO {schema}.audit_log (id, recorded_at, entity, entity_id, action, user_id, customer_id, cause,
                    detail, old_status, new_status, explicit)
                OVERRIDING SYSTEM VALUE
                VALUES (:id, :recordedAt, :entity, :entityId, :action, :userId, :customerId, :cause,
                    CAST(:detail AS jsonb) - 'old_status' - 'new_status', CAST(:detail AS jsonb) ->> 'old_status',
                    CAST(:detail AS jsonb) ->> 'new_status', :explicit)
                ON CONFLICT DO NOTHING
                """);
        // The identity goes past the restored id, so entries recorded later get higher ids (never backwards: a
        // concurrent insert may have taken a higher one).
        this.advanceIds = db.identityAdvance("audit_log");
    }

    @Override
    public boolean record(AuditRecord entry) {
        String sql = entry.action().takenOverBy(entry.cause()) ? takeOver : insert;
        return db.call(
                "audit.record",
                h -> h.createUpdate(sql)
                                .bind("entity", entry.action().entity())
                                .bind("entityId", entry.entityId())
                                .bind("action", entry.action().action())
                                .bind(
                                        "userId",
                                        entry.userId() == null
                                                ? null
                                                : entry.userId().value())
                                .bind(
                                        "customerId",
                                        entry.customerId() == null
                                                ? null
                                                : entry.customerId().value())
                                .bind("cause", entry.cause().text())
                                .bind("detail", JsonMaps.write(entry.detail()))
                                .execute()
                        == 1);
    }

    /**
     * In one transaction: the entry replaces a different one of its id, or is inserted with its id unless that id
     * (or, for an explicit action, its action, entity and cause) is taken; then the identity moves past it.
     */
    @Override
    public boolean restore(AuditEntry entry) {
        return db.transaction(
                "audit.restore",
                h -> Db.restoreWithId(
                        h,
                        List.of(restoreUpdate, restoreInsert),
                        u -> u.bindByType("recordedAt", Db.ts(entry.recordedAt()), OffsetDateTime.class)
                                .bind("entity", entry.action().entity())
                                .bind("action", entry.action().action())
                                .bind("entityId", entry.entityId())
                                .bind(
                                        "userId",
                                        entry.userId() == null
                                                ? null
                                                : entry.userId().value())
                                .bind(
                                        "customerId",
                                        entry.customerId() == null
                                                ? null
                                                : entry.customerId().value())
                                .bind(
                                        "cause",
                                        entry.cause() == null
                                                ? null
                                                : entry.cause().text())
                                .bind("detail", JsonMaps.write(entry.detail()))
                                .bind("explicit", entry.action().explicit()),
                        advanceIds,
                        entry.id()));
    }

    /**
     * One query; the account filter takes the rows naming the account and those of the customer linked to it now
     * (an erased account's own id is linked to nothing, and no row names it any more). That filter is two branches,
     * each newest first along its own index ({@code audit_log_user_idx}, {@code audit_log_customer_idx}) and cut at
     * the page's size, then merged: as one {@code OR}, the planner walked the primary key back from the newest entry
     * of the whole trail until it had a page, or read it whole, which at a million customers meant millions of rows
     * for an account with few entries (docs/BENCHMARKS.md, "Growth"). {@link #accountQuery} is that statement.
     */
    @Override
    public Page<AuditEntry> list(AuditQuery q) {
        List<String> conditions = new ArrayList<>();
        if (q.customerId() != null) {
            conditions.add("customer_id = :customer");
        }
        if (q.action() != null) {
            conditions.add("entity = :entity AND action = :action");
        }
        if (q.from() != null) {
            conditions.add("recorded_at >= :from");
        }
        if (q.to() != null) {
            conditions.add("recorded_at < :to");
        }
        String sql = q.userId() == null ? branch(conditions) : accountQuery(conditions);
        return db.call("audit.list", h -> {
            Query query = h.createQuery(sql).bind("before", q.beforeId()).bind("limit", q.limit() + 1);
            if (q.userId() != null) {
                query.bind("user", q.userId().value());
            }
            if (q.customerId() != null) {
                query.bind("customer", q.customerId().value());
            }
            if (q.action() != null) {
                query.bind("entity", q.action().entity())
                        .bind("action", q.action().action());
            }
            if (q.from() != null) {
                query.bindByType("from", Db.ts(q.from()), OffsetDateTime.class);
            }
            if (q.to() != null) {
                query.bindByType("to", Db.ts(q.to()), OffsetDateTime.class);
            }
            return Pages.of(query.map(ENTRY).list(), q.limit(), e -> AuditQuery.cursorAfter(e.id()));
        });
    }

    /** An account's entries (bound as {@code :user}) with these further conditions, newest first, one page. */
    String accountQuery(List<String> conditions) {
        List<String> named = new ArrayList<>(conditions);
        named.add("user_id = :user");
        List<String> linked = new ArrayList<>(conditions);
        linked.add("customer_id = (" + usersCustomer + ")");
        linked.add("user_id IS DISTINCT FROM :user"); // a row naming both is the first branch's
        return "SELECT * FROM ((" + branch(named) + ")\nUNION ALL\n(" + branch(linked)
                + ")) AS entries ORDER BY id DESC LIMIT :limit";
    }

    /** The select with these conditions, newest first, one page and one row more (whether there is a next page). */
    private String branch(List<String> conditions) {
        StringBuilder sql = new StringBuilder(select);
        conditions.forEach(c -> sql.append("\n  AND ").append(c));
        return sql.append("\nORDER BY id DESC LIMIT :limit").toString();
    }

    private static AuditAction action(String entity, String action) {
        return AuditAction.of(entity, action)
                .orElseThrow(() -> Db.corrupt("an audit row has the unknown action " + entity + "." + action));
    }

    private static UserId userId(String value) {
        return value == null ? null : UserId.of(value);
    }

    private static CustomerId customerId(String value) {
        return value == null ? null : CustomerId.of(value);
    }

    private static AuditCause cause(String text) {
        try {
            return AuditCause.parse(text);
        } catch (IllegalArgumentException e) {
            return AuditCause.system(text); // a cause some other tool wrote: shown as it is
        }
    }

    @Override
    public boolean remove(long id) {
        return removals.auditEntry(id);
    }
}

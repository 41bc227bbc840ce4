package dev.billing.postgres;

import dev.billing.core.model.Page;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * The inbox's reads for people and exports ({@link JdbiEventInbox#find}, {@link JdbiEventInbox#list},
 * {@link JdbiEventInbox#about}), and how a row reads as an {@link InboxEntry}, which the claims use too.
 */
final class JdbiInboxReads {
    /** Every column of an entry, each with the prefix given to {@code formatted} ("" or an alias like "i."). */
    static final String COLUMNS = """
            %1$sevent_id, %1$sevent_type, %1$sevent_created, %1$slivemode, %1$sapi_version, %1$sobject_id,
            %1$sobject_type, %1$spayload, %1$sstatus, %1$sattempts, %1$slast_error,
            %1$sreceived_at, %1$snext_attempt_at, %1$slease_owner, %1$slease_expires_at, %1$sprocessed_at,
            %1$snotified_at, %1$ssubject_id""";

    static final RowMapper<InboxEntry> ENTRY = JdbiInboxReads::entry;

    private final Db db;
    private final String find;
    private final String listFirst;
    private final String listAfter;
    private final String listStatusFirst;
    private final String listStatusAfter;
    private final String about;

    JdbiInboxReads(Db db) {
        this.db = db;
        String columns = COLUMNS.formatted("");
        this.find = db.sql("SELECT " + columns + " FROM {schema}.webhook_inbox WHERE event_id = :eventId");
        String order = "\nORDER BY received_at DESC, event_id COLLATE \"C\"\nLIMIT :limit";
        String after =
                "(received_at < :receivedAt OR (received_at = :receivedAt AND event_id COLLATE \"C\" > :eventId))";
        this.listFirst = db.sql(everyStatus(columns, "TRUE", order));
        this.listAfter = db.sql(everyStatus(columns, after, order));
        this.listStatusFirst =
                db.sql("SELECT " + columns + " FROM {schema}.webhook_inbox WHERE status = :status" + order);
        this.listStatusAfter = db.sql(
                "SELECT " + columns + " FROM {schema}.webhook_inbox WHERE status = :status AND " + after + order);
        // Index scan of webhook_inbox_subject_idx (V19), then a top-N sort of the account's few entries
        // (QueryPlansIT). The predicate implies the partial index's.
        this.about =
                db.sql("SELECT " + columns + " FROM {schema}.webhook_inbox WHERE subject_id = ANY(:subjects)" + order);
    }

    /**
     * {@link #list} over every status: one branch per status, each served in order by
     * webhook_inbox_status_received_idx, merged (QueryPlansIT). An index on received_at alone would serve it too, but
     * every event would write two more index entries (one on insert, one on completion, which is never a HOT update
     * because it changes the status), for a listing only an admin asks for (V18).
     */
    private static String everyStatus(String columns, String condition, String order) {
        StringJoiner branches = new StringJoiner("\nUNION ALL\n", "SELECT * FROM (\n", "\n) AS every_status" + order);
        for (InboxStatus status : InboxStatus.values()) {
            branches.add("(SELECT " + columns + " FROM {schema}.webhook_inbox WHERE status = '" + status.wireName()
                    + "' AND " + condition + order + ")");
        }
        return branches.toString();
    }

    Optional<InboxEntry> find(String eventId) {
        return db.call(
                "inbox.find",
                h -> h.createQuery(find).bind("eventId", eventId).map(ENTRY).findOne());
    }

    Page<InboxEntry> list(InboxStatus status, String cursor, int limit) {
        Cursors.checkLimit(limit);
        List<String> position = Cursors.decode(cursor, 2);
        return db.call("inbox.list", h -> {
            Query query;
            if (position == null) {
                query = h.createQuery(status == null ? listFirst : listStatusFirst);
            } else {
                Instant receivedAt = Cursors.instantFromMicros(position.get(0));
                query = h.createQuery(status == null ? listAfter : listStatusAfter)
                        .bindByType("receivedAt", Db.ts(receivedAt), OffsetDateTime.class)
                        .bind("eventId", position.get(1));
            }
            if (status != null) {
                query.bind("status", status.wireName());
            }
            List<InboxEntry> rows = query.bind("limit", limit + 1).map(ENTRY).list();
            return Pages.of(rows, limit, e -> Cursors.encode(Cursors.micros(e.receivedAt()), e.eventId()));
        });
    }

    /** One query in {@link #list}'s order (received_at DESC, then event id), so ties come out the same way. */
    List<InboxEntry> about(Set<String> subjects, int max) {
        List<String> ids = subjects.stream().filter(Objects::nonNull).toList();
        if (ids.isEmpty() || max < 1) {
            return List.of();
        }
        return db.call(
                "inbox.about",
                h -> h.createQuery(about)
                        .bindArray("subjects", String.class, ids)
                        .bind("limit", max)
                        .map(ENTRY)
                        .list());
    }

    private static InboxStatus status(String stored) {
        return InboxStatus.parse(stored).orElseThrow(() -> Db.corrupt("inbox status"));
    }

    static InboxEntry entry(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        StripeEvent event = new StripeEvent(
                rs.getString("event_id"),
                rs.getString("event_type"),
                Db.instant(rs, "event_created"),
                rs.getBoolean("livemode"),
                rs.getString("api_version"),
                rs.getString("object_id"),
                rs.getString("object_type"),
                rs.getString("payload"),
                rs.getString("subject_id"));
        return new InboxEntry(
                event,
                status(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                Db.instant(rs, "received_at"),
                Db.instant(rs, "next_attempt_at"),
                rs.getString("lease_owner"),
                Db.instant(rs, "lease_expires_at"),
                Db.instant(rs, "processed_at"),
                Db.instant(rs, "notified_at"));
    }
}

package dev.billing.postgres;

import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@link dev.billing.core.port.EventInbox#countUpTo} on Postgres: one statement with a branch per asked status, each
 * reading at most {@code cap + 1} entries along an index and counting them, so an admin's list of a ten-million-entry
 * inbox reads at most ten thousand and one index entries per status, not the whole table ({@code countByStatus} reads it all).
 */
final class JdbiInboxCounts {
    private final Db db;

    JdbiInboxCounts(Db db) {
        this.db = db;
    }

    /** Every entry counted, by status (each status present, zero when none). */
    Map<InboxStatus, Long> byStatus() {
        Map<InboxStatus, Long> counts = new EnumMap<>(InboxStatus.class);
        for (InboxStatus status : InboxStatus.values()) {
            counts.put(status, 0L);
        }
        String sql = db.sql("SELECT status, count(*) AS n FROM {schema}.webhook_inbox GROUP BY status");
        db.call("inbox.countByStatus", h -> {
            h.createQuery(sql)
                    .map((rs, ctx) -> Map.entry(status(rs.getString("status")), rs.getLong("n")))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            return null;
        });
        return counts;
    }

    InboxCounts countUpTo(Set<InboxStatus> statuses, long cap) {
        Long rows = InboxCounts.rowsToRead(cap);
        Map<InboxStatus, Long> found = new EnumMap<>(InboxStatus.class);
        if (statuses.isEmpty()) {
            return InboxCounts.upTo(cap, statuses, found);
        }
        String sql = db.sql(query(statuses));
        db.call("inbox.countUpTo", h -> {
            h.createQuery(sql)
                    .bind("rows", rows)
                    .map((rs, ctx) -> Map.entry(status(rs.getString("status")), rs.getLong("n")))
                    .forEach(e -> found.put(e.getKey(), e.getValue()));
            return null;
        });
        return InboxCounts.upTo(cap, statuses, found);
    }

    /**
     * The statement: per status, at most {@code :rows} entries read along webhook_inbox_status_received_idx (for
     * pending the planner may take the partial due index, as bounded), then counted (QueryPlansIT). Each status is a
     * literal, not a parameter, so the planner sees how rare pending and failed entries are. {@code LIMIT NULL} reads
     * them all ({@link InboxCounts#EXACT}).
     */
    static String query(Set<InboxStatus> statuses) {
        StringJoiner branches = new StringJoiner("\nUNION ALL\n");
        for (InboxStatus status : EnumSet.copyOf(statuses)) {
            String name = status.wireName();
            branches.add("SELECT '" + name + "' AS status, (SELECT count(*) FROM (SELECT 1 FROM {schema}.webhook_inbox"
                    + " WHERE status = '" + name + "' LIMIT :rows) AS up_to) AS n");
        }
        return branches.toString();
    }

    private static InboxStatus status(String stored) {
        return InboxStatus.parse(stored).orElseThrow(() -> new IllegalStateException("unknown status " + stored));
    }
}

package dev.billing.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * What Postgres counted for the billing tables ({@code pg_stat_user_tables}): sequential scans and rows. The
 * growth scenario reads it before and after each path, so a path that reads a large table whole is named whatever
 * statement did it, without the bench knowing the adapters' SQL.
 */
final class TableScans {
    /**
     * A server backend publishes its counters at the end of a transaction at most once a second, and an idle one
     * within 10 seconds ({@code PGSTAT_IDLE_INTERVAL}): after this long every statement of a path is counted.
     */
    static final Duration FLUSH = Duration.ofSeconds(11);

    /**
     * Table → {sequential scans, rows, index scans}. The rows are the planner's count ({@code reltuples}, exact
     * after a {@code VACUUM}): {@code n_live_tup} adds an inserting backend's counts whenever it publishes them,
     * after a {@code VACUUM} that already counted those rows too.
     */
    record Snapshot(Map<String, long[]> tables) {
        /** The sequential scans since {@code before}, by table (only those with any). */
        Map<String, Long> scansSince(Snapshot before) {
            Map<String, Long> scans = new TreeMap<>();
            tables.forEach((table, now) -> {
                long[] then = before.tables().get(table);
                long delta = now[0] - (then == null ? 0 : then[0]);
                if (delta > 0) {
                    scans.put(table, delta);
                }
            });
            return scans;
        }

        /** Every read of any table since {@code before}, sequential or by index. */
        long readsSince(Snapshot before) {
            long reads = 0;
            for (Map.Entry<String, long[]> e : tables.entrySet()) {
                long[] then = before.tables().getOrDefault(e.getKey(), new long[3]);
                reads += e.getValue()[0] - then[0] + e.getValue()[2] - then[2];
            }
            return reads;
        }

        Map<String, Long> rows() {
            Map<String, Long> rows = new TreeMap<>();
            tables.forEach((table, v) -> rows.put(table, v[1]));
            return rows;
        }
    }

    private TableScans() {}

    static Snapshot read(Connection c) throws SQLException {
        Map<String, long[]> tables = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT s.relname, coalesce(s.seq_scan, 0), greatest(c.reltuples, 0)::bigint, "
                                + "coalesce(s.idx_scan, 0) FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
                                + "WHERE s.schemaname = 'billing' AND s.relname <> 'billing_schema_history'")) {
            while (r.next()) {
                tables.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3), r.getLong(4)});
            }
        }
        return new Snapshot(tables);
    }

    /** Waits until the server's connections have published what the last path did ({@link #FLUSH}). */
    static Snapshot readAfterFlush(Connection c) throws SQLException {
        LockSupport.parkNanos(FLUSH.toNanos()); // Postgres' own publishing interval, not an ordering guess
        return read(c);
    }
}

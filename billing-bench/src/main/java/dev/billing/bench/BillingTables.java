package dev.billing.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The server's tables in the bench's database, listed by Postgres itself so that a new migration needs no edit. */
final class BillingTables {
    static final String SCHEMA = "billing";

    private BillingTables() {}

    /** Every table of the billing schema, schema-qualified and quoted. */
    static List<String> names(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT quote_ident(relname) FROM pg_class WHERE relkind = 'r' AND "
                        + "relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = '%s') ORDER BY relname"
                                .formatted(SCHEMA))) {
            while (r.next()) {
                tables.add(SCHEMA + "." + r.getString(1));
            }
        }
        return tables;
    }

    /** {@code VACUUM (ANALYZE)} of every billing table (none yet: nothing to do). */
    static void vacuumAnalyze(Connection c) throws SQLException {
        List<String> tables = names(c);
        if (!tables.isEmpty()) {
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM (ANALYZE) " + String.join(", ", tables));
            }
        }
    }

    /** What the billing schema holds: its size on disk and the rows of its two largest tables, by name. */
    record Contents(long bytes, Map<String, Long> rows) {
        /** Whether any of the counted tables holds a row (a run then starts on earlier runs' data). */
        boolean holdsRows() {
            return rows.values().stream().anyMatch(n -> n > 0);
        }

        String describe() {
            List<String> counted = new ArrayList<>();
            rows.forEach((table, n) -> counted.add(String.format(Locale.ROOT, "%,d %s rows", n, table)));
            return String.format(
                    Locale.ROOT,
                    "%,d MB in the %s schema%s",
                    Math.round(bytes / (1024.0 * 1024.0)),
                    SCHEMA,
                    counted.isEmpty() ? "" : " (" + String.join(", ", counted) + ")");
        }
    }

    /**
     * What the billing schema holds now, or null when it has no table. Postgres' CPU per event grows with what is
     * stored (docs/BENCHMARKS.md, "CPU per event on a quiet day"), so a report says what its run started on.
     */
    static Contents contents(Connection c) throws SQLException {
        List<String> tables = names(c);
        if (tables.isEmpty()) {
            return null;
        }
        long bytes;
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT coalesce(sum(pg_total_relation_size(oid)), 0) FROM pg_class "
                        + "WHERE relkind = 'r' AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = '%s')"
                                .formatted(SCHEMA))) {
            r.next();
            bytes = r.getLong(1);
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : List.of("customers", "webhook_inbox")) {
            if (tables.contains(SCHEMA + "." + table)) {
                try (Statement s = c.createStatement();
                        ResultSet r = s.executeQuery("SELECT count(*) FROM " + SCHEMA + "." + table)) {
                    r.next();
                    rows.put(table, r.getLong(1));
                }
            }
        }
        return new Contents(bytes, rows);
    }
}

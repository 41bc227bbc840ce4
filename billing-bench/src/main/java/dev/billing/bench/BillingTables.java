package dev.billing.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The server's tables in the bench's database, listed by Postgres itself so that a new migration needs no edit. */
final class BillingTables {
    static final String SCHEMA = "billing";

    private BillingTables() {}

    /** Every table of the billing schema, schema-qualified and quoted. */
    static List<String> names(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT quote_ident(relname) FROM pg_class WHERE relkind = 'r' AND "
                        + "relnamespace = '%s'::regnamespace ORDER BY relname".formatted(SCHEMA))) {
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
}

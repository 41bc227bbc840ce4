package dev.billing.supabase;

import dev.billing.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Plain JDBC against a test database, for checks the REST API cannot make. */
final class Sql {
    private Sql() {}

    /** The first column of every row, as text. */
    static List<String> column(TestDatabase db, String query) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + query, e);
        }
    }

    /**
     * The plan Postgres would use for {@code query} on a large table: sequential and bitmap scans disabled, as the
     * Postgres adapter's QueryPlansIT does.
     */
    static String plan(TestDatabase db, String query) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            s.execute("SET enable_bitmapscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("EXPLAIN " + query)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + query, e);
        }
    }

    /** Runs statements (several, separated by semicolons) that answer nothing. */
    static void execute(TestDatabase db, String sql) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + sql, e);
        }
    }

    /** What a query answered (its first column, as text) and how much of one table it read. */
    record Read(List<String> values, long rowsRead) {}

    /**
     * Runs {@code query} as on a large table (sequential and bitmap scans disabled, as {@link #plan} does) in a
     * transaction of its own, and counts the rows and index entries of {@code table} it read, from the transaction's
     * own statistics: a sequential scan's rows count on the table, an index scan's entries on the index.
     */
    static Read read(TestDatabase db, String table, String query) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL enable_seqscan = off");
            s.execute("SET LOCAL enable_bitmapscan = off");
            List<String> values = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(query)) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            long read;
            try (ResultSet rs = s.executeQuery(("SELECT pg_stat_get_xact_tuples_returned('%1$s'::regclass) + (SELECT"
                            + " coalesce(sum(pg_stat_get_xact_tuples_returned(indexrelid)), 0) FROM pg_index"
                            + " WHERE indrelid = '%1$s'::regclass)")
                    .formatted(table))) {
                rs.next();
                read = rs.getLong(1);
            }
            c.rollback();
            return new Read(values, read);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + query, e);
        }
    }

    static String value(TestDatabase db, String query) {
        List<String> values = column(db, query);
        if (values.size() != 1) {
            throw new IllegalStateException("expected one row, got " + values.size() + ": " + query);
        }
        return values.get(0);
    }

    /**
     * Everything about the schema that applying the billing SQL could change (columns, defaults, collations,
     * indexes, constraints, functions with their bodies, settings and grants, RLS and table grants) and a digest
     * of every row of every table.
     */
    static String fingerprint(TestDatabase db) {
        List<String> lines = new ArrayList<>(column(db, """
                SELECT line FROM (
                  SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' default '
                         || coalesce(column_default, '-') || ' null ' || is_nullable || ' collate '
                         || coalesce(collation_name, '-') AS line
                    FROM information_schema.columns WHERE table_schema = 'public'
                  UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
                  UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                  UNION ALL SELECT 'function ' || p.oid::regprocedure || ' ' || md5(p.prosrc) || ' definer '
                         || p.prosecdef || ' config ' || coalesce(array_to_string(p.proconfig, ','), '-') || ' acl '
                         || coalesce(p.proacl::text, '-')
                    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
                  UNION ALL SELECT 'table ' || relname || ' rls ' || relrowsecurity || ' acl ' || coalesce(relacl::text, '-')
                    FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
                ) s ORDER BY line
                """));
        for (String table : column(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
            lines.add("rows " + table + " "
                    + value(
                            db,
                            "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, "
                                    + "'|' ORDER BY t::text)), '-') FROM public." + table + " t"));
        }
        return String.join("\n", lines);
    }
}

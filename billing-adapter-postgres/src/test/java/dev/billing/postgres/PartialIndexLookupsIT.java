package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The statements that find one row by its key and also test a partial index's predicate (the inbox's claim,
 * complete, fail and batched complete; a meter report's retry) probe the primary key in the tables' steady state:
 * every row done, vacuumed and analyzed, so the partial index (webhook_inbox_due_idx {@code WHERE status =
 * 'pending'}, meter_reports_pending_idx {@code WHERE reported_at IS NULL}) counts no live entry and looks free to
 * scan. Plans are generic, as a pooled connection reuses them. Spelled plainly, the test takes the partial index and
 * then reads every live and dead entry in it per lookup (docs/BENCHMARKS_HISTORY.md, "Postgres' profile").
 */
@ExtendWith(PostgresDatabaseExtension.class)
class PartialIndexLookupsIT {
    /** The store's statements, as it sends them, with arguments to plan them for. */
    private enum Lookup {
        INBOX_CLAIM("""
                UPDATE billing.webhook_inbox SET attempts = attempts + 1, lease_owner = $1, lease_expires_at = $2,
                    processed_at = NULL
                WHERE event_id = $3 AND {test} AND (next_attempt_at IS NULL OR next_attempt_at <= $4)
                    AND (lease_expires_at IS NULL OR lease_expires_at <= $4)
                RETURNING event_id""", "(text, timestamptz, text, timestamptz)", "('o', now(), 'evt_1', now())", Table.INBOX),
        INBOX_COMPLETE("""
                UPDATE billing.webhook_inbox SET status = $1, processed_at = $2, next_attempt_at = NULL,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE event_id = $3 AND lease_owner = $4 AND {test}""", "(text, timestamptz, text, text)", "('processed', now(), 'evt_1', 'o')", Table.INBOX),
        INBOX_COMPLETE_BATCH(
                """
                UPDATE billing.webhook_inbox AS i SET status = v.outcome, processed_at = v.now,
                    next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL
                FROM (VALUES (CAST($1 AS text), CAST($2 AS text), CAST($3 AS text), CAST($4 AS timestamptz)),
                             (CAST($5 AS text), CAST($6 AS text), CAST($7 AS text), CAST($8 AS timestamptz)))
                    AS v (event_id, owner, outcome, now)
                WHERE i.event_id = v.event_id AND i.lease_owner = v.owner AND i.{test}
                RETURNING i.event_id""",
                "(text, text, text, timestamptz, text, text, text, timestamptz)",
                "('evt_1', 'o', 'processed', now(), 'evt_2', 'o', 'processed', now())",
                Table.INBOX),
        REPORT_RETRY("""
                UPDATE billing.meter_reports SET last_error = $1, next_attempt_at = $2
                WHERE identifier = $3 AND {test}""", "(text, timestamptz, text)", "('e', now(), 'mr_1')", Table.METER_REPORTS);

        private final String sql;
        private final String args;
        private final String values;
        private final Table table;

        Lookup(String sql, String args, String values, Table table) {
            this.sql = sql;
            this.args = args;
            this.values = values;
            this.table = table;
        }

        String plan(String test) throws SQLException {
            return genericPlan(sql.replace("{test}", test), args, values);
        }
    }

    /** A table, its partial index, and the test as the store spells it and as it reads plainly. */
    private enum Table {
        INBOX("webhook_inbox_pkey", "webhook_inbox_due_idx", JdbiEventInbox.PENDING_BY_ID, "status = 'pending'"),
        METER_REPORTS(
                "meter_reports_pkey",
                "meter_reports_pending_idx",
                JdbiUsageLedger.UNREPORTED_BY_ID,
                "reported_at IS NULL");

        private final String primaryKey;
        private final String partialIndex;
        private final String storeTest;
        private final String plainTest;

        Table(String primaryKey, String partialIndex, String storeTest, String plainTest) {
            this.primaryKey = primaryKey;
            this.partialIndex = partialIndex;
            this.storeTest = storeTest;
            this.plainTest = plainTest;
        }
    }

    private static TestDatabase db;

    @BeforeAll
    static void steadyState(TestDatabase database) throws SQLException {
        db = database;
        PostgresBillingStores.migrate(db.dataSource());
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            // Written pending (so the partial index gets an entry per row), then done, as the stores do.
            s.execute("""
                    INSERT INTO billing.webhook_inbox (event_id, event_type, event_created, livemode, api_version,
                        object_id, object_type, payload, status, attempts, received_at, lease_owner, lease_expires_at)
                    SELECT 'evt_' || g, 'customer.created', now(), false, '2026-07-29.dahlia', 'cus_' || g,
                        'customer', '{}', 'pending', 1, now(), 'o', now() + interval '1 minute'
                    FROM generate_series(1, 5000) AS g""");
            s.execute("""
                    UPDATE billing.webhook_inbox SET status = 'processed', processed_at = now(), lease_owner = NULL,
                        lease_expires_at = NULL""");
            s.execute("""
                    INSERT INTO billing.meter_reports (identifier, event_name, customer_id, value, event_timestamp)
                    SELECT 'mr_' || g, 'api_calls', 'cus_' || g, 1, now() FROM generate_series(1, 5000) AS g""");
            s.execute("UPDATE billing.meter_reports SET reported_at = now()");
            s.execute("VACUUM (ANALYZE) billing.webhook_inbox");
            s.execute("VACUUM (ANALYZE) billing.meter_reports");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Lookup.class)
    void findsTheRowByItsPrimaryKey(Lookup lookup) throws SQLException {
        String plan = lookup.plan(lookup.table.storeTest);
        assertThat(plan)
                .as(plan)
                .contains("Index Scan using " + lookup.table.primaryKey)
                .doesNotContain(lookup.table.partialIndex)
                .doesNotContain("Seq Scan");
    }

    /** The trap is real in this state: spelled plainly, the test takes the partial index. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Lookup.class,
            names = {"INBOX_CLAIM", "REPORT_RETRY"})
    void thePlainSpellingWouldScanThePartialIndex(Lookup lookup) throws SQLException {
        String plan = lookup.plan(lookup.table.plainTest);
        assertThat(plan).as(plan).contains(lookup.table.partialIndex);
    }

    private static String genericPlan(String sql, String args, String values) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE lookup " + args + " AS " + sql);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE lookup " + values)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            } finally {
                s.execute("DEALLOCATE lookup");
                s.execute("RESET plan_cache_mode");
            }
            return plan.toString();
        }
    }
}

package dev.billing.postgres;

import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox's statements that find one event by id (claim, complete, fail, the batched complete) probe the primary
 * key in the inbox's steady state: every event processed, vacuumed and analyzed, so webhook_inbox_due_idx (partial,
 * {@code WHERE status = 'pending'}) counts no live entry and looks free to scan. Plans are generic, as a pooled
 * connection reuses them. A lookup that says {@code status = 'pending'} takes that index instead, and then scans
 * every pending and dead entry per event (seen in the ingest bench's Postgres profile).
 */
@ExtendWith(PostgresDatabaseExtension.class)
class InboxLookupPlansIT {
    /** The store's statements that find one event by id, as it sends them, with arguments to plan them for. */
    private enum Lookup {
        CLAIM("""
                UPDATE billing.webhook_inbox SET attempts = attempts + 1, lease_owner = $1, lease_expires_at = $2,
                    processed_at = NULL
                WHERE event_id = $3 AND {pending} AND (next_attempt_at IS NULL OR next_attempt_at <= $4)
                    AND (lease_expires_at IS NULL OR lease_expires_at <= $4)
                RETURNING event_id""", "(text, timestamptz, text, timestamptz)", "('o', now(), 'evt_1', now())"),
        COMPLETE("""
                UPDATE billing.webhook_inbox SET status = $1, processed_at = $2, next_attempt_at = NULL,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE event_id = $3 AND lease_owner = $4 AND {pending}""",
                "(text, timestamptz, text, text)", "('processed', now(), 'evt_1', 'o')"),
        COMPLETE_BATCH("""
                UPDATE billing.webhook_inbox AS i SET status = v.outcome, processed_at = v.now,
                    next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL
                FROM (VALUES (CAST($1 AS text), CAST($2 AS text), CAST($3 AS text), CAST($4 AS timestamptz)),
                             (CAST($5 AS text), CAST($6 AS text), CAST($7 AS text), CAST($8 AS timestamptz)))
                    AS v (event_id, owner, outcome, now)
                WHERE i.event_id = v.event_id AND i.lease_owner = v.owner AND i.{pending}
                RETURNING i.event_id""", "(text, text, text, timestamptz, text, text, text, timestamptz)",
                "('evt_1', 'o', 'processed', now(), 'evt_2', 'o', 'processed', now())");

        private final String sql;
        private final String args;
        private final String values;

        Lookup(String sql, String args, String values) {
            this.sql = sql;
            this.args = args;
            this.values = values;
        }

        String plan(String pending) throws SQLException {
            return genericPlan(sql.replace("{pending}", pending), args, values);
        }
    }

    private static TestDatabase db;

    @BeforeAll
    static void steadyState(TestDatabase database) throws SQLException {
        db = database;
        PostgresBillingStores.migrate(db.dataSource());
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            // Received pending (so the partial index gets an entry per event), then processed, as the pipeline does.
            s.execute("""
                    INSERT INTO billing.webhook_inbox (event_id, event_type, event_created, livemode, api_version,
                        object_id, object_type, payload, status, attempts, received_at, lease_owner, lease_expires_at)
                    SELECT 'evt_' || g, 'customer.created', now(), false, '2026-07-29.dahlia', 'cus_' || g,
                        'customer', '{}', 'pending', 1, now(), 'o', now() + interval '1 minute'
                    FROM generate_series(1, 5000) AS g""");
            s.execute("""
                    UPDATE billing.webhook_inbox SET status = 'processed', processed_at = now(), lease_owner = NULL,
                        lease_expires_at = NULL""");
            s.execute("VACUUM (ANALYZE) billing.webhook_inbox");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Lookup.class)
    void findsTheEventByItsPrimaryKey(Lookup lookup) throws SQLException {
        String plan = lookup.plan(JdbiEventInbox.PENDING_BY_ID);
        assertThat(plan).as(plan).contains("Index Scan using webhook_inbox_pkey").doesNotContain("webhook_inbox_due_idx")
                .doesNotContain("Seq Scan");
    }

    /** The trap is real in this state: the plain spelling of the test takes the partial index. */
    @Test
    void thePlainPendingTestWouldScanThePartialIndex() throws SQLException {
        String plan = Lookup.CLAIM.plan("status = 'pending'");
        assertThat(plan).as(plan).contains("webhook_inbox_due_idx");
    }

    private static String genericPlan(String sql, String args, String values) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
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

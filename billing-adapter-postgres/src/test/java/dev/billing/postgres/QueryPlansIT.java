package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.event.InboxStatus;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stores' ordered queries (the same SQL shapes, COLLATE "C" included) are served in index order: no Sort node
 * (the invoices' payments by a list of invoice ids too);
 * the count of an organization's active members reads its partial index, not the table; a query over a list of keys
 * finds its rows in an index, and so do the erasure's writes, the guest purchases' claim and read by email, the
 * dashboard's search by email, an account's meter events and its audit trail.
 * Sequential and bitmap scans are disabled so that the planner shows the index scan it would use on a large table.
 */
@ExtendWith(PostgresDatabaseExtension.class)
class QueryPlansIT {
    private static final String ORDER = " ORDER BY received_at DESC, event_id COLLATE \"C\" LIMIT 51";
    private static final String EVERY_STATUS = Stream.of("pending", "processed", "ignored", "failed")
            .map(status -> "(SELECT * FROM billing.webhook_inbox WHERE status = '" + status + "'" + ORDER + ")")
            .collect(Collectors.joining(" UNION ALL ", "SELECT * FROM (", ") AS every_status" + ORDER));
    private static TestDatabase db;

    @BeforeAll
    static void migrate(TestDatabase database) {
        db = database;
        PostgresBillingStores.migrate(db.dataSource());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            customers page      | customers_pkey                    | SELECT * FROM billing.customers WHERE user_id COLLATE "C" > 'u' ORDER BY user_id COLLATE "C" LIMIT 51
            customer lookup     | customers_customer_id_key         | SELECT * FROM billing.customers WHERE customer_id = 'cus_1'
            subscriptions of    | subscriptions_customer_created_idx | SELECT * FROM billing.subscriptions WHERE customer_id = 'c' ORDER BY created DESC, id COLLATE "C"
            subscriptions page  | subscriptions_pkey                | SELECT * FROM billing.subscriptions WHERE id COLLATE "C" > 's' ORDER BY id COLLATE "C" LIMIT 51
            invoices of         | invoices_customer_created_idx     | SELECT * FROM billing.invoices WHERE customer_id = 'c' ORDER BY created DESC, id COLLATE "C"
            purchases of        | purchases_customer_purchased_idx  | SELECT * FROM billing.purchases WHERE customer_id = 'c' ORDER BY purchased_at, id COLLATE "C"
            inbox due           | webhook_inbox_due_idx             | SELECT event_id FROM billing.webhook_inbox WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now()) AND (lease_expires_at IS NULL OR lease_expires_at <= now()) ORDER BY event_created, event_id LIMIT 10 FOR UPDATE SKIP LOCKED
            inbox by status     | webhook_inbox_status_received_idx | SELECT * FROM billing.webhook_inbox WHERE status = 'failed' AND (received_at < now() OR (received_at = now() AND event_id COLLATE "C" > 'e')) ORDER BY received_at DESC, event_id COLLATE "C" LIMIT 51
            counters of user    | usage_counters_pkey               | SELECT * FROM billing.usage_counters WHERE user_id = 'u' ORDER BY meter COLLATE "C", period_start
            counters page       | usage_counters_pkey               | SELECT * FROM billing.usage_counters WHERE (user_id COLLATE "C", meter COLLATE "C", period_start) > ('u', 'm', now()) ORDER BY user_id COLLATE "C", meter COLLATE "C", period_start LIMIT 51
            keys page           | usage_keys_pkey                   | SELECT * FROM billing.usage_keys WHERE (user_id COLLATE "C", idempotency_key COLLATE "C") > ('u', 'k') ORDER BY user_id COLLATE "C", idempotency_key COLLATE "C" LIMIT 51
            keys of a user      | usage_keys_pkey                   | SELECT * FROM billing.usage_keys WHERE user_id = 'u' ORDER BY idempotency_key COLLATE "C"
            reports due         | meter_reports_pending_idx         | SELECT identifier FROM billing.meter_reports WHERE reported_at IS NULL AND event_timestamp >= now() - interval '42 days' AND (next_attempt_at IS NULL OR next_attempt_at <= now()) ORDER BY event_timestamp, identifier LIMIT 10 FOR UPDATE SKIP LOCKED
            reports too old     | meter_reports_pending_idx         | SELECT count(*) FROM billing.meter_reports WHERE reported_at IS NULL AND event_timestamp < now() - interval '35 days'
            changes after       | projection_changes_pkey           | SELECT position, origin, customer_id, changed_at FROM billing.projection_changes WHERE position > 5 ORDER BY position LIMIT 1000
            members page        | org_members_pkey                  | SELECT * FROM billing.org_members WHERE (org_id COLLATE "C", user_id COLLATE "C") > ('o', 'u') ORDER BY org_id COLLATE "C", user_id COLLATE "C" LIMIT 51
            active members      | org_members_active_idx            | SELECT count(*) FROM billing.org_members WHERE org_id = 'o' AND active
            members of user     | org_members_user_idx              | SELECT * FROM billing.org_members WHERE user_id = 'u' ORDER BY org_id COLLATE "C"
            member by membership | org_members_membership_idx       | SELECT org_id, user_id FROM billing.org_members WHERE membership_id = 'orgmem_1'
            invoice payments page | invoice_payments_pkey           | SELECT * FROM billing.invoice_payments WHERE (invoice_id, payment_intent_id) > ('i', 'p') ORDER BY invoice_id, payment_intent_id LIMIT 51
            invoice payments of | invoice_payments_pkey             | SELECT invoice_id, payment_intent_id FROM billing.invoice_payments WHERE invoice_id = ANY(ARRAY['in_1', 'in_2']) ORDER BY invoice_id, payment_intent_id
            """)
    void isServedInIndexOrder(String query, String index, String sql) throws SQLException {
        String plan = plan(sql);
        assertThat(plan).as(plan).contains(index).doesNotContain("Sort");
    }

    /**
     * The inbox's listing of every status, as the store sends it: one branch per status from the status index, merged
     * in order (V18 dropped the index on received_at alone); no Sort node, only the Merge Append's sort key.
     */
    @Test
    void theInboxOfEveryStatusIsMergedFromTheStatusIndex() throws SQLException {
        String plan = plan(EVERY_STATUS);
        assertThat(plan)
                .as(plan)
                .contains("Merge Append")
                .contains("webhook_inbox_status_received_idx")
                .doesNotContain("Seq Scan")
                .doesNotContain("Sort  (");
    }

    /**
     * Queries over a list of keys: the index finds the rows of each key, and only those few are sorted (a top-N sort
     * under the LIMIT), never the table.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            inbox about subjects | webhook_inbox_subject_idx        | SELECT * FROM billing.webhook_inbox WHERE subject_id = ANY(ARRAY['cus_1', 'user_1']) ORDER BY received_at DESC, event_id COLLATE "C" LIMIT 1000
            """)
    void findsItsRowsInAnIndex(String query, String index, String sql) throws SQLException {
        String plan = plan(sql);
        assertThat(plan)
                .as(plan)
                .contains("Index Scan using " + index)
                .contains("= ANY")
                .doesNotContain("Seq Scan");
    }

    /**
     * The erasure's writes, as the stores send them (only the inbox's SET is shortened: its payload expression has no
     * bearing on the plan): each finds the user's, customer's or objects' rows in an index, never by reading the
     * table (the audit trail and the inbox grow without bound).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            customer link       | customers_pkey                     | UPDATE billing.customers SET user_id = 'erased_p', email = NULL WHERE user_id = 'u'
            audit trail         | audit_log_user_idx                 | UPDATE billing.audit_log SET user_id = 'erased_p' WHERE user_id = 'u'
            subscriptions       | subscriptions_customer_created_idx | UPDATE billing.subscriptions SET metadata = jsonb_set(metadata, '{user_id}', to_jsonb(CAST('erased_p' AS text))) WHERE customer_id = 'c' AND metadata ->> 'user_id' = 'u'
            usage keys          | usage_keys_pkey                    | WITH gone AS (DELETE FROM billing.usage_keys WHERE user_id = 'u' RETURNING idempotency_key, meter, period_start, fingerprint, amount, used_after, usage_limit, created_at), moved AS (INSERT INTO billing.usage_keys (user_id, idempotency_key, meter, period_start, fingerprint, amount, used_after, usage_limit, created_at) SELECT CAST('erased_p' AS text), idempotency_key, meter, period_start, fingerprint, amount, used_after, usage_limit, created_at FROM gone ON CONFLICT (user_id, idempotency_key) DO NOTHING) SELECT count(*) FROM gone
            usage counters      | usage_counters_pkey                | WITH gone AS (DELETE FROM billing.usage_counters WHERE user_id = 'u' RETURNING meter, period_start, period_end, used, updated_at), moved AS (INSERT INTO billing.usage_counters AS c (user_id, meter, period_start, period_end, used, updated_at) SELECT CAST('erased_p' AS text), meter, period_start, period_end, used, updated_at FROM gone ON CONFLICT (user_id, meter, period_start) DO UPDATE SET used = c.used + EXCLUDED.used, updated_at = greatest(c.updated_at, EXCLUDED.updated_at)) SELECT count(*) FROM gone
            memberships         | org_members_user_idx               | WITH gone AS (DELETE FROM billing.org_members WHERE user_id = 'u' RETURNING org_id, role, active, changed_at, event_id, membership_id), moved AS (INSERT INTO billing.org_members AS m (org_id, user_id, role, active, changed_at, event_id, membership_id) SELECT org_id, CAST('erased_p' AS text), role, active, changed_at, event_id, membership_id FROM gone ON CONFLICT (org_id, user_id) DO UPDATE SET role = EXCLUDED.role, active = EXCLUDED.active, changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id, membership_id = COALESCE(EXCLUDED.membership_id, m.membership_id) WHERE EXCLUDED.changed_at > m.changed_at OR (EXCLUDED.changed_at = m.changed_at AND NOT EXCLUDED.active AND m.active)) SELECT count(*) FROM gone
            inbox about subjects | webhook_inbox_subject_idx         | UPDATE billing.webhook_inbox SET payload = 'r', subject_id = NULL WHERE subject_id = ANY(ARRAY['cus_1', 'user_1']) AND strpos(payload, '"billing_redacted":true') = 0 AND strpos(payload, '"billing_redacted": true') = 0
            inbox one event     | webhook_inbox_pkey                 | UPDATE billing.webhook_inbox SET payload = 'r' WHERE event_id = 'evt_1' AND strpos(payload, '"billing_redacted":true') = 0 AND strpos(payload, '"billing_redacted": true') = 0
            """)
    void erasureFindsItsRowsInAnIndex(String query, String index, String sql) throws SQLException {
        String plan = plan(sql);
        assertThat(plan).as(plan).contains("Index Scan using " + index).doesNotContain("Seq Scan");
    }

    /**
     * Guest purchases, as the store sends them: the claim (an UPDATE in a CTE, then the rows the user held) and
     * {@code ofEmail} find one email's rows in its index; only those few are sorted, never the table.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            guests claim        | guest_purchases_email_idx          | WITH taken AS (UPDATE billing.guest_purchases SET claimed_by = 'u', claimed_at = now() WHERE email = 'e' AND claimed_by IS NULL RETURNING session_id, email, price_id, quantity, currency, amount_total, customer_id, purchased_at, claimed_by, claimed_at) SELECT session_id, email, price_id, quantity, currency, amount_total, customer_id, purchased_at, claimed_by, claimed_at FROM taken UNION ALL SELECT session_id, email, price_id, quantity, currency, amount_total, customer_id, purchased_at, claimed_by, claimed_at FROM billing.guest_purchases WHERE email = 'e' AND claimed_by = 'u' ORDER BY purchased_at, session_id
            guests of email     | guest_purchases_email_idx          | SELECT * FROM billing.guest_purchases WHERE email = 'e' ORDER BY purchased_at, session_id
            guests claim, move  | purchases_pkey                     | WITH taken AS (UPDATE billing.guest_purchases SET claimed_by = 'u', claimed_at = now() WHERE email = 'e' AND claimed_by IS NULL RETURNING session_id, purchased_at), held AS (SELECT session_id, purchased_at FROM taken UNION ALL SELECT session_id, purchased_at FROM billing.guest_purchases WHERE email = 'e' AND claimed_by = 'u'), moved AS (UPDATE billing.purchases p SET customer_id = 'c', cause = 'x' FROM held h WHERE p.id = h.session_id AND p.customer_id <> 'c' RETURNING p.id) SELECT * FROM held ORDER BY purchased_at, session_id
            """)
    void guestPurchasesAreFoundByEmailInTheirIndex(String query, String index, String sql) throws SQLException {
        String plan = plan(sql);
        assertThat(plan).as(plan).contains("Index Scan using " + index).doesNotContain("Seq Scan");
    }

    /**
     * A customer's refunds (JdbiRefunds.of): those naming it and those of its purchases' payment intents (a claimed
     * guest purchase), each branch of the OR from its index, combined as a bitmap.
     */
    @Test
    void aCustomersRefundsAndThoseOfItsPurchasesAreFoundInIndexes() throws SQLException {
        String plan = plan("""
                SELECT * FROM billing.refunds
                WHERE customer_id = 'c'
                   OR payment_intent_id = ANY(ARRAY(SELECT p.payment_intent_id FROM billing.purchases p
                                                    WHERE p.customer_id = 'c' AND p.payment_intent_id IS NOT NULL))
                ORDER BY created DESC, id COLLATE "C"
                """, true);
        assertThat(plan)
                .as(plan)
                .contains("refunds_customer_created_idx")
                .contains("refunds_payment_intent_idx")
                .contains("purchases_customer_purchased_idx")
                .doesNotContain("Seq Scan");
    }

    /**
     * V24 and the growth scenario (docs/BENCHMARKS.md, "Growth"): the dashboard's search by email and an account's
     * meter events, as the stores send them, find their rows in an index (both read their table whole before).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            customers by email  | customers_email_lower_idx          | SELECT user_id, customer_id, email, created_at FROM billing.customers WHERE lower(email) = lower('A@x.invalid') ORDER BY created_at, user_id LIMIT 1000
            meter reports of    | meter_reports_customer_idx         | SELECT identifier FROM billing.meter_reports WHERE customer_id = 'c' ORDER BY identifier COLLATE "C"
            """)
    void growthLookupsFindTheirRowsInAnIndex(String query, String index, String sql) throws SQLException {
        String plan = plan(sql);
        assertThat(plan).as(plan).contains(index).doesNotContain("Seq Scan");
    }

    /**
     * An account's audit trail, as JdbiAuditLog sends it: the entries naming the account from audit_log_user_idx and
     * those of its customer from audit_log_customer_idx, newest first, merged. Compared in customers' "C" collation
     * the customer's branch could not use its index, and walked or read the whole trail.
     */
    @Test
    void anAccountsAuditTrailIsReadAlongItsTwoIndexes() throws SQLException {
        String sql = new JdbiAuditLog(new Db(db.dataSource(), "billing"))
                .accountQuery(java.util.List.of())
                .replace(":user", "'user_1'")
                .replace(":before", "9223372036854775807")
                .replace(":limit", "101");
        String plan = plan(sql);
        assertThat(plan)
                .as(plan)
                .contains("audit_log_user_idx")
                .contains("Index Scan Backward using audit_log_customer_idx")
                .doesNotContain("audit_log_pkey")
                .doesNotContain("Seq Scan");
    }

    /**
     * The admin list's inbox counts, as JdbiInboxCounts sends them with the list's cap: each status's branch reads at
     * most cap + 1 entries of an index under a Limit and counts them; countByStatus's GROUP BY reads every entry.
     */
    @Test
    void theInboxCountsUpToACapReadAnIndexUnderALimit() throws SQLException {
        String sql = JdbiInboxCounts.query(EnumSet.allOf(InboxStatus.class))
                .replace("{schema}", "billing")
                .replace(":rows", "10001");
        String plan = plan(sql);
        assertThat(plan)
                .as(plan)
                .containsPattern("(?s)(Limit.*Index Only Scan using webhook_inbox_\\w+_idx.*){4}")
                .doesNotContain("Seq Scan");
    }

    private static String plan(String sql) throws SQLException {
        return plan(sql, false);
    }

    private static String plan(String sql, boolean bitmaps) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            s.execute("SET enable_bitmapscan = " + (bitmaps ? "on" : "off"));
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}

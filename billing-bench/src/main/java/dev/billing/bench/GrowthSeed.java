package dev.billing.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Fills the store for the growth scenario, in SQL on the database's side ({@code generate_series}), chunk by chunk
 * so no transaction holds millions of rows. What account {@code i} holds, in realistic proportions:
 *
 * <ul>
 *   <li>a customer link (user {@code user_<p>_<i>}, customer {@code cus_<p>_<i>}, an email), created over three years;
 *   <li>six in ten a subscription ({@code sub_<p>_<i>}: active, trialing every tenth, past due every fiftieth,
 *       canceled every tenth; Pro monthly for {@code i % 3 == 0}, else Basic monthly or Pro yearly) with five
 *       invoices and a notice; one in ten also an old canceled subscription;
 *   <li>three in ten usage counters for three periods; one in ten a usage key and a reported meter event; one in ten
 *       a one-time purchase, one in fifty of them refunded; one in fifty a guest purchase under their email, half
 *       of them claimed;
 *   <li>webhook events, spread over the customers and over the last 29 days (within the default retention), all
 *       handled, with payloads shaped like Stripe's (a {@code customer.created} one carries the email).
 * </ul>
 *
 * No projection changes: a running core prunes those older than ten minutes every minute, so what that table holds
 * follows the last minutes' writes, not the store's size, and seeded old ones were pruned in one whole-table delete
 * during whichever path was measured then. The rows go in through the tables' own triggers, so the audit trail grows
 * with them as it would. Users with
 * {@code i % 30 == 0} hold an active Pro subscription: the scenario signs in as them.
 */
final class GrowthSeed {
    private static final int CHUNK = 50_000;

    private final String p;

    GrowthSeed(String prefix) {
        this.p = prefix;
    }

    String userId(long i) {
        return "user_" + p + "_" + i;
    }

    String customerId(long i) {
        return "cus_" + p + "_" + i;
    }

    String email(long i) {
        return "u" + i + "." + p + "@growth.invalid";
    }

    /** An account holding an active Pro subscription, the {@code k}-th of those below {@code customers}. */
    static long proUser(long k, int customers) {
        return (k * 30) % Math.max(30, customers - customers % 30);
    }

    /** Adds accounts {@code from} (inclusive) to {@code to} (exclusive) with everything they hold. */
    void customers(Connection c, long from, long to) throws SQLException {
        for (long a = from; a < to; a += CHUNK) {
            long b = Math.min(to, a + CHUNK) - 1;
            run(c, a, b, """
                    INSERT INTO billing.customers (user_id, customer_id, email, created_at)
                    SELECT 'user_%1$s_' || i, 'cus_%1$s_' || i, 'u' || i || '.%1$s@growth.invalid',
                           now() - (i %% 1095) * interval '1 day'
                    FROM generate_series(?::bigint, ?::bigint) AS i""");
            run(c, a, b, """
                    INSERT INTO billing.subscriptions (id, customer_id, status, price_id, quantity,
                        current_period_start, current_period_end, cancel_at_period_end, cancel_at, canceled_at,
                        ended_at, trial_start, trial_end, created, metadata, source_version, currency, unit_amount,
                        recurring_interval, interval_count)
                    SELECT 'sub_%1$s_' || i, 'cus_%1$s_' || i,
                           CASE WHEN i %% 10 = 5 THEN 'canceled' WHEN i %% 10 = 4 THEN 'trialing'
                                WHEN i %% 50 = 1 THEN 'past_due' ELSE 'active' END,
                           CASE i %% 3 WHEN 0 THEN 'price_pro_monthly' WHEN 1 THEN 'price_basic_monthly'
                                ELSE 'price_pro_yearly' END,
                           1 + i %% 7 / 6,
                           now() - (i %% 28) * interval '1 day',
                           now() - (i %% 28) * interval '1 day'
                               + CASE WHEN i %% 3 = 2 THEN interval '1 year' ELSE interval '1 month' END,
                           i %% 13 = 0, NULL::timestamptz,
                           CASE WHEN i %% 10 = 5 THEN now() - (i %% 90) * interval '1 day' END,
                           CASE WHEN i %% 10 = 5 THEN now() - (i %% 90) * interval '1 day' END,
                           CASE WHEN i %% 10 = 4 THEN now() - interval '3 days' END,
                           CASE WHEN i %% 10 = 4 THEN now() + interval '11 days' END,
                           now() - (i %% 1095) * interval '1 day',
                           jsonb_build_object('user_id', 'user_%1$s_' || i),
                           extract(epoch FROM now())::bigint * 10000000 - (i %% 1000) * 10000000,
                           'usd',
                           CASE i %% 3 WHEN 0 THEN 2900 WHEN 1 THEN 900 ELSE 29000 END,
                           CASE WHEN i %% 3 = 2 THEN 'year' ELSE 'month' END,
                           1
                    FROM generate_series(?::bigint, ?::bigint) AS i WHERE i %% 10 < 6
                    UNION ALL
                    SELECT 'sub_%1$s_' || i || '_old', 'cus_%1$s_' || i, 'canceled', 'price_basic_monthly', 1,
                           now() - interval '430 days', now() - interval '400 days', false, NULL::timestamptz,
                           now() - interval '400 days', now() - interval '400 days', NULL::timestamptz,
                           NULL::timestamptz,
                           now() - interval '800 days', jsonb_build_object('user_id', 'user_%1$s_' || i),
                           extract(epoch FROM now() - interval '400 days')::bigint * 10000000, 'usd', 900, 'month', 1
                    FROM generate_series(?::bigint, ?::bigint) AS i WHERE i %% 10 = 0""");
            run(c, a, b, """
                    INSERT INTO billing.invoices (id, customer_id, subscription_id, status, number, currency,
                        amount_due, amount_paid, amount_remaining, billing_reason, period_start, period_end, created,
                        source_version)
                    SELECT 'in_%1$s_' || i || '_' || k, 'cus_%1$s_' || i, 'sub_%1$s_' || i,
                           CASE WHEN k = 0 AND i %% 50 = 1 THEN 'open' ELSE 'paid' END,
                           'G' || i || '-' || k, 'usd', a.amount,
                           CASE WHEN k = 0 AND i %% 50 = 1 THEN 0 ELSE a.amount END,
                           CASE WHEN k = 0 AND i %% 50 = 1 THEN a.amount ELSE 0 END,
                           CASE WHEN k = 4 THEN 'subscription_create' ELSE 'subscription_cycle' END,
                           now() - (k + 1) * interval '1 month', now() - k * interval '1 month',
                           now() - k * interval '1 month' - (i %% 28) * interval '1 day',
                           extract(epoch FROM now() - k * interval '1 month')::bigint * 10000000
                    FROM generate_series(?::bigint, ?::bigint) AS i
                    CROSS JOIN generate_series(0, 4) AS k
                    CROSS JOIN LATERAL (SELECT CASE i %% 3 WHEN 0 THEN 2900 WHEN 1 THEN 900 ELSE 29000 END
                                        AS amount) a
                    WHERE i %% 10 < 6""");
            run(c, a, b, """
                    INSERT INTO billing.purchases (id, customer_id, price_id, quantity, currency, amount_total,
                        purchased_at)
                    SELECT 'cs_%1$s_' || i, 'cus_%1$s_' || i, 'price_credits_100', 1, 'usd', 1000,
                           now() - (i %% 700) * interval '1 day'
                    FROM generate_series(?::bigint, ?::bigint) AS i WHERE i %% 10 = 7""");
            run(c, a, b, """
                    INSERT INTO billing.refunds (id, customer_id, payment_intent_id, amount, currency, status, reason,
                        created, source_version)
                    SELECT 're_%1$s_' || i, 'cus_%1$s_' || i, 'pi_%1$s_' || i, 1000, 'usd', 'succeeded',
                           'requested_by_customer', now() - (i %% 600) * interval '1 day',
                           extract(epoch FROM now() - (i %% 600) * interval '1 day')::bigint * 10000000
                    FROM generate_series(?::bigint, ?::bigint) AS i WHERE i %% 50 = 7""");
            run(c, a, b, """
                    INSERT INTO billing.guest_purchases (session_id, email, price_id, quantity, currency,
                        amount_total, customer_id, purchased_at, claimed_by, claimed_at)
                    SELECT 'cs_guest_%1$s_' || i, 'u' || i || '.%1$s@growth.invalid', 'price_credits_100', 1, 'usd',
                           1000, 'cus_guest_%1$s_' || i, now() - (i %% 500) * interval '1 day',
                           CASE WHEN i %% 100 = 23 THEN 'user_%1$s_' || i END,
                           CASE WHEN i %% 100 = 23 THEN now() - (i %% 400) * interval '1 day' END
                    FROM generate_series(?::bigint, ?::bigint) AS i WHERE i %% 50 = 23""");
            run(c, a, b, """
                    INSERT INTO billing.usage_counters (user_id, meter, period_start, period_end, used, updated_at)
                    SELECT 'user_%1$s_' || i, 'api_calls', date_trunc('month', now()) - k * interval '1 month',
                           date_trunc('month', now()) - (k - 1) * interval '1 month', i %% 500,
                           least(now(), date_trunc('month', now()) - (k - 1) * interval '1 month' - interval '1 hour')
                    FROM generate_series(?::bigint, ?::bigint) AS i CROSS JOIN generate_series(0, 2) AS k
                    WHERE i %% 10 < 3""");
            run(c, a, b, """
                    INSERT INTO billing.usage_keys (user_id, idempotency_key, meter, period_start, fingerprint,
                        amount, used_after, usage_limit, created_at)
                    SELECT 'user_%1$s_' || i, 'key_' || i, 'api_calls', date_trunc('month', now()), md5(i::text), 1,
                           i %% 500, 10000, now() - (i %% 6) * interval '1 day'
                    FROM generate_series(?::bigint, ?::bigint) AS i WHERE i %% 10 = 0""");
            run(c, a, b, """
                    INSERT INTO billing.meter_reports (identifier, event_name, customer_id, value, event_timestamp,
                        attempts, reported_at)
                    SELECT 'mr_%1$s_' || i, 'api_calls', 'cus_%1$s_' || i, 1, now() - (i %% 6) * interval '1 day', 1,
                           now() - (i %% 6) * interval '1 day' + interval '1 minute'
                    FROM generate_series(?::bigint, ?::bigint) AS i WHERE i %% 10 = 0""");
            run(c, a, b, """
                    INSERT INTO billing.notice_log (event_id, kind, user_id, customer_id, status, at)
                    SELECT 'evt_%1$s_notice_' || i, 'receipt', 'user_%1$s_' || i, 'cus_%1$s_' || i, 'sent',
                           now() - (i %% 300) * interval '1 day'
                    FROM generate_series(?::bigint, ?::bigint) AS i WHERE i %% 10 < 6""");
        }
    }

    /** Adds handled webhook events {@code from} to {@code to}, about the first {@code customers} accounts. */
    void events(Connection c, long from, long to, int customers) throws SQLException {
        for (long a = from; a < to; a += CHUNK) {
            long b = Math.min(to, a + CHUNK) - 1;
            String sql = """
                    INSERT INTO billing.webhook_inbox (event_id, event_type, event_created, livemode, api_version,
                        object_id, object_type, payload, status, attempts, received_at, processed_at, subject_id)
                    SELECT 'evt_%1$s_' || n, t.type, r.at - interval '1 second', false, '2026-07-29.dahlia',
                           t.object_id, t.object_type,
                           '{"id":"evt_%1$s_' || n || '","object":"event","api_version":"2026-07-29.dahlia",'
                               || '"created":' || extract(epoch FROM r.at)::bigint || ',"type":"' || t.type || '",'
                               || '"livemode":false,"pending_webhooks":0,"request":{"id":null,"idempotency_key":null},'
                               || '"data":{"object":{"id":"' || t.object_id || '","object":"' || t.object_type
                               || '","customer":"cus_%1$s_' || n %% ?::bigint || '",'
                               || CASE WHEN t.type = 'customer.created'
                                       THEN '"email":"u' || n %% ?::bigint || '.%1$s@growth.invalid",'
                                            || '"name":"Growth Customer ' || n %% ?::bigint || '",'
                                       ELSE '' END
                               || '"currency":"usd","livemode":false,"metadata":{"user_id":"user_%1$s_'
                               || n %% ?::bigint || '"},"status":"' || t.status || '"}}}',
                           'processed', 1, r.at, r.at + interval '1 second', 'cus_%1$s_' || n %% ?::bigint
                    FROM generate_series(?::bigint, ?::bigint) AS n
                    CROSS JOIN LATERAL (SELECT now() - (n %% 2505600) * interval '1 second' AS at) r
                    CROSS JOIN LATERAL (SELECT
                        CASE WHEN n %% 20 < 10 THEN 'customer.subscription.updated' WHEN n %% 20 < 15 THEN 'invoice.paid'
                             WHEN n %% 20 < 17 THEN 'customer.created' ELSE 'payment_intent.succeeded' END AS type,
                        CASE WHEN n %% 20 < 10 THEN 'sub_%1$s_' || n %% ?::bigint
                             WHEN n %% 20 < 15 THEN 'in_%1$s_' || n %% ?::bigint || '_0'
                             WHEN n %% 20 < 17 THEN 'cus_%1$s_' || n %% ?::bigint ELSE 'pi_%1$s_' || n END AS object_id,
                        CASE WHEN n %% 20 < 10 THEN 'subscription' WHEN n %% 20 < 15 THEN 'invoice'
                             WHEN n %% 20 < 17 THEN 'customer' ELSE 'payment_intent' END AS object_type,
                        CASE WHEN n %% 20 < 10 THEN 'active' WHEN n %% 20 < 15 THEN 'paid'
                             WHEN n %% 20 < 17 THEN 'created' ELSE 'succeeded' END AS status) t
                    """.formatted(p);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int k = 1; k <= 5; k++) {
                    s.setLong(k, customers);
                }
                s.setLong(6, a);
                s.setLong(7, b);
                for (int k = 8; k <= 10; k++) {
                    s.setLong(k, customers);
                }
                s.executeUpdate();
            }
        }
    }

    /**
     * {@code VACUUM (ANALYZE)} of every billing table: what autovacuum would have done over the years the rows took
     * to arrive (visibility map set, statistics current), so the first measurement does not pay for it.
     */
    static void settle(Connection c) throws SQLException {
        BillingTables.vacuumAnalyze(c);
    }

    private void run(Connection c, long a, long b, String template) throws SQLException {
        String sql = template.formatted(p);
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int params = (int) sql.chars().filter(ch -> ch == '?').count();
            for (int k = 0; k < params; k += 2) {
                s.setLong(k + 1, a);
                s.setLong(k + 2, b);
            }
            s.executeUpdate();
        }
    }
}

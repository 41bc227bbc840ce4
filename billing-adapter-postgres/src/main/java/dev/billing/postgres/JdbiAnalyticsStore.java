package dev.billing.postgres;

import dev.billing.core.model.analytics.InvoiceTally;
import dev.billing.core.model.analytics.MrrSpan;
import dev.billing.core.model.analytics.PurchaseTally;
import dev.billing.core.model.analytics.RefundTally;
import dev.billing.core.model.analytics.SubscriptionMovements;
import dev.billing.core.model.analytics.SubscriptionTally;
import dev.billing.core.model.analytics.TrialOutcomes;
import dev.billing.core.model.analytics.UsageTally;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.AnalyticsStore;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.List;

/**
 * {@link AnalyticsStore} on Postgres: each aggregate is one statement, grouped in the database, reading the range
 * it needs from V10's indexes (the subscription tally reads every subscription: it is what it counts). Months are
 * {@code date_trunc('month', t, 'UTC')}.
 */
final class JdbiAnalyticsStore implements AnalyticsStore {
    private final Db db;
    private final String tally;
    private final String movements;
    private final String spans;
    private final String trials;
    private final String invoices;
    private final String purchases;
    private final String refunds;
    private final String usage;

    JdbiAnalyticsStore(Db db) {
        this.db = db;
        this.tally = db.sql("""
                SELECT status, price_id, currency, unit_amount, recurring_interval, interval_count, percent_off,
                       amount_off, amount_off_currency, (cancel_at_period_end OR cancel_at IS NOT NULL) AS canceling,
                       quantity, count(*) AS n
                FROM {schema}.subscriptions
                WHERE status NOT IN ('canceled', 'incomplete_expired')
                GROUP BY status, price_id, currency, unit_amount, recurring_interval, interval_count, percent_off,
                         amount_off, amount_off_currency, canceling, quantity
                """);
        // A customer's first end, once per customer (a hash join), rather than a probe per started subscription.
        this.movements = db.sql("""
                WITH first_end AS (
                    SELECT customer_id, min(ended_at) AS ended_at FROM {schema}.subscriptions
                    WHERE ended_at IS NOT NULL GROUP BY customer_id),
                started AS (
                    SELECT date_trunc('month', s.created, 'UTC') AS month, count(*) AS started,
                           count(*) FILTER (WHERE f.ended_at <= s.created) AS reactivated
                    FROM {schema}.subscriptions s LEFT JOIN first_end f ON f.customer_id = s.customer_id
                    WHERE s.created >= :since GROUP BY 1),
                churned AS (
                    SELECT date_trunc('month', ended_at, 'UTC') AS month, count(*) AS churned
                    FROM {schema}.subscriptions
                    WHERE ended_at IS NOT NULL AND ended_at >= :since AND status = 'canceled' GROUP BY 1)
                SELECT to_char(month, 'YYYY-MM') AS month, coalesce(started, 0) AS started,
                       coalesce(reactivated, 0) AS reactivated, coalesce(churned, 0) AS churned
                FROM started FULL JOIN churned USING (month)
                """);
        // Months as text of the UTC wall time (independent of the session's time zone); an instant after :now, and
        // the trial end of a subscription trialing now, is the month after now's. Reads every subscription not ended
        // before the window, as the tally does.
        this.spans = db.sql("""
                WITH w AS (SELECT CAST(:now AS timestamptz) AS now,
                                  to_char((CAST(:now AS timestamptz) AT TIME ZONE 'UTC') + interval '1 month',
                                          'YYYY-MM') AS after)
                SELECT s.currency, s.unit_amount, s.recurring_interval, s.interval_count, s.percent_off, s.amount_off,
                       s.amount_off_currency, s.quantity,
                       CASE WHEN s.created > w.now THEN w.after
                            ELSE to_char(s.created AT TIME ZONE 'UTC', 'YYYY-MM') END AS created_month,
                       CASE WHEN s.ended_at > w.now THEN w.after
                            ELSE to_char(s.ended_at AT TIME ZONE 'UTC', 'YYYY-MM') END AS ended_month,
                       CASE WHEN s.trial_end > w.now OR s.status = 'trialing' THEN w.after
                            ELSE to_char(s.trial_end AT TIME ZONE 'UTC', 'YYYY-MM') END AS trial_end_month,
                       count(*) AS n
                FROM {schema}.subscriptions s CROSS JOIN w
                WHERE s.status NOT IN ('incomplete', 'incomplete_expired')
                  AND (s.ended_at IS NULL OR s.ended_at >= :since)
                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
                """);
        this.trials = db.sql("""
                SELECT count(*) AS ended,
                       count(*) FILTER (WHERE status IN ('active', 'past_due', 'unpaid')
                                         OR (ended_at IS NOT NULL AND ended_at > trial_end)) AS converted
                FROM {schema}.subscriptions
                WHERE trial_end IS NOT NULL AND trial_end <= :now AND status <> 'trialing'
                """);
        this.invoices = db.sql("""
                SELECT i.status, i.currency, coalesce(s.status IN ('past_due', 'unpaid'), false) AS at_risk,
                       count(*) AS n, sum(i.amount_due) AS due, sum(i.amount_remaining) AS remaining
                FROM {schema}.invoices i LEFT JOIN {schema}.subscriptions s ON s.id = i.subscription_id
                WHERE i.created >= :since AND i.amount_due > 0
                GROUP BY 1, 2, 3
                """);
        this.purchases = db.sql("""
                SELECT to_char(date_trunc('month', purchased_at, 'UTC'), 'YYYY-MM') AS month, currency,
                       count(*) AS n, sum(amount_total) AS total
                FROM {schema}.purchases WHERE purchased_at >= :since
                GROUP BY 1, 2
                """);
        // Refunds are few next to subscriptions: a scan of the table, grouped.
        this.refunds = db.sql("""
                SELECT to_char(date_trunc('month', created, 'UTC'), 'YYYY-MM') AS month, currency,
                       count(*) AS n, sum(amount) AS total
                FROM {schema}.refunds WHERE created >= :since AND status NOT IN ('failed', 'canceled')
                GROUP BY 1, 2
                """);
        // The granting subscription of an account: its newest active, trialing or past due one (the customer's
        // subscriptions from subscriptions_customer_created_idx, newest first).
        this.usage = db.sql("""
                SELECT g.price_id, c.meter, count(*) AS accounts, sum(c.used) AS used
                FROM {schema}.usage_counters c
                LEFT JOIN {schema}.customers cu ON cu.user_id = c.user_id
                LEFT JOIN LATERAL (
                    SELECT s.price_id FROM {schema}.subscriptions s
                    WHERE s.customer_id = cu.customer_id AND s.status IN ('active', 'trialing', 'past_due')
                    ORDER BY s.created DESC LIMIT 1) g ON true
                WHERE c.period_end > :now AND c.period_start <= :now
                GROUP BY 1, 2
                """);
    }

    @Override
    public List<SubscriptionTally> subscriptionTally() {
        return db.call(
                "analytics.subscriptionTally",
                h -> h.createQuery(tally)
                        .map((rs, ctx) -> new SubscriptionTally(
                                SubscriptionStatus.fromStripe(rs.getString("status")),
                                rs.getString("price_id"),
                                SubscriptionColumns.pricing(rs),
                                rs.getBoolean("canceling"),
                                rs.getLong("quantity"),
                                rs.getLong("n")))
                        .list());
    }

    @Override
    public List<SubscriptionMovements> movements(Instant since) {
        return db.call(
                "analytics.movements",
                h -> h.createQuery(movements)
                        .bindByType("since", Db.ts(since), OffsetDateTime.class)
                        .map((rs, ctx) -> new SubscriptionMovements(
                                YearMonth.parse(rs.getString("month")),
                                rs.getLong("started"),
                                rs.getLong("reactivated"),
                                rs.getLong("churned")))
                        .list());
    }

    @Override
    public List<MrrSpan> mrrSpans(Instant since, Instant now) {
        return db.call(
                "analytics.mrrSpans",
                h -> h.createQuery(spans)
                        .bindByType("since", Db.ts(since), OffsetDateTime.class)
                        .bindByType("now", Db.ts(now), OffsetDateTime.class)
                        .map((rs, ctx) -> new MrrSpan(
                                SubscriptionColumns.pricing(rs),
                                rs.getLong("quantity"),
                                YearMonth.parse(rs.getString("created_month")),
                                month(rs.getString("ended_month")),
                                month(rs.getString("trial_end_month")),
                                rs.getLong("n")))
                        .list());
    }

    @Override
    public TrialOutcomes trialOutcomes(Instant now) {
        return db.call(
                "analytics.trialOutcomes",
                h -> h.createQuery(trials)
                        .bindByType("now", Db.ts(now), OffsetDateTime.class)
                        .map((rs, ctx) -> new TrialOutcomes(rs.getLong("ended"), rs.getLong("converted")))
                        .one());
    }

    @Override
    public List<InvoiceTally> invoiceTally(Instant since) {
        return db.call(
                "analytics.invoiceTally",
                h -> h.createQuery(invoices)
                        .bindByType("since", Db.ts(since), OffsetDateTime.class)
                        .map((rs, ctx) -> new InvoiceTally(
                                InvoiceStatus.fromStripe(rs.getString("status")),
                                rs.getString("currency"),
                                rs.getBoolean("at_risk"),
                                rs.getLong("n"),
                                rs.getLong("due"),
                                rs.getLong("remaining")))
                        .list());
    }

    @Override
    public List<PurchaseTally> purchaseRevenue(Instant since) {
        return db.call(
                "analytics.purchaseRevenue",
                h -> h.createQuery(purchases)
                        .bindByType("since", Db.ts(since), OffsetDateTime.class)
                        .map((rs, ctx) -> new PurchaseTally(
                                YearMonth.parse(rs.getString("month")),
                                rs.getString("currency"),
                                rs.getLong("n"),
                                rs.getLong("total")))
                        .list());
    }

    @Override
    public List<RefundTally> refundTally(Instant since) {
        return db.call(
                "analytics.refundTally",
                h -> h.createQuery(refunds)
                        .bindByType("since", Db.ts(since), OffsetDateTime.class)
                        .map((rs, ctx) -> new RefundTally(
                                YearMonth.parse(rs.getString("month")),
                                rs.getString("currency"),
                                rs.getLong("n"),
                                rs.getLong("total")))
                        .list());
    }

    @Override
    public List<UsageTally> usage(Instant now) {
        return db.call(
                "analytics.usage",
                h -> h.createQuery(usage)
                        .bindByType("now", Db.ts(now), OffsetDateTime.class)
                        .map((rs, ctx) -> new UsageTally(
                                rs.getString("price_id"),
                                rs.getString("meter"),
                                rs.getLong("accounts"),
                                rs.getLong("used")))
                        .list());
    }

    private static YearMonth month(String text) {
        return text == null ? null : YearMonth.parse(text);
    }
}

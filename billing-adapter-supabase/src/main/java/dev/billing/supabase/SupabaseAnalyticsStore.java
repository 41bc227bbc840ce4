package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.YearMonth;
import java.util.List;

/**
 * {@link AnalyticsStore} on the {@code billing_analytics_*} functions (010): each aggregate is one read-only
 * {@code /rpc} call grouped in the database, so it may be retried.
 */
final class SupabaseAnalyticsStore implements AnalyticsStore {
    private final PostgrestClient client;

    SupabaseAnalyticsStore(PostgrestClient client) {
        this.client = client;
    }

    @Override
    public List<SubscriptionTally> subscriptionTally() {
        return Rows.map(
                call("billing_analytics_subscriptions", Rows.object()),
                row -> new SubscriptionTally(
                        SubscriptionStatus.fromStripe(Rows.text(row, "status")),
                        Rows.text(row, "price_id"),
                        ProjectionRows.pricing(row),
                        Rows.bool(row, "canceling"),
                        Rows.longValue(row, "quantity"),
                        Rows.longValue(row, "n")));
    }

    @Override
    public List<SubscriptionMovements> movements(Instant since) {
        return Rows.map(
                call("billing_analytics_movements", at("p_since", since)),
                row -> new SubscriptionMovements(
                        YearMonth.parse(Rows.requiredText(row, "month")), Rows.longValue(row, "started"),
                        Rows.longValue(row, "reactivated"), Rows.longValue(row, "churned")));
    }

    @Override
    public List<MrrSpan> mrrSpans(Instant since, Instant now) {
        ObjectNode args = at("p_since", since);
        Rows.put(args, "p_now", now);
        return Rows.map(
                call("billing_analytics_mrr_spans", args),
                row -> new MrrSpan(
                        ProjectionRows.pricing(row), Rows.longValue(row, "quantity"),
                        YearMonth.parse(Rows.requiredText(row, "created_month")), month(row, "ended_month"),
                        month(row, "trial_end_month"), Rows.longValue(row, "n")));
    }

    @Override
    public TrialOutcomes trialOutcomes(Instant now) {
        JsonNode rows = call("billing_analytics_trials", at("p_now", now));
        return Rows.mapOne(
                rows.get(0), row -> new TrialOutcomes(Rows.longValue(row, "ended"), Rows.longValue(row, "converted")));
    }

    @Override
    public List<InvoiceTally> invoiceTally(Instant since) {
        return Rows.map(
                call("billing_analytics_invoices", at("p_since", since)),
                row -> new InvoiceTally(
                        InvoiceStatus.fromStripe(Rows.text(row, "status")),
                        Rows.requiredText(row, "currency"),
                        Rows.bool(row, "at_risk"),
                        Rows.longValue(row, "n"),
                        Rows.longValue(row, "due"),
                        Rows.longValue(row, "remaining")));
    }

    @Override
    public List<PurchaseTally> purchaseRevenue(Instant since) {
        return Rows.map(
                call("billing_analytics_purchases", at("p_since", since)),
                row -> new PurchaseTally(
                        YearMonth.parse(Rows.requiredText(row, "month")), Rows.requiredText(row, "currency"),
                        Rows.longValue(row, "n"), Rows.longValue(row, "total")));
    }

    @Override
    public List<RefundTally> refundTally(Instant since) {
        return Rows.map(
                call("billing_analytics_refunds", at("p_since", since)),
                row -> new RefundTally(
                        YearMonth.parse(Rows.requiredText(row, "month")), Rows.requiredText(row, "currency"),
                        Rows.longValue(row, "n"), Rows.longValue(row, "total")));
    }

    @Override
    public List<UsageTally> usage(Instant now) {
        return Rows.map(
                call("billing_analytics_usage", at("p_now", now)),
                row -> new UsageTally(
                        Rows.text(row, "price_id"),
                        Rows.requiredText(row, "meter"),
                        Rows.longValue(row, "accounts"),
                        Rows.longValue(row, "used")));
    }

    private JsonNode call(String function, ObjectNode args) {
        return client.rpc(function, args).retryable().send().json();
    }

    private static ObjectNode at(String name, Instant instant) {
        ObjectNode args = Rows.object();
        Rows.put(args, name, instant);
        return args;
    }

    private static YearMonth month(JsonNode row, String field) {
        String text = Rows.text(row, field);
        return text == null ? null : YearMonth.parse(text);
    }
}

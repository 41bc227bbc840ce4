package dev.billing.http.wire;

import dev.billing.core.model.analytics.Analytics;
import java.time.Instant;
import java.util.List;

/**
 * The revenue analytics routes' response bodies (GET /admin/analytics/...), computed from the local projection. Each
 * record's components are its JSON fields (money in minor units with a lowercase currency).
 */
public final class AnalyticsResponses {
    private AnalyticsResponses() {}

    @Doc("Recurring revenue of one currency per month, in minor units: mrr counts active and past due subscriptions "
            + "without a scheduled cancellation; trials and canceling subscriptions are apart.")
    public record CurrencyRevenueView(
            String currency,
            long mrr,
            long arr,
            long trialingMrr,
            long cancelingMrr,
            @Doc("The part of mrr whose payment failed.") long pastDueMrr,
            @Doc("Still open on their invoices.") long openAtRisk,
            long revenueAtRisk) {
        static CurrencyRevenueView of(Analytics.CurrencyRevenue c) {
            return new CurrencyRevenueView(
                    c.currency(),
                    c.mrr(),
                    c.arr(),
                    c.trialingMrr(),
                    c.cancelingMrr(),
                    c.pastDueMrr(),
                    c.openAtRisk(),
                    c.revenueAtRisk());
        }
    }

    public record PaymentHealthView(
            int windowDays,
            long invoices,
            long unpaidInvoices,
            double failedPaymentRate,
            long payingSubscriptions,
            long pastDueSubscriptions,
            double pastDueRate) {}

    public record TrialConversionView(long ended, long converted, double rate) {}

    public record MonthlyPurchasesView(
            @Doc("YYYY-MM, UTC") String month, String currency, long count, long amountTotal) {}

    public record MonthlyRefundsView(
            String month,
            String currency,
            long count,

            @Doc("Refunded in the month, minor units: created then, not failed or canceled.")
            long amount) {}

    public record RevenueView(
            Instant asOf,
            List<CurrencyRevenueView> currencies,

            @Doc("Live subscriptions without known pricing (metered, tiered), not in the money " + "figures.")
            long unpriced,

            PaymentHealthView payments,
            TrialConversionView trials,
            List<MonthlyPurchasesView> purchases,
            List<MonthlyRefundsView> refunds) {
        public static RevenueView of(Analytics.Revenue r) {
            Analytics.PaymentHealth p = r.payments();
            return new RevenueView(
                    r.asOf(),
                    r.currencies().stream().map(CurrencyRevenueView::of).toList(),
                    r.unpriced(),
                    new PaymentHealthView(
                            p.windowDays(),
                            p.invoices(),
                            p.unpaidInvoices(),
                            p.failedPaymentRate(),
                            p.payingSubscriptions(),
                            p.pastDueSubscriptions(),
                            p.pastDueRate()),
                    new TrialConversionView(
                            r.trials().ended(),
                            r.trials().converted(),
                            r.trials().rate()),
                    r.purchases().stream()
                            .map(m -> new MonthlyPurchasesView(
                                    m.month().toString(), m.currency(), m.count(), m.amountTotal()))
                            .toList(),
                    r.refunds().stream()
                            .map(m -> new MonthlyRefundsView(m.month().toString(), m.currency(), m.count(), m.amount()))
                            .toList());
        }
    }

    public record TierStatusView(
            @Doc("unknown: a price outside the plan catalog")
            String tier,

            String status,
            long subscriptions,
            long quantity,
            long canceling) {}

    public record SubscriptionBreakdownView(Instant asOf, long total, List<TierStatusView> data) {
        public static SubscriptionBreakdownView of(Analytics.SubscriptionBreakdown b) {
            return new SubscriptionBreakdownView(
                    b.asOf(),
                    b.total(),
                    b.groups().stream()
                            .map(g -> new TierStatusView(
                                    g.tier(), g.status().stripeName(), g.subscriptions(), g.quantity(), g.canceling()))
                            .toList());
        }
    }

    public record MovementView(
            @Doc("YYYY-MM, UTC") String month, long started, long newSubscriptions, long reactivated, long churned) {}

    public record MovementsView(Instant asOf, List<MovementView> data) {
        public static MovementsView of(Analytics.Movements m) {
            return new MovementsView(
                    m.asOf(),
                    m.months().stream()
                            .map(v -> new MovementView(
                                    v.month().toString(),
                                    v.started(),
                                    v.newSubscriptions(),
                                    v.reactivated(),
                                    v.churned()))
                            .toList());
        }
    }

    public record MrrPointView(@Doc("YYYY-MM, UTC") String month, String currency, long mrr) {}

    @Doc("MRR per currency at the end of each month (now for this one), oldest month first, at each subscription's "
            + "current pricing: the projection keeps no price history.")
    public record MrrHistoryView(
            Instant asOf,
            List<MrrPointView> data,

            @Doc("Subscriptions without known pricing that ran at one of those month ends, in no " + "point.")
            long unpriced) {
        public static MrrHistoryView of(Analytics.MrrHistory h) {
            return new MrrHistoryView(
                    h.asOf(),
                    h.points().stream()
                            .map(p -> new MrrPointView(p.month().toString(), p.currency(), p.mrr()))
                            .toList(),
                    h.unpriced());
        }
    }

    public record MeterUseView(
            String tier,
            String meter,
            long accounts,
            long used,

            @OptionalField @Doc("per account; null: unlimited")
            Long quota,

            @OptionalField @Doc("used / (accounts x quota)") Double utilisation) {}

    public record UsageView(Instant asOf, List<MeterUseView> data) {
        public static UsageView of(Analytics.Usage u) {
            return new UsageView(
                    u.asOf(),
                    u.meters().stream()
                            .map(m -> new MeterUseView(
                                    m.tier(), m.meter(), m.accounts(), m.used(), m.quota(), m.utilisation()))
                            .toList());
        }
    }
}

package dev.billing.core.model.analytics;

import dev.billing.core.model.Checks;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * The figures of revenue analytics ({@code RevenueAnalytics}), computed from the local projection only. Money is
 * in minor units per lowercase currency; a currency is never summed into another.
 */
public final class Analytics {

    private Analytics() {}

    /**
     * Recurring revenue of one currency, per month. {@code mrr}: active and past-due subscriptions without a
     * scheduled cancellation; {@code trialingMrr} and {@code cancelingMrr} are apart from it; {@code pastDueMrr}
     * is the part of {@code mrr} whose payment failed; {@code revenueAtRisk} is that plus {@code openAtRisk}, the
     * amount still open on their invoices. {@code arr} is twelve times the unrounded {@code mrr}.
     */
    public record CurrencyRevenue(
            String currency,
            long mrr,
            long arr,
            long trialingMrr,
            long cancelingMrr,
            long pastDueMrr,
            long openAtRisk,
            long revenueAtRisk) {
        public CurrencyRevenue {
            Checks.currency(currency);
        }
    }

    /**
     * Payment failures: of the invoices with an amount due created in the last {@code windowDays} that were
     * finalized (open, paid, uncollectible), how many are still unpaid; and of the paying subscriptions (active,
     * past due, unpaid) how many are past due or unpaid. Rates are 0 when nothing was counted.
     */
    public record PaymentHealth(
            int windowDays,
            long invoices,
            long unpaidInvoices,
            double failedPaymentRate,
            long payingSubscriptions,
            long pastDueSubscriptions,
            double pastDueRate) {}

    /** Trials that ended, and how many became paying; {@code rate} is 0 when none ended. */
    public record TrialConversion(long ended, long converted, double rate) {}

    /** One-time purchase revenue of one month in one currency. */
    public record MonthlyPurchases(YearMonth month, String currency, long count, long amountTotal) {}

    /** Refunds of one month in one currency (created then, not failed or canceled): how many, and their total. */
    public record MonthlyRefunds(YearMonth month, String currency, long count, long amount) {}

    /**
     * The revenue figures at {@code asOf}. {@code unpriced}: live subscriptions whose pricing is unknown (metered
     * or tiered prices, rows written before pricing was kept), counted nowhere in the money figures.
     */
    public record Revenue(
            Instant asOf,
            List<CurrencyRevenue> currencies,
            long unpriced,
            PaymentHealth payments,
            TrialConversion trials,
            List<MonthlyPurchases> purchases,
            List<MonthlyRefunds> refunds) {
        public Revenue {
            Objects.requireNonNull(asOf, "asOf");
            currencies = List.copyOf(currencies);
            purchases = List.copyOf(purchases);
            refunds = List.copyOf(refunds);
        }
    }

    /** Live subscriptions of one tier ({@code unknown}: a price outside the catalog) and status. */
    public record TierStatus(
            String tier, SubscriptionStatus status, long subscriptions, long quantity, long canceling) {}

    /** Subscriptions that have not ended, by tier and status, tiers in catalog order. */
    public record SubscriptionBreakdown(Instant asOf, long total, List<TierStatus> groups) {
        public SubscriptionBreakdown {
            groups = List.copyOf(groups);
        }
    }

    /** One month's movements: {@code started} = {@code newSubscriptions} + {@code reactivated}. */
    public record Movement(YearMonth month, long started, long newSubscriptions, long reactivated, long churned) {}

    /** The last {@code months} months, oldest first, every month present. */
    public record Movements(Instant asOf, List<Movement> months) {
        public Movements {
            months = List.copyOf(months);
        }
    }

    /** The MRR of one currency at the end of one UTC month (at {@code asOf} for the current month). */
    public record MrrPoint(YearMonth month, String currency, long mrr) {
        public MrrPoint {
            Objects.requireNonNull(month, "month");
            Checks.currency(currency);
        }
    }

    /**
     * MRR at the end of each of the last months, at today's pricing (the projection keeps no price history):
     * {@code points} by month, oldest first, then currency, every month present for every currency that ran.
     * {@code unpriced}: subscriptions without known pricing that ran at one of those month ends, in no point.
     */
    public record MrrHistory(Instant asOf, List<MrrPoint> points, long unpriced) {
        public MrrHistory {
            Objects.requireNonNull(asOf, "asOf");
            points = List.copyOf(points);
        }
    }

    /**
     * One tier's use of one meter in the running periods: {@code accounts} with a counter, their {@code used}
     * total, the tier's {@code quota} per account (null: unlimited), and {@code utilisation} = used / (accounts x
     * quota) (null when unlimited or the quota is 0).
     */
    public record MeterUse(String tier, String meter, long accounts, long used, Long quota, Double utilisation) {}

    public record Usage(Instant asOf, List<MeterUse> meters) {
        public Usage {
            meters = List.copyOf(meters);
        }
    }

    /** Everything at once (the {@code report} command). */
    public record Report(Revenue revenue, SubscriptionBreakdown subscriptions, Movements movements, Usage usage) {}
}

package dev.billing.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.analytics.Analytics;
import dev.billing.core.model.analytics.InvoiceTally;
import dev.billing.core.model.analytics.MrrSpan;
import dev.billing.core.model.analytics.PurchaseTally;
import dev.billing.core.model.analytics.RefundTally;
import dev.billing.core.model.analytics.SubscriptionMovements;
import dev.billing.core.model.analytics.SubscriptionTally;
import dev.billing.core.model.analytics.TrialOutcomes;
import dev.billing.core.model.analytics.UsageTally;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.AnalyticsStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevenueAnalyticsTest {
    private static final Instant NOW = Instant.parse("2026-11-15T12:00:00Z");
    private static final SubscriptionPricing USD_MONTH = SubscriptionPricing.of("usd", 1000, BillingInterval.MONTH, 1);
    private static final PlanCatalog CATALOG = PlanCatalog.builder()
            .freeTier(new Tier("free", 0, Set.of(), Map.of("api_calls", 100L), 0, 0))
            .tier(new Tier("pro", 1, Set.of(), Map.of("api_calls", 1000L), 14, 0))
            .plan("pro", BillingInterval.MONTH, "price_pro_m")
            .plan("pro", BillingInterval.YEAR, "price_pro_y")
            .build();

    @Test
    void normalisesEveryIntervalToAMonth() {
        assertThat(RevenueAnalytics.monthly(SubscriptionPricing.of("usd", 1200, BillingInterval.YEAR, 1), 1))
                .isEqualByComparingTo("100");
        assertThat(RevenueAnalytics.monthly(SubscriptionPricing.of("usd", 1000, BillingInterval.MONTH, 3), 3))
                .isEqualByComparingTo("1000");
        assertThat(RevenueAnalytics.monthly(SubscriptionPricing.of("usd", 300, BillingInterval.WEEK, 1), 1))
                .isEqualByComparingTo("1300"); // 300 x 52 / 12
        assertThat(RevenueAnalytics.monthly(SubscriptionPricing.of("usd", 12, BillingInterval.DAY, 1), 1))
                .isEqualByComparingTo("365");
        assertThat(RevenueAnalytics.monthly(USD_MONTH.withPercentOff(new BigDecimal("25.5")), 2))
                .isEqualByComparingTo("1490");
        assertThat(RevenueAnalytics.monthly(USD_MONTH.withAmountOff(300, "usd"), 1))
                .isEqualByComparingTo("700");
        assertThat(RevenueAnalytics.monthly(USD_MONTH.withAmountOff(300, "eur"), 1))
                .isEqualByComparingTo("1000");
        assertThat(RevenueAnalytics.monthly(USD_MONTH.withAmountOff(5000, "usd"), 1))
                .isEqualByComparingTo("0");
    }

    @Test
    void keepsTrialsCancellationsAndCurrenciesApart() {
        Analytics.Revenue revenue = analytics(new Tallies()).revenue();

        // usd: 1000 + 3 x 2000 x 75% + 10000 / 12 = 6333.33; eur: 1500, past due.
        assertThat(revenue.currencies())
                .containsExactly(
                        new Analytics.CurrencyRevenue("eur", 1500, 18000, 0, 0, 1500, 1500, 3000),
                        new Analytics.CurrencyRevenue("usd", 6333, 76000, 1000, 2000, 0, 0, 0));
        assertThat(revenue.unpriced()).isEqualTo(1);
        assertThat(revenue.payments().payingSubscriptions()).isEqualTo(6);
        assertThat(revenue.payments().pastDueSubscriptions()).isEqualTo(1);
        assertThat(revenue.payments().invoices()).isEqualTo(4);
        assertThat(revenue.payments().unpaidInvoices()).isEqualTo(1);
        assertThat(revenue.payments().failedPaymentRate()).isEqualTo(0.25);
        assertThat(revenue.trials()).isEqualTo(new Analytics.TrialConversion(4, 3, 0.75));
        assertThat(revenue.purchases())
                .containsExactly(new Analytics.MonthlyPurchases(YearMonth.of(2026, 11), "usd", 2, 5000));
        assertThat(revenue.refunds())
                .containsExactly(
                        new Analytics.MonthlyRefunds(YearMonth.of(2026, 10), "eur", 1, 700),
                        new Analytics.MonthlyRefunds(YearMonth.of(2026, 11), "usd", 2, 2900));
    }

    @Test
    void groupsSubscriptionsByTierAndStatus() {
        Analytics.SubscriptionBreakdown breakdown = analytics(new Tallies()).subscriptions();

        assertThat(breakdown.total()).isEqualTo(8);
        assertThat(breakdown.groups())
                .contains(
                        new Analytics.TierStatus("pro", SubscriptionStatus.ACTIVE, 4, 6, 1),
                        new Analytics.TierStatus("unknown", SubscriptionStatus.PAST_DUE, 1, 1, 0));
    }

    @Test
    void listsEveryMonthOldestFirstAndSplitsReactivations() {
        Analytics.Movements movements = analytics(new Tallies()).movements(3);

        assertThat(movements.months())
                .containsExactly(
                        new Analytics.Movement(YearMonth.of(2026, 9), 0, 0, 0, 0),
                        new Analytics.Movement(YearMonth.of(2026, 10), 4, 3, 1, 0),
                        new Analytics.Movement(YearMonth.of(2026, 11), 2, 2, 0, 1));
        assertThatThrownBy(() -> analytics(new Tallies()).movements(0))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_months"));
    }

    @Test
    void mrrHistoryCountsWhatRanPastItsTrialAtEachMonthEnd() {
        Analytics.MrrHistory history = analytics(new Tallies()).mrrHistory(3);

        // usd: 2 x 1000 all along; from October 2 x 10000 / 12, rounded once: 3666.67. eur: 1500 until it ended in
        // November. gbp never left its trial, so it has no points.
        assertThat(history.points())
                .containsExactly(
                        new Analytics.MrrPoint(YearMonth.of(2026, 9), "eur", 1500),
                        new Analytics.MrrPoint(YearMonth.of(2026, 9), "usd", 2000),
                        new Analytics.MrrPoint(YearMonth.of(2026, 10), "eur", 1500),
                        new Analytics.MrrPoint(YearMonth.of(2026, 10), "usd", 3667),
                        new Analytics.MrrPoint(YearMonth.of(2026, 11), "eur", 0),
                        new Analytics.MrrPoint(YearMonth.of(2026, 11), "usd", 3667));
        assertThat(history.unpriced()).isEqualTo(1);
        assertThat(history.asOf()).isEqualTo(NOW);
        for (int months : new int[] {0, 37}) {
            assertThatThrownBy(() -> analytics(new Tallies()).mrrHistory(months))
                    .isInstanceOfSatisfying(
                            InvalidRequestException.class,
                            e -> assertThat(e.code()).isEqualTo("invalid_months"));
        }
    }

    @Test
    void measuresQuotaUseAgainstTheTier() {
        Analytics.Usage usage = analytics(new Tallies()).usage();

        assertThat(usage.meters())
                .containsExactly(
                        new Analytics.MeterUse("free", "api_calls", 2, 50, 100L, 0.25),
                        new Analytics.MeterUse("pro", "api_calls", 4, 1000, 1000L, 0.25));
    }

    private static RevenueAnalytics analytics(AnalyticsStore store) {
        return new RevenueAnalytics(store, CATALOG, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** Fixed aggregates, as a store would answer them. */
    private static final class Tallies implements AnalyticsStore {
        @Override
        public List<SubscriptionTally> subscriptionTally() {
            SubscriptionPricing usd2000 = SubscriptionPricing.of("usd", 2000, BillingInterval.MONTH, 1);
            return List.of(
                    new SubscriptionTally(SubscriptionStatus.ACTIVE, "price_pro_m", USD_MONTH, false, 1, 1),
                    new SubscriptionTally(
                            SubscriptionStatus.ACTIVE,
                            "price_pro_m",
                            usd2000.withPercentOff(BigDecimal.valueOf(25)),
                            false,
                            3,
                            1),
                    new SubscriptionTally(
                            SubscriptionStatus.ACTIVE,
                            "price_pro_y",
                            SubscriptionPricing.of("usd", 10000, BillingInterval.YEAR, 1),
                            false,
                            1,
                            1),
                    new SubscriptionTally(SubscriptionStatus.ACTIVE, "price_pro_m", usd2000, true, 1, 1),
                    new SubscriptionTally(SubscriptionStatus.TRIALING, "price_pro_m", USD_MONTH, false, 1, 1),
                    new SubscriptionTally(
                            SubscriptionStatus.PAST_DUE,
                            "price_other",
                            SubscriptionPricing.of("eur", 1500, BillingInterval.MONTH, 1),
                            false,
                            1,
                            1),
                    new SubscriptionTally(SubscriptionStatus.ACTIVE, "price_metered", null, false, 1, 1),
                    new SubscriptionTally(SubscriptionStatus.INCOMPLETE, "price_pro_m", USD_MONTH, false, 1, 1));
        }

        @Override
        public List<SubscriptionMovements> movements(Instant since) {
            assertThat(since).isEqualTo(Instant.parse("2026-09-01T00:00:00Z"));
            return List.of(
                    new SubscriptionMovements(YearMonth.of(2026, 10), 4, 1, 0),
                    new SubscriptionMovements(YearMonth.of(2026, 11), 2, 0, 1));
        }

        @Override
        public List<MrrSpan> mrrSpans(Instant since, Instant now) {
            assertThat(since).isEqualTo(Instant.parse("2026-09-01T00:00:00Z"));
            assertThat(now).isEqualTo(NOW);
            YearMonth aug = YearMonth.of(2026, 8);
            YearMonth sep = YearMonth.of(2026, 9);
            YearMonth oct = YearMonth.of(2026, 10);
            YearMonth nov = YearMonth.of(2026, 11);
            YearMonth dec = YearMonth.of(2026, 12);
            return List.of(
                    new MrrSpan(USD_MONTH, 1, aug, null, null, 2),
                    new MrrSpan(SubscriptionPricing.of("usd", 10000, BillingInterval.YEAR, 1), 1, oct, null, oct, 2),
                    new MrrSpan(SubscriptionPricing.of("eur", 1500, BillingInterval.MONTH, 1), 1, sep, nov, null, 1),
                    new MrrSpan(SubscriptionPricing.of("gbp", 500, BillingInterval.MONTH, 1), 1, nov, null, dec, 1),
                    new MrrSpan(null, 1, sep, null, null, 1),
                    new MrrSpan(null, 1, nov, null, dec, 1));
        }

        @Override
        public TrialOutcomes trialOutcomes(Instant now) {
            return new TrialOutcomes(4, 3);
        }

        @Override
        public List<InvoiceTally> invoiceTally(Instant since) {
            return List.of(
                    new InvoiceTally(InvoiceStatus.PAID, "usd", false, 3, 9000, 0),
                    new InvoiceTally(InvoiceStatus.OPEN, "eur", true, 1, 1500, 1500),
                    new InvoiceTally(InvoiceStatus.DRAFT, "usd", false, 2, 2000, 2000));
        }

        @Override
        public List<PurchaseTally> purchaseRevenue(Instant since) {
            return List.of(new PurchaseTally(YearMonth.of(2026, 11), "usd", 2, 5000));
        }

        @Override
        public List<RefundTally> refundTally(Instant since) { // unordered, as a store may answer
            return List.of(
                    new RefundTally(YearMonth.of(2026, 11), "usd", 2, 2900),
                    new RefundTally(YearMonth.of(2026, 10), "eur", 1, 700));
        }

        @Override
        public List<UsageTally> usage(Instant now) {
            return List.of(
                    new UsageTally(null, "api_calls", 2, 50),
                    new UsageTally("price_pro_m", "api_calls", 3, 600),
                    new UsageTally("price_pro_y", "api_calls", 1, 400));
        }
    }
}

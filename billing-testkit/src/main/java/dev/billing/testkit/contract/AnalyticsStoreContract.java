package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.aCustomerLink;
import static dev.billing.testkit.Builders.aPurchase;
import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.analytics.RevenueAnalytics;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
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
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.BillingStores;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link dev.billing.core.port.AnalyticsStore} answers over one hand-made projection (seven live
 * subscriptions in two currencies: monthly and yearly, a discount, a trial, a past due one, one canceled this month
 * and one started again by its customer, a trial that did not convert, one with an amount off that ended last month;
 * invoices, purchases and usage counters), and the MRR and its history computed from it by hand. Subclass it once per store with an EMPTY store (a fresh database per class): the
 * aggregates are global. The fixture is written before each test; writing it again changes nothing.
 */
public abstract class AnalyticsStoreContract {
    protected static final Instant NOW = Instant.parse("2026-11-15T12:00:00Z");
    private static final SubscriptionPricing USD_1000 = SubscriptionPricing.of("usd", 1000, BillingInterval.MONTH, 1);
    private static final SubscriptionPricing USD_2000_25_OFF =
            SubscriptionPricing.of("usd", 2000, BillingInterval.MONTH, 1).withPercentOff(new BigDecimal("25"));
    private static final SubscriptionPricing USD_YEAR = SubscriptionPricing.of("usd", 10000, BillingInterval.YEAR, 1);
    private static final SubscriptionPricing EUR_1500 = SubscriptionPricing.of("eur", 1500, BillingInterval.MONTH, 1);
    private static final SubscriptionPricing EUR_1500_500_OFF = EUR_1500.withAmountOff(500, "eur");
    private static final PlanCatalog CATALOG = PlanCatalog.builder()
            .freeTier(new Tier("free", 0, Set.of(), Map.of("api_calls", 100L), 0, 0))
            .tier(new Tier("pro", 1, Set.of(), Map.of("api_calls", 1000L), 14, 0))
            .tier(new Tier("team", 2, Set.of(), Map.of("api_calls", Tier.UNLIMITED), 0, 0))
            .plan("pro", BillingInterval.MONTH, "price_an_pro_m")
            .plan("pro", BillingInterval.YEAR, "price_an_pro_y")
            .plan("team", BillingInterval.MONTH, "price_an_team_m")
            .build();

    private BillingStores stores;

    /** Stores over an empty database, the same for every test of the class. */
    protected abstract BillingStores stores();

    @BeforeEach
    void writeFixture() {
        stores = stores();
        List<Subscription> subscriptions = List.of(
                sub("sub_an_a1", "cus_an_a", "price_an_pro_m", USD_1000, at("2026-10-05"))
                        .withTrial(at("2026-10-05"), at("2026-11-04"))
                        .build(),
                sub("sub_an_a2", "cus_an_b", "price_an_pro_m", USD_2000_25_OFF, at("2026-10-06"))
                        .withQuantity(3)
                        .build(),
                sub("sub_an_a3", "cus_an_c", "price_an_pro_y", USD_YEAR, at("2026-11-02"))
                        .build(),
                sub("sub_an_t1", "cus_an_d", "price_an_pro_m", USD_1000, at("2026-11-10"))
                        .withStatus(SubscriptionStatus.TRIALING)
                        .withTrial(at("2026-11-10"), at("2026-11-24"))
                        .build(),
                sub("sub_an_p1", "cus_an_e", "price_an_team_m", EUR_1500, at("2026-09-01"))
                        .withStatus(SubscriptionStatus.PAST_DUE)
                        .build(),
                sub("sub_an_c1", "cus_an_f", "price_an_team_m", EUR_1500, at("2026-08-01"))
                        .withTrial(at("2026-08-01"), at("2026-08-15"))
                        .canceled(at("2026-11-03"))
                        .build(),
                sub("sub_an_c2", "cus_an_f", "price_an_team_m", EUR_1500, at("2026-11-08"))
                        .cancelingAtPeriodEnd()
                        .build(),
                sub("sub_an_x1", "cus_an_g", "price_an_pro_m", USD_1000, at("2026-10-01"))
                        .withTrial(at("2026-10-01"), at("2026-10-15"))
                        .canceled(at("2026-10-15"))
                        .build(),
                sub("sub_an_m1", "cus_an_h", "price_an_metered", null, at("2026-10-01"))
                        .build(),
                sub("sub_an_e1", "cus_an_i", "price_an_team_m", EUR_1500_500_OFF, at("2026-07-10"))
                        .withQuantity(2)
                        .canceled(at("2026-10-20"))
                        .build());
        subscriptions.forEach(stores.subscriptions()::upsertSubscription);
        stores.subscriptions()
                .upsertInvoice(anInvoice()
                        .withId("in_an_1")
                        .withCustomer("cus_an_a")
                        .withSubscription("sub_an_a1")
                        .withAmounts(1000, 1000)
                        .withCreated(at("2026-11-05"))
                        .build());
        stores.subscriptions()
                .upsertInvoice(anInvoice()
                        .withId("in_an_2")
                        .withCustomer("cus_an_e")
                        .withSubscription("sub_an_p1")
                        .withCurrency("eur")
                        .withStatus(InvoiceStatus.OPEN)
                        .withAmounts(1500, 0)
                        .withCreated(at("2026-11-01"))
                        .build());
        stores.subscriptions()
                .upsertInvoice(anInvoice()
                        .withId("in_an_3")
                        .withCustomer("cus_an_b")
                        .withSubscription("sub_an_a2")
                        .withAmounts(4500, 4500)
                        .withCreated(at("2026-11-06"))
                        .build());
        stores.subscriptions()
                .upsertInvoice(anInvoice()
                        .withId("in_an_old")
                        .withCustomer("cus_an_b")
                        .withSubscription("sub_an_a2")
                        .withAmounts(4500, 4500)
                        .withCreated(at("2026-03-06"))
                        .build());
        stores.subscriptions()
                .recordPurchase(aPurchase()
                        .withId("cs_an_1")
                        .withCustomer("cus_an_a")
                        .withAmount(1000)
                        .purchasedAt(at("2026-11-02"))
                        .build());
        stores.subscriptions()
                .recordPurchase(aPurchase()
                        .withId("cs_an_2")
                        .withCustomer("cus_an_b")
                        .withAmount(2500)
                        .purchasedAt(at("2026-11-12"))
                        .build());
        stores.subscriptions()
                .recordPurchase(aPurchase()
                        .withId("cs_an_3")
                        .withCustomer("cus_an_e")
                        .withCurrency("eur")
                        .withAmount(700)
                        .purchasedAt(at("2026-10-31"))
                        .build());
        // Refunds: two counted in November (usd), one in October (eur), a failed one and one from before the window.
        stores.subscriptions().upsertRefund(refund("re_an_1", "cus_an_a", 400, "usd", "succeeded", "2026-11-03"));
        stores.subscriptions().upsertRefund(refund("re_an_2", "cus_an_b", 2500, "usd", "pending", "2026-11-13"));
        stores.subscriptions().upsertRefund(refund("re_an_3", "cus_an_e", 700, "eur", "succeeded", "2026-10-31"));
        stores.subscriptions().upsertRefund(refund("re_an_4", "cus_an_a", 600, "usd", "failed", "2026-11-04"));
        stores.subscriptions().upsertRefund(refund("re_an_5", "cus_an_a", 900, "usd", "succeeded", "2026-09-20"));
        stores.customers().link(aCustomerLink("user_an_a", "cus_an_a"));
        stores.customers().link(aCustomerLink("user_an_c", "cus_an_c"));
        counter("user_an_a", at("2026-11-05"), at("2026-12-05"), 300);
        counter("user_an_a", at("2026-10-05"), at("2026-11-05"), 999);
        counter("user_an_c", at("2026-11-02"), at("2027-11-02"), 100);
        counter("user_an_z", at("2026-11-01"), at("2026-12-01"), 40);
    }

    @Test
    @DisplayName("MRR per currency: yearly per month, discounts applied, trials and cancellations apart")
    void revenueByHand() {
        Analytics.Revenue revenue = analytics().revenue();

        // usd: 1000 + 3 x 2000 x 75% + 10000 / 12 = 6333.33 -> 6333, ARR 76000; the trial's 1000 apart.
        // eur: the past due 1500 (at risk, with its open invoice's 1500); the canceling 1500 apart.
        assertThat(revenue.currencies())
                .containsExactly(
                        new Analytics.CurrencyRevenue("eur", 1500, 18000, 0, 1500, 1500, 1500, 3000),
                        new Analytics.CurrencyRevenue("usd", 6333, 76000, 1000, 0, 0, 0, 0));
        assertThat(revenue.unpriced()).isEqualTo(1);
        assertThat(revenue.payments().invoices()).isEqualTo(3);
        assertThat(revenue.payments().unpaidInvoices()).isEqualTo(1);
        assertThat(revenue.payments().pastDueSubscriptions()).isEqualTo(1);
        assertThat(revenue.payments().payingSubscriptions()).isEqualTo(6);
        assertThat(revenue.trials()).isEqualTo(new Analytics.TrialConversion(3, 2, 2.0 / 3));
        assertThat(revenue.purchases())
                .containsExactly(
                        new Analytics.MonthlyPurchases(YearMonth.of(2026, 10), "eur", 1, 700),
                        new Analytics.MonthlyPurchases(YearMonth.of(2026, 11), "usd", 2, 3500));
    }

    @Test
    @DisplayName("the tally groups live subscriptions by status, price, pricing, cancellation and quantity")
    void tally() {
        assertThat(stores.analytics().subscriptionTally())
                .containsExactlyInAnyOrder(
                        new SubscriptionTally(SubscriptionStatus.ACTIVE, "price_an_pro_m", USD_1000, false, 1, 1),
                        new SubscriptionTally(
                                SubscriptionStatus.ACTIVE, "price_an_pro_m", USD_2000_25_OFF, false, 3, 1),
                        new SubscriptionTally(SubscriptionStatus.ACTIVE, "price_an_pro_y", USD_YEAR, false, 1, 1),
                        new SubscriptionTally(SubscriptionStatus.TRIALING, "price_an_pro_m", USD_1000, false, 1, 1),
                        new SubscriptionTally(SubscriptionStatus.PAST_DUE, "price_an_team_m", EUR_1500, false, 1, 1),
                        new SubscriptionTally(SubscriptionStatus.ACTIVE, "price_an_team_m", EUR_1500, true, 1, 1),
                        new SubscriptionTally(SubscriptionStatus.ACTIVE, "price_an_metered", null, false, 1, 1));
        assertThat(analytics().subscriptions().groups())
                .contains(
                        new Analytics.TierStatus("pro", SubscriptionStatus.ACTIVE, 3, 5, 0),
                        new Analytics.TierStatus("team", SubscriptionStatus.ACTIVE, 1, 1, 1),
                        new Analytics.TierStatus("unknown", SubscriptionStatus.ACTIVE, 1, 1, 0));
    }

    @Test
    @DisplayName("a discount's percent and amount survive the store")
    void pricingRoundTrips() {
        Subscription amountOff = sub(
                        "sub_an_rt",
                        "cus_an_rt",
                        "price_an_pro_m",
                        USD_1000.withAmountOff(250, "usd"),
                        at("2026-01-01"))
                .canceled(at("2026-01-02"))
                .build();
        stores.subscriptions().upsertSubscription(amountOff);

        assertThat(stores.subscriptions()
                        .findSubscription("sub_an_a2")
                        .orElseThrow()
                        .pricing())
                .isEqualTo(USD_2000_25_OFF);
        assertThat(stores.subscriptions().findSubscription("sub_an_rt").orElseThrow())
                .isEqualTo(amountOff);
        assertThat(stores.subscriptions()
                        .findSubscription("sub_an_m1")
                        .orElseThrow()
                        .pricing())
                .isNull();
    }

    @Test
    @DisplayName("movements: starts, reactivations (a customer whose subscription had ended) and cancellations")
    void movements() {
        assertThat(stores.analytics().movements(Instant.parse("2026-09-01T00:00:00Z")))
                .containsExactlyInAnyOrder(
                        new SubscriptionMovements(YearMonth.of(2026, 9), 1, 0, 0),
                        new SubscriptionMovements(YearMonth.of(2026, 10), 4, 0, 2),
                        new SubscriptionMovements(YearMonth.of(2026, 11), 3, 1, 1));
    }

    @Test
    @DisplayName("MRR history: what ran past its trial at each month end, at today's pricing, every month present")
    void mrrHistoryByHand() {
        YearMonth jul = YearMonth.of(2026, 7);
        YearMonth aug = YearMonth.of(2026, 8);
        YearMonth sep = YearMonth.of(2026, 9);
        YearMonth oct = YearMonth.of(2026, 10);
        YearMonth nov = YearMonth.of(2026, 11);
        // A month after NOW stands for "not yet" (the trial of sub_an_t1 ends on the 24th).
        assertThat(stores.analytics().mrrSpans(Instant.parse("2026-06-01T00:00:00Z"), NOW))
                .containsExactlyInAnyOrder(
                        new MrrSpan(USD_1000, 1, oct, null, nov, 1),
                        new MrrSpan(USD_2000_25_OFF, 3, oct, null, null, 1),
                        new MrrSpan(USD_YEAR, 1, nov, null, null, 1),
                        new MrrSpan(USD_1000, 1, nov, null, YearMonth.of(2026, 12), 1),
                        new MrrSpan(EUR_1500, 1, sep, null, null, 1),
                        new MrrSpan(EUR_1500, 1, aug, nov, aug, 1),
                        new MrrSpan(EUR_1500, 1, nov, null, null, 1),
                        new MrrSpan(USD_1000, 1, oct, oct, oct, 1),
                        new MrrSpan(null, 1, oct, null, null, 1),
                        new MrrSpan(EUR_1500_500_OFF, 2, jul, oct, null, 1));
        assertThat(stores.analytics().mrrSpans(Instant.parse("2026-11-01T00:00:00Z"), NOW))
                .as("what ended before the window is left out")
                .hasSize(8);

        Analytics.MrrHistory history = analytics().mrrHistory(6);

        // eur: sub_an_e1 2 x 1500 - 500 = 2500 from July to September (ended in October), sub_an_c1 1500 from its
        // trial's end in August until it ended in November, sub_an_p1 1500 from September, sub_an_c2 1500 in
        // November. usd: sub_an_a2 4500 from October; in November also sub_an_a1 1000 (its trial ended on the 4th)
        // and sub_an_a3 10000 / 12; sub_an_x1 never paid and sub_an_t1 is still trialing.
        assertThat(history.asOf()).isEqualTo(NOW);
        assertThat(history.points())
                .containsExactly(
                        new Analytics.MrrPoint(YearMonth.of(2026, 6), "eur", 0),
                        new Analytics.MrrPoint(YearMonth.of(2026, 6), "usd", 0),
                        new Analytics.MrrPoint(jul, "eur", 2500),
                        new Analytics.MrrPoint(jul, "usd", 0),
                        new Analytics.MrrPoint(aug, "eur", 4000),
                        new Analytics.MrrPoint(aug, "usd", 0),
                        new Analytics.MrrPoint(sep, "eur", 5500),
                        new Analytics.MrrPoint(sep, "usd", 0),
                        new Analytics.MrrPoint(oct, "eur", 3000),
                        new Analytics.MrrPoint(oct, "usd", 4500),
                        new Analytics.MrrPoint(nov, "eur", 3000),
                        new Analytics.MrrPoint(nov, "usd", 6333));
        assertThat(history.unpriced()).as("sub_an_m1").isEqualTo(1);
        // The current month's point is the MRR of revenue() plus what it keeps apart but is running: canceling.
        assertThat(analytics().mrrHistory(1).points())
                .containsExactly(new Analytics.MrrPoint(nov, "eur", 3000), new Analytics.MrrPoint(nov, "usd", 6333));
    }

    @Test
    @DisplayName("trials that ended and converted, invoices in the window, purchases per month")
    void otherAggregates() {
        assertThat(stores.analytics().trialOutcomes(NOW)).isEqualTo(new TrialOutcomes(3, 2));
        assertThat(stores.analytics().invoiceTally(Instant.parse("2026-08-17T12:00:00Z")))
                .containsExactlyInAnyOrder(
                        new InvoiceTally(InvoiceStatus.PAID, "usd", false, 2, 5500, 0),
                        new InvoiceTally(InvoiceStatus.OPEN, "eur", true, 1, 1500, 1500));
        assertThat(stores.analytics().purchaseRevenue(Instant.parse("2026-10-01T00:00:00Z")))
                .containsExactlyInAnyOrder(
                        new PurchaseTally(YearMonth.of(2026, 10), "eur", 1, 700),
                        new PurchaseTally(YearMonth.of(2026, 11), "usd", 2, 3500));
        assertThat(stores.analytics().refundTally(Instant.parse("2026-10-01T00:00:00Z")))
                .containsExactlyInAnyOrder(
                        new RefundTally(YearMonth.of(2026, 10), "eur", 1, 700),
                        new RefundTally(YearMonth.of(2026, 11), "usd", 2, 2900));
    }

    private static PaymentRefund refund(
            String id, String customer, long amount, String currency, String status, String day) {
        Instant created = at(day);
        return new PaymentRefund(
                id,
                CustomerId.of(customer),
                "ch_" + id,
                "pi_" + id,
                amount,
                currency,
                status,
                "requested_by_customer",
                created,
                SourceVersion.snapshot(created));
    }

    @Test
    @DisplayName("usage of the running periods per granting price and meter, and its share of the tier's quota")
    void usage() {
        assertThat(stores.analytics().usage(NOW))
                .containsExactlyInAnyOrder(
                        new UsageTally("price_an_pro_m", "api_calls", 1, 300),
                        new UsageTally("price_an_pro_y", "api_calls", 1, 100),
                        new UsageTally(null, "api_calls", 1, 40));
        assertThat(analytics().usage().meters())
                .containsExactly(
                        new Analytics.MeterUse("free", "api_calls", 1, 40, 100L, 0.4),
                        new Analytics.MeterUse("pro", "api_calls", 2, 400, 1000L, 0.2));
    }

    private RevenueAnalytics analytics() {
        return new RevenueAnalytics(stores.analytics(), CATALOG, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private void counter(String user, Instant start, Instant end, long used) {
        stores.usage()
                .restoreCounter(
                        new UsageCounter(UserId.of(user), "api_calls", new UsagePeriod(start, end), used, start));
    }

    private static dev.billing.testkit.Builders.SubscriptionBuilder sub(
            String id, String customer, String price, SubscriptionPricing pricing, Instant created) {
        return aSubscription()
                .withId(id)
                .withCustomer(customer)
                .withPrice(price)
                .withPricing(pricing)
                .withCreated(created)
                .withPeriod(created, created.plusSeconds(30L * 86400));
    }

    private static Instant at(String day) {
        return Instant.parse(day + "T00:00:00Z");
    }
}

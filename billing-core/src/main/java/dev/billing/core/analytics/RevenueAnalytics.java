package dev.billing.core.analytics;

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
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.AnalyticsStore;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Revenue analytics from the local projection only (never a Stripe call): the store's aggregates
 * ({@link AnalyticsStore}) turned into figures with the plan catalog.
 *
 * <p>Normalisation: a price of {@code unitAmount} per {@code intervalCount} intervals counts per month as
 * amount / count for months, / (12 x count) for years, x 52 / (12 x count) for weeks and x 365 / (12 x count) for
 * days; times the quantity; less {@code percentOff} percent, then less {@code amountOff} when it is in the price's
 * currency (at least 0 per subscription). Sums are exact and rounded half up once per figure.
 *
 * <p>Usage: {@code Analytics.Revenue r = useCases.revenueAnalytics().revenue();}
 */
public final class RevenueAnalytics implements AnalyticsFigures {
    /** The window of invoices that payment failures and the open amount at risk are read from. */
    static final int INVOICE_WINDOW_DAYS = 90;
    /** Months of purchases in the revenue figures. */
    static final int PURCHASE_MONTHS = 12;

    static final int MAX_MONTHS = 36;
    private static final MathContext EXACT = MathContext.DECIMAL128;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final String UNKNOWN_TIER = "unknown";

    private final AnalyticsStore store;
    private final PlanCatalog catalog;
    private final Clock clock;

    /** Wired by {@link dev.billing.core.UseCases}; public for a host (or a store's test) that wants the figures alone. */
    public RevenueAnalytics(AnalyticsStore store, PlanCatalog catalog, Clock clock) {
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public Analytics.Revenue revenue() {
        Instant now = clock.instant();
        List<SubscriptionTally> tally = store.subscriptionTally();
        Map<String, BigDecimal[]> sums = new TreeMap<>(); // mrr, trialing, canceling, past due
        long unpriced = 0;
        long paying = 0;
        long pastDue = 0;
        for (SubscriptionTally t : tally) {
            SubscriptionStatus status = t.status();
            boolean counted = status == SubscriptionStatus.ACTIVE
                    || status == SubscriptionStatus.TRIALING
                    || status == SubscriptionStatus.PAST_DUE;
            if (status == SubscriptionStatus.ACTIVE
                    || status == SubscriptionStatus.PAST_DUE
                    || status == SubscriptionStatus.UNPAID) {
                paying += t.count();
                if (status != SubscriptionStatus.ACTIVE) {
                    pastDue += t.count();
                }
            }
            if (!counted) {
                continue;
            }
            if (t.pricing() == null) {
                unpriced += t.count();
                continue;
            }
            BigDecimal monthly = monthly(t.pricing(), t.quantity()).multiply(BigDecimal.valueOf(t.count()));
            BigDecimal[] figures = sums.computeIfAbsent(t.pricing().currency(), c ->
                    new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
            int bucket = status == SubscriptionStatus.TRIALING ? 1 : t.canceling() ? 2 : 0;
            figures[bucket] = figures[bucket].add(monthly);
            if (bucket == 0 && status == SubscriptionStatus.PAST_DUE) {
                figures[3] = figures[3].add(monthly);
            }
        }
        List<InvoiceTally> invoices = store.invoiceTally(now.minus(Duration.ofDays(INVOICE_WINDOW_DAYS)));
        Map<String, Long> openAtRisk = new HashMap<>();
        long considered = 0;
        long unpaid = 0;
        for (InvoiceTally i : invoices) {
            if (i.status() == InvoiceStatus.OPEN || i.status() == InvoiceStatus.UNCOLLECTIBLE) {
                unpaid += i.count();
            }
            if (i.status() == InvoiceStatus.OPEN
                    || i.status() == InvoiceStatus.UNCOLLECTIBLE
                    || i.status() == InvoiceStatus.PAID) {
                considered += i.count();
            }
            if (i.status() == InvoiceStatus.OPEN && i.subscriptionAtRisk()) {
                openAtRisk.merge(i.currency(), i.amountRemaining(), Long::sum);
                sums.computeIfAbsent(i.currency(), c ->
                        new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
            }
        }
        List<Analytics.CurrencyRevenue> currencies = new ArrayList<>();
        sums.forEach((currency, f) -> {
            long open = openAtRisk.getOrDefault(currency, 0L);
            long pastDueMrr = round(f[3]);
            currencies.add(new Analytics.CurrencyRevenue(
                    currency,
                    round(f[0]),
                    round(f[0].multiply(BigDecimal.valueOf(12))),
                    round(f[1]),
                    round(f[2]),
                    pastDueMrr,
                    open,
                    pastDueMrr + open));
        });
        TrialOutcomes trials = store.trialOutcomes(now);
        List<Analytics.MonthlyPurchases> purchases = new ArrayList<>();
        for (PurchaseTally p : store.purchaseRevenue(monthStart(now, PURCHASE_MONTHS))) {
            purchases.add(new Analytics.MonthlyPurchases(p.month(), p.currency(), p.count(), p.amountTotal()));
        }
        purchases.sort(Comparator.comparing(Analytics.MonthlyPurchases::month)
                .thenComparing(Analytics.MonthlyPurchases::currency));
        return new Analytics.Revenue(
                now,
                currencies,
                unpriced,
                new Analytics.PaymentHealth(
                        INVOICE_WINDOW_DAYS,
                        considered,
                        unpaid,
                        rate(unpaid, considered),
                        paying,
                        pastDue,
                        rate(pastDue, paying)),
                new Analytics.TrialConversion(
                        trials.ended(), trials.converted(), rate(trials.converted(), trials.ended())),
                purchases,
                refunds(now));
    }

    /** Subscriptions that have not ended, by tier (catalog order, then unknown) and status. */
    /** The refunds of the same months as the purchases, by month then currency. */
    private List<Analytics.MonthlyRefunds> refunds(Instant now) {
        List<Analytics.MonthlyRefunds> refunds = new ArrayList<>();
        for (RefundTally r : store.refundTally(monthStart(now, PURCHASE_MONTHS))) {
            refunds.add(new Analytics.MonthlyRefunds(r.month(), r.currency(), r.count(), r.amount()));
        }
        refunds.sort(Comparator.comparing(Analytics.MonthlyRefunds::month)
                .thenComparing(Analytics.MonthlyRefunds::currency));
        return refunds;
    }

    @Override
    public Analytics.SubscriptionBreakdown subscriptions() {
        Instant now = clock.instant();
        Map<String, Map<SubscriptionStatus, long[]>> byTier = new LinkedHashMap<>();
        catalog.tiers().forEach(t -> byTier.put(t.name(), new TreeMap<>()));
        byTier.put(UNKNOWN_TIER, new TreeMap<>());
        long total = 0;
        for (SubscriptionTally t : store.subscriptionTally()) {
            long[] counts = byTier.get(tierOf(t.priceId())).computeIfAbsent(t.status(), s -> new long[3]);
            counts[0] += t.count();
            counts[1] += t.count() * t.quantity();
            counts[2] += t.canceling() ? t.count() : 0;
            total += t.count();
        }
        List<Analytics.TierStatus> groups = new ArrayList<>();
        byTier.forEach((tier, statuses) ->
                statuses.forEach((status, c) -> groups.add(new Analytics.TierStatus(tier, status, c[0], c[1], c[2]))));
        return new Analytics.SubscriptionBreakdown(now, total, groups);
    }

    /**
     * The last {@code months} UTC months, this one included, oldest first.
     *
     * @throws InvalidRequestException {@code invalid_months} unless 1 to 36
     */
    @Override
    public Analytics.Movements movements(int months) {
        checkMonths(months);
        Instant now = clock.instant();
        Map<YearMonth, SubscriptionMovements> found = new HashMap<>();
        store.movements(monthStart(now, months)).forEach(m -> found.put(m.month(), m));
        List<Analytics.Movement> list = new ArrayList<>();
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        for (YearMonth m = current.minusMonths(months - 1L); !m.isAfter(current); m = m.plusMonths(1)) {
            SubscriptionMovements s = found.get(m);
            list.add(
                    s == null
                            ? new Analytics.Movement(m, 0, 0, 0, 0)
                            : new Analytics.Movement(
                                    m, s.started(), s.started() - s.reactivated(), s.reactivated(), s.churned()));
        }
        return new Analytics.Movements(now, list);
    }

    /**
     * MRR per currency at the end of each of the last {@code months} UTC months, this one's at now, oldest first.
     * A subscription counts at a month end when it had been created, had not ended and was past its trial, with
     * the MRR rules of {@link #revenue()} applied to its current pricing (no price history is kept).
     *
     * @throws InvalidRequestException {@code invalid_months} unless 1 to 36
     */
    @Override
    public Analytics.MrrHistory mrrHistory(int months) {
        checkMonths(months);
        Instant now = clock.instant();
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        YearMonth first = current.minusMonths(months - 1L);
        Map<String, BigDecimal[]> sums = new TreeMap<>();
        long unpriced = 0;
        for (MrrSpan span : store.mrrSpans(monthStart(now, months), now)) {
            boolean ran = false;
            for (int i = 0; i < months; i++) {
                if (!span.paying(first.plusMonths(i))) {
                    continue;
                }
                ran = true;
                if (span.pricing() != null) {
                    BigDecimal[] mrr = sums.computeIfAbsent(span.pricing().currency(), c -> zeros(months));
                    mrr[i] = mrr[i].add(
                            monthly(span.pricing(), span.quantity()).multiply(BigDecimal.valueOf(span.count())));
                }
            }
            unpriced += ran && span.pricing() == null ? span.count() : 0;
        }
        List<Analytics.MrrPoint> points = new ArrayList<>();
        for (int i = 0; i < months; i++) {
            for (Map.Entry<String, BigDecimal[]> currency : sums.entrySet()) {
                points.add(
                        new Analytics.MrrPoint(first.plusMonths(i), currency.getKey(), round(currency.getValue()[i])));
            }
        }
        return new Analytics.MrrHistory(now, points, unpriced);
    }

    /** Quota use per tier and meter in the running periods. */
    @Override
    public Analytics.Usage usage() {
        Instant now = clock.instant();
        Map<List<String>, long[]> sums = new TreeMap<>(
                Comparator.<List<String>, String>comparing(k -> k.get(0)).thenComparing(k -> k.get(1)));
        for (UsageTally u : store.usage(now)) {
            String tier = u.priceId() == null ? catalog.freeTier().name() : tierOf(u.priceId());
            long[] s = sums.computeIfAbsent(List.of(tier, u.meter()), k -> new long[2]);
            s[0] += u.accounts();
            s[1] += u.used();
        }
        List<Analytics.MeterUse> meters = new ArrayList<>();
        sums.forEach((key, s) -> {
            Long quota = catalog.tier(key.get(0))
                    .map(t -> t.quota(key.get(1)))
                    .filter(q -> q != Tier.UNLIMITED)
                    .orElse(null);
            Double utilisation =
                    quota == null || quota == 0 || s[0] == 0 ? null : (double) s[1] / ((double) quota * s[0]);
            meters.add(new Analytics.MeterUse(key.get(0), key.get(1), s[0], s[1], quota, utilisation));
        });
        return new Analytics.Usage(now, meters);
    }

    /** Every figure, movements over {@code months}. */
    public Analytics.Report report(int months) {
        return new Analytics.Report(revenue(), subscriptions(), movements(months), usage());
    }

    /** What one subscription of this pricing and quantity brings per month, exact. */
    static BigDecimal monthly(SubscriptionPricing p, long quantity) {
        BigDecimal perInterval = BigDecimal.valueOf(p.unitAmount()).multiply(BigDecimal.valueOf(quantity));
        if (p.percentOff() != null) {
            perInterval = perInterval.multiply(HUNDRED.subtract(p.percentOff())).divide(HUNDRED, EXACT);
        }
        if (p.amountOff() > 0 && p.currency().equals(p.amountOffCurrency())) {
            perInterval =
                    perInterval.subtract(BigDecimal.valueOf(p.amountOff())).max(BigDecimal.ZERO);
        }
        BigDecimal count = BigDecimal.valueOf(p.intervalCount());
        return switch (p.interval()) {
            case MONTH -> perInterval.divide(count, EXACT);
            case YEAR -> perInterval.divide(count.multiply(BigDecimal.valueOf(12)), EXACT);
            case WEEK ->
                perInterval.multiply(BigDecimal.valueOf(52)).divide(count.multiply(BigDecimal.valueOf(12)), EXACT);
            case DAY ->
                perInterval.multiply(BigDecimal.valueOf(365)).divide(count.multiply(BigDecimal.valueOf(12)), EXACT);
        };
    }

    private String tierOf(String priceId) {
        return priceId == null
                ? UNKNOWN_TIER
                : catalog.planForPrice(priceId).map(Plan::tier).map(Tier::name).orElse(UNKNOWN_TIER);
    }

    /** The first instant of the UTC month {@code months - 1} months before this one. */
    static Instant monthStart(Instant now, int months) {
        return YearMonth.from(now.atZone(ZoneOffset.UTC))
                .minusMonths(months - 1L)
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
    }

    private static void checkMonths(int months) {
        if (months < 1 || months > MAX_MONTHS) {
            throw new InvalidRequestException(
                    "invalid_months", "months", "months must be between 1 and " + MAX_MONTHS + ".");
        }
    }

    private static BigDecimal[] zeros(int length) {
        BigDecimal[] zeros = new BigDecimal[length];
        Arrays.fill(zeros, BigDecimal.ZERO);
        return zeros;
    }

    private static long round(BigDecimal value) {
        return value.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static double rate(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}

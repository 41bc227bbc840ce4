package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.analytics.InvoiceTally;
import dev.billing.core.model.analytics.MrrSpan;
import dev.billing.core.model.analytics.PurchaseTally;
import dev.billing.core.model.analytics.RefundTally;
import dev.billing.core.model.analytics.SubscriptionMovements;
import dev.billing.core.model.analytics.SubscriptionTally;
import dev.billing.core.model.analytics.TrialOutcomes;
import dev.billing.core.model.analytics.UsageTally;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.port.AnalyticsStore;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.core.port.UsageLedger;
import dev.billing.testkit.Pages;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * {@link AnalyticsStore} over the other in-memory stores: every aggregate reads everything through their ports (the
 * reference the real stores' grouped queries are checked against by {@code AnalyticsStoreContract}).
 */
public final class InMemoryAnalyticsStore implements AnalyticsStore {
    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final UsageLedger usage;

    public InMemoryAnalyticsStore(CustomerStore customers, SubscriptionStore subscriptions, UsageLedger usage) {
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.usage = usage;
    }

    @Override
    public List<SubscriptionTally> subscriptionTally() {
        Map<List<Object>, Long> counts = new HashMap<>();
        for (Subscription s : all(subscriptions::listSubscriptions)) {
            if (!s.hasEnded()) {
                counts.merge(
                        Arrays.asList(s.status(), s.priceId(), s.pricing(), s.isCanceling(), s.quantity()),
                        1L,
                        Long::sum);
            }
        }
        List<SubscriptionTally> tally = new ArrayList<>();
        counts.forEach((k, n) -> tally.add(new SubscriptionTally(
                (SubscriptionStatus) k.get(0),
                (String) k.get(1),
                (SubscriptionPricing) k.get(2),
                (Boolean) k.get(3),
                (Long) k.get(4),
                n)));
        return tally;
    }

    @Override
    public List<SubscriptionMovements> movements(Instant since) {
        List<Subscription> all = all(subscriptions::listSubscriptions);
        Map<CustomerId, Instant> firstEnd = new HashMap<>();
        for (Subscription s : all) {
            if (s.endedAt() != null) {
                firstEnd.merge(s.customerId(), s.endedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Map<YearMonth, long[]> months = new HashMap<>();
        for (Subscription s : all) {
            if (!s.created().isBefore(since)) {
                long[] m = months.computeIfAbsent(month(s.created()), k -> new long[3]);
                m[0]++;
                Instant ended = firstEnd.get(s.customerId());
                if (ended != null && !ended.isAfter(s.created())) {
                    m[1]++;
                }
            }
            if (s.endedAt() != null && !s.endedAt().isBefore(since) && s.status() == SubscriptionStatus.CANCELED) {
                months.computeIfAbsent(month(s.endedAt()), k -> new long[3])[2]++;
            }
        }
        List<SubscriptionMovements> list = new ArrayList<>();
        months.forEach((m, c) -> list.add(new SubscriptionMovements(m, c[0], c[1], c[2])));
        return list;
    }

    @Override
    public List<MrrSpan> mrrSpans(Instant since, Instant now) {
        Map<List<Object>, Long> counts = new HashMap<>();
        for (Subscription s : all(subscriptions::listSubscriptions)) {
            if (s.status() == SubscriptionStatus.INCOMPLETE
                    || s.status() == SubscriptionStatus.INCOMPLETE_EXPIRED
                    || (s.endedAt() != null && s.endedAt().isBefore(since))) {
                continue;
            }
            counts.merge(
                    Arrays.asList(
                            s.pricing(),
                            s.quantity(),
                            month(s.created(), now),
                            month(s.endedAt(), now),
                            s.status() == SubscriptionStatus.TRIALING
                                    ? month(now).plusMonths(1)
                                    : month(s.trialEnd(), now)),
                    1L,
                    Long::sum);
        }
        List<MrrSpan> list = new ArrayList<>();
        counts.forEach((k, n) -> list.add(new MrrSpan(
                (SubscriptionPricing) k.get(0),
                (Long) k.get(1),
                (YearMonth) k.get(2),
                (YearMonth) k.get(3),
                (YearMonth) k.get(4),
                n)));
        return list;
    }

    @Override
    public TrialOutcomes trialOutcomes(Instant now) {
        long ended = 0;
        long converted = 0;
        for (Subscription s : all(subscriptions::listSubscriptions)) {
            if (s.trialEnd() == null || s.trialEnd().isAfter(now) || s.status() == SubscriptionStatus.TRIALING) {
                continue;
            }
            ended++;
            if (s.status() == SubscriptionStatus.ACTIVE
                    || s.status() == SubscriptionStatus.PAST_DUE
                    || s.status() == SubscriptionStatus.UNPAID
                    || (s.endedAt() != null && s.endedAt().isAfter(s.trialEnd()))) {
                converted++;
            }
        }
        return new TrialOutcomes(ended, converted);
    }

    @Override
    public List<InvoiceTally> invoiceTally(Instant since) {
        Map<List<Object>, long[]> sums = new HashMap<>();
        for (Invoice i : all(subscriptions::listInvoices)) {
            if (i.created().isBefore(since) || i.amountDue() <= 0) {
                continue;
            }
            boolean atRisk = Optional.ofNullable(i.subscriptionId())
                    .flatMap(subscriptions::findSubscription)
                    .map(s -> s.status() == SubscriptionStatus.PAST_DUE || s.status() == SubscriptionStatus.UNPAID)
                    .orElse(false);
            long[] s = sums.computeIfAbsent(List.of(i.status(), i.currency(), atRisk), k -> new long[3]);
            s[0]++;
            s[1] += i.amountDue();
            s[2] += i.amountRemaining();
        }
        List<InvoiceTally> list = new ArrayList<>();
        sums.forEach((k, s) -> list.add(
                new InvoiceTally((InvoiceStatus) k.get(0), (String) k.get(1), (Boolean) k.get(2), s[0], s[1], s[2])));
        return list;
    }

    @Override
    public List<PurchaseTally> purchaseRevenue(Instant since) {
        Map<List<Object>, long[]> sums = new HashMap<>();
        for (Purchase p : all(subscriptions::listPurchases)) {
            if (!p.purchasedAt().isBefore(since)) {
                long[] s = sums.computeIfAbsent(List.of(month(p.purchasedAt()), p.currency()), k -> new long[2]);
                s[0]++;
                s[1] += p.amountTotal();
            }
        }
        List<PurchaseTally> list = new ArrayList<>();
        sums.forEach((k, s) -> list.add(new PurchaseTally((YearMonth) k.get(0), (String) k.get(1), s[0], s[1])));
        return list;
    }

    @Override
    public List<RefundTally> refundTally(Instant since) {
        Map<List<Object>, long[]> sums = new HashMap<>();
        for (PaymentRefund r : all(subscriptions::listRefunds)) {
            if (!r.created().isBefore(since)
                    && !r.status().equals("failed")
                    && !r.status().equals("canceled")) {
                long[] s = sums.computeIfAbsent(List.of(month(r.created()), r.currency()), k -> new long[2]);
                s[0]++;
                s[1] += r.amount();
            }
        }
        List<RefundTally> list = new ArrayList<>();
        sums.forEach((k, s) -> list.add(new RefundTally((YearMonth) k.get(0), (String) k.get(1), s[0], s[1])));
        return list;
    }

    @Override
    public List<UsageTally> usage(Instant now) {
        Map<List<String>, long[]> sums = new HashMap<>();
        for (UsageCounter c : all(usage::listCounters)) {
            if (c.period().start().isAfter(now) || !c.period().end().isAfter(now)) {
                continue;
            }
            String price = customers
                    .findByUserId(c.userId())
                    .map(CustomerLink::customerId)
                    .flatMap(this::grantingPrice)
                    .orElse(null);
            long[] s = sums.computeIfAbsent(Arrays.asList(price, c.meter()), k -> new long[2]);
            s[0]++;
            s[1] += c.used();
        }
        List<UsageTally> list = new ArrayList<>();
        sums.forEach((k, s) -> list.add(new UsageTally(k.get(0), k.get(1), s[0], s[1])));
        return list;
    }

    /** The price of the customer's newest active, trialing or past due subscription. */
    private Optional<String> grantingPrice(CustomerId customer) {
        return subscriptions.subscriptionsOf(customer).stream()
                .filter(s -> s.status() == SubscriptionStatus.ACTIVE
                        || s.status() == SubscriptionStatus.TRIALING
                        || s.status() == SubscriptionStatus.PAST_DUE)
                .max(Comparator.comparing(Subscription::created))
                .map(Subscription::priceId)
                .filter(Objects::nonNull);
    }

    private static YearMonth month(Instant at) {
        return YearMonth.from(at.atZone(ZoneOffset.UTC));
    }

    /** The month of {@code at}, the month after now's when it is after {@code now} (null for null). */
    private static YearMonth month(Instant at, Instant now) {
        return at == null ? null : at.isAfter(now) ? month(now).plusMonths(1) : month(at);
    }

    private static <T> List<T> all(BiFunction<String, Integer, Page<T>> list) {
        return Pages.all(list, 100);
    }
}

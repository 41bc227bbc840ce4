package dev.billing.bench;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.BillingStores;
import dev.billing.postgres.PostgresBillingStores;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin analytics routes over a large projection: seeds {@code count} subscriptions (statuses, currencies,
 * intervals, discounts, trials and cancellations spread over two years), an invoice per five, a purchase per ten
 * and a usage counter per four, straight into Postgres, then asks each {@code /admin/analytics/*} route over HTTP
 * one request at a time and reports its latencies (each answer checked: 200).
 */
final class AnalyticsScenario {
    static final String[] ROUTES = {
        "/admin/analytics/revenue",
        "/admin/analytics/subscriptions",
        "/admin/analytics/movements?months=12",
        "/admin/analytics/usage",
        "/admin/analytics/mrr?months=12"
    };
    private static final SubscriptionStatus[] STATUSES = {
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.TRIALING,
        SubscriptionStatus.PAST_DUE,
        SubscriptionStatus.CANCELED,
        SubscriptionStatus.CANCELED
    };
    private static final String[] PRICES = {
        "price_basic_monthly", "price_basic_yearly", "price_pro_monthly", "price_pro_yearly"
    };

    private AnalyticsScenario() {}

    static void seed(BenchEnvironment env, String prefix, int count) {
        Instant now = Instant.now();
        SourceVersion version = SourceVersion.snapshot(now);
        try (BillingStores stores = PostgresBillingStores.create(env.databaseUrlWithCredentials())) {
            List<Subscription> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                CustomerId customer = CustomerId.of("cus_" + prefix + "_" + (i % (count * 9 / 10)));
                SubscriptionStatus status = STATUSES[i % STATUSES.length];
                Instant created = now.minus(Duration.ofHours(i % (2 * 365 * 24)));
                boolean yearly = i % 4 == 1 || i % 4 == 3;
                SubscriptionPricing pricing = SubscriptionPricing.of(
                        i % 3 == 0 ? "eur" : "usd",
                        yearly ? 29000 : 2900,
                        yearly ? BillingInterval.YEAR : BillingInterval.MONTH,
                        1);
                if (i % 11 == 0) {
                    pricing = pricing.withPercentOff(BigDecimal.valueOf(20));
                }
                Instant ended = status == SubscriptionStatus.CANCELED ? created.plus(Duration.ofDays(20)) : null;
                batch.add(new Subscription(
                        "sub_" + prefix + "_" + i,
                        customer,
                        status,
                        PRICES[i % PRICES.length],
                        1 + i % 3,
                        created,
                        created.plus(Duration.ofDays(30)),
                        i % 13 == 0,
                        null,
                        ended,
                        ended,
                        i % 5 == 0 ? created : null,
                        i % 5 == 0 ? created.plus(Duration.ofDays(14)) : null,
                        created,
                        Map.of(),
                        version,
                        pricing));
                if (batch.size() == 64) {
                    stores.subscriptions().upsertSubscriptions(batch);
                    batch.clear();
                }
                if (i % 5 == 0) {
                    stores.subscriptions()
                            .upsertInvoice(new Invoice(
                                    "in_" + prefix + "_" + i,
                                    customer,
                                    "sub_" + prefix + "_" + i,
                                    i % 15 == 0 ? InvoiceStatus.OPEN : InvoiceStatus.PAID,
                                    null,
                                    "usd",
                                    2900,
                                    i % 15 == 0 ? 0 : 2900,
                                    i % 15 == 0 ? 2900 : 0,
                                    null,
                                    null,
                                    "subscription_cycle",
                                    created,
                                    created.plus(Duration.ofDays(30)),
                                    created,
                                    version));
                }
                if (i % 10 == 0) {
                    stores.subscriptions()
                            .recordPurchase(new Purchase(
                                    "cs_" + prefix + "_" + i,
                                    customer,
                                    "price_credits_100",
                                    1,
                                    "usd",
                                    1000,
                                    null,
                                    created));
                }
                if (i % 4 == 0) {
                    UserId user = UserId.of("user_" + prefix + "_" + i);
                    stores.customers().link(new CustomerLink(user, customer, null, now));
                    stores.usage()
                            .restoreCounter(new UsageCounter(
                                    user,
                                    "api_calls",
                                    new UsagePeriod(now.minus(Duration.ofDays(3)), now.plus(Duration.ofDays(27))),
                                    i % 500,
                                    now));
                }
            }
            stores.subscriptions().upsertSubscriptions(batch);
        }
    }

    /** {@code rounds} sequential requests per route after {@code warmup} unmeasured ones; latencies in ms. */
    static List<String> measure(BenchEnvironment env, String adminToken, int warmup, int rounds, PrintStream out)
            throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI base = URI.create("http://" + env.serverAddress().getHostString() + ":"
                + env.serverAddress().getPort());
        List<String> lines = new ArrayList<>();
        for (String route : ROUTES) {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(route))
                    .header("Authorization", "Bearer " + adminToken)
                    .GET()
                    .build();
            double[] ms = new double[rounds];
            for (int i = -warmup; i < rounds; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                long took = System.nanoTime() - start;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(route + " answered " + r.statusCode() + ": " + r.body());
                }
                if (i >= 0) {
                    ms[i] = took / 1e6;
                }
            }
            Arrays.sort(ms);
            String line = String.format(
                    Locale.ROOT,
                    "GET %s: p50 %.1f ms, p90 %.1f ms, max %.1f ms (%d requests)",
                    route,
                    ms[rounds / 2],
                    ms[(int) (rounds * 0.9)],
                    ms[rounds - 1],
                    rounds);
            out.println(line);
            lines.add(line);
        }
        return lines;
    }
}

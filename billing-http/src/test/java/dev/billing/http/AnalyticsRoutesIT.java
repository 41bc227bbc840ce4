package dev.billing.http;

import static dev.billing.testkit.Builders.aSubscription;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.testkit.http.Http;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The revenue analytics routes over HTTP: the real server on the harness's in-memory stores. */
class AnalyticsRoutesIT {
    TestApi api;

    @BeforeEach
    void start() {
        api = TestApi.start();
        Instant now = api.harness.clock().instant();
        SubscriptionPricing monthly = SubscriptionPricing.of("usd", 2000, BillingInterval.MONTH, 1);
        api.harness
                .stores()
                .subscriptions()
                .upsertSubscription(aSubscription()
                        .withCustomer("cus_an_1")
                        .withPrice("price_pro_monthly")
                        .withQuantity(2)
                        .withPricing(monthly.withPercentOff(BigDecimal.TEN))
                        .withCreated(now.minus(Duration.ofDays(1)))
                        .build());
        api.harness
                .stores()
                .subscriptions()
                .upsertSubscription(aSubscription()
                        .withCustomer("cus_an_2")
                        .withPrice("price_pro_yearly")
                        .withCreated(now.minus(Duration.ofDays(1)))
                        .withPricing(SubscriptionPricing.of("usd", 24000, BillingInterval.YEAR, 1))
                        .build());
        api.harness
                .stores()
                .subscriptions()
                .upsertSubscription(aSubscription()
                        .withCustomer("cus_an_3")
                        .withPrice("price_pro_monthly")
                        .withStatus(SubscriptionStatus.TRIALING)
                        .withPricing(monthly)
                        .withCreated(now.minus(Duration.ofDays(1)))
                        .build());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void revenueIsComputedFromTheProjectionPerCurrency() {
        Http.Response r = api.http.get("/admin/analytics/revenue", TestApi.ADMIN_TOKEN);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode usd = r.json().path("currencies").get(0);
        // 2 x 2000 x 90% + 24000 / 12 = 5600; the trial's 2000 apart.
        assertThat(usd.path("currency").asText()).isEqualTo("usd");
        assertThat(usd.path("mrr").asLong()).isEqualTo(5600);
        assertThat(usd.path("arr").asLong()).isEqualTo(67200);
        assertThat(usd.path("trialingMrr").asLong()).isEqualTo(2000);
        assertThat(r.json().path("refunds").isArray()).isTrue(); // none recorded in this fixture
        assertThat(r.json().path("refunds")).isEmpty();
    }

    @Test
    void otherRoutesAnswerTheirFigures() {
        JsonNode subscriptions = api.http
                .get("/admin/analytics/subscriptions", TestApi.ADMIN_TOKEN)
                .json();
        assertThat(subscriptions.path("total").asLong()).isEqualTo(3);
        assertThat(subscriptions.path("data").get(0).path("tier").asText()).isNotBlank();

        Http.Response movements = api.http.get("/admin/analytics/movements?months=2", TestApi.ADMIN_TOKEN);
        assertThat(movements.status()).as(movements.body()).isEqualTo(200);
        assertThat(movements.json().path("data")).hasSize(2);
        assertThat(movements.json().path("data").get(1).path("started").asLong()
                        + movements.json().path("data").get(0).path("started").asLong())
                .isEqualTo(3);

        assertThat(api.http.get("/admin/analytics/usage", TestApi.ADMIN_TOKEN).status())
                .isEqualTo(200);
    }

    @Test
    void mrrHistoryHasEveryMonthAndNowLast() {
        Http.Response r = api.http.get("/admin/analytics/mrr?months=3", TestApi.ADMIN_TOKEN);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode data = r.json().path("data");
        assertThat(data).hasSize(3);
        YearMonth now = YearMonth.from(api.harness.clock().instant().atZone(ZoneOffset.UTC));
        assertThat(data.get(0).path("month").asText())
                .isEqualTo(now.minusMonths(2).toString());
        assertThat(data.get(0).path("mrr").asLong()).isZero();
        JsonNode last = data.get(2);
        assertThat(last.path("month").asText()).isEqualTo(now.toString());
        assertThat(last.path("currency").asText()).isEqualTo("usd");
        // As revenue's mrr: the subscription trialing now is not in it.
        assertThat(last.path("mrr").asLong()).isEqualTo(5600);
        assertThat(r.json().path("unpriced").asLong()).isZero();
    }

    @Test
    void theFiguresAreKeptUntilFreshAsksThemComputedNow() {
        JsonNode first = api.http
                .get("/admin/analytics/subscriptions", TestApi.ADMIN_TOKEN)
                .json();
        assertThat(first.path("total").asLong()).isEqualTo(3);
        api.harness
                .stores()
                .subscriptions()
                .upsertSubscription(aSubscription()
                        .withCustomer("cus_an_4")
                        .withPrice("price_pro_monthly")
                        .withPricing(SubscriptionPricing.of("usd", 2000, BillingInterval.MONTH, 1))
                        .withCreated(api.harness.clock().instant())
                        .build());

        JsonNode kept = api.http
                .get("/admin/analytics/subscriptions", TestApi.ADMIN_TOKEN)
                .json();
        assertThat(kept.path("total").asLong()).as("kept up to the max age").isEqualTo(3);
        assertThat(kept.path("asOf").asText()).isEqualTo(first.path("asOf").asText());

        Http.Response fresh = api.http.get("/admin/analytics/subscriptions?fresh=true", TestApi.ADMIN_TOKEN);
        assertThat(fresh.status()).as(fresh.body()).isEqualTo(200);
        assertThat(fresh.json().path("total").asLong()).isEqualTo(4);
        assertThat(api.http
                        .get("/admin/analytics/mrr?months=2&fresh=false", TestApi.ADMIN_TOKEN)
                        .status())
                .isEqualTo(200);

        Http.Response bad = api.http.get("/admin/analytics/revenue?fresh=yes", TestApi.ADMIN_TOKEN);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("code").asText()).isEqualTo("invalid_fresh");
    }

    @Test
    void badMonthsAreA400WithAStableCode() {
        for (String route : new String[] {"movements", "mrr"}) {
            for (String months : new String[] {"0", "37", "abc", "1.5"}) {
                Http.Response r = api.http.get("/admin/analytics/" + route + "?months=" + months, TestApi.ADMIN_TOKEN);
                assertThat(r.status()).as(route + " " + months).isEqualTo(400);
                assertThat(r.json().path("error").path("code").asText()).isEqualTo("invalid_months");
            }
        }
    }

    @Test
    void theAdminTokenIsRequired() {
        Http.Response none = api.http.get("/admin/analytics/revenue", null);
        Http.Response wrong = api.http.get("/admin/analytics/revenue", "not-the-admin-token-0123456789");

        assertThat(none.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("error").path("code").asText()).isEqualTo("unauthenticated");
        assertThat(wrong.body()).doesNotContain("mrr");
    }
}

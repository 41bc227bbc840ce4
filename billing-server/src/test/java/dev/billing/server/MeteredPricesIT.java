package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.http.Http;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metered prices on the real server (local mode, the emulator through stripe-java, signed webhooks, Postgres): a
 * plan with a metered price subscribes to it through Checkout, the usage recorded over {@code POST /usage} reaches
 * Stripe's meter and is billed on the renewal invoice; a plan change moves the metered item with the plan (swapped
 * to the new interval's metered price, removed on a plan without one, added back), while the subscription's plan
 * stays its licensed item. The monthly metered price is given by amount, so local mode makes it in the emulator under
 * its lookup key before it starts (as {@code stripe apply} would in Stripe); the yearly one is given by id.
 */
class MeteredPricesIT {
    static final String YEARLY_METERED = "price_api_calls_metered_yearly";
    static final String MONTHLY_LOOKUP_KEY = "billing:metered:pro:api_calls:month";
    static final String PLANS = """
            tiers:
              free: {rank: 0, quotas: {api_calls: 100}}
              basic:
                rank: 1
                quotas: {api_calls: 1000}
                prices: {month: price_basic_monthly}
              pro:
                rank: 2
                quotas: {api_calls: unlimited}
                prices: {month: price_pro_monthly, year: price_pro_yearly}
                meteredPrices:
                  month: [{meter: api_calls, amount: 1, currency: usd}]
                  year: [{meter: api_calls, priceId: %s}]
            meters:
              - {name: api_calls, stripeEventName: api_calls}
            """.formatted(YEARLY_METERED);

    @TempDir
    static Path dir;

    static LocalFixture f;
    /** The price local mode made for the monthly metered amount. */
    static String monthlyMetered;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        Path plans =
                Files.writeString(Files.createDirectories(dir.resolve("conf")).resolve("plans.yaml"), PLANS);
        f = LocalFixture.start(dir.resolve("data"), Map.of("BILLING_PLANS_FILE", plans.toString()));
        // The sample seed has a monthly metered price only; Stripe would hold a yearly one on the same meter.
        f.emulator.seedDocument("""
                {"prices":[{"id":"%s","product":"prod_api_calls","unit_amount":1,"currency":"usd",
                  "recurring":{"interval":"year","usage_type":"metered","meter":"mtr_api_calls"}}]}
                """.formatted(YEARLY_METERED));
        JsonNode found = stripeGet("/v1/prices?lookup_keys%5B%5D=" + MONTHLY_LOOKUP_KEY.replace(":", "%3A"))
                .path("data");
        assertThat(found).as(found.toString()).hasSize(1);
        monthlyMetered = found.get(0).path("id").asText();
    }

    @Test
    void theMeteredAmountIsAPriceOnTheSeedMeterWithItsLookupKey() throws Exception {
        JsonNode price = stripeGet("/v1/prices/" + monthlyMetered);
        assertThat(price.path("product").asText()).isEqualTo("billing_tier_pro");
        assertThat(price.path("unit_amount").asLong()).isEqualTo(1);
        assertThat(price.path("recurring").path("usage_type").asText()).isEqualTo("metered");
        // the seed's meter has the event name api_calls: the sync uses it rather than making a second one
        assertThat(price.path("recurring").path("meter").asText()).isEqualTo("mtr_api_calls");
        // the portal switches plans; a metered price is never one to switch to
        JsonNode portal = stripeGet("/v1/billing_portal/configurations?is_default=true");
        assertThat(portal.path("data")).hasSize(1);
        assertThat(portal.toString()).contains("price_pro_monthly").doesNotContain(monthlyMetered);
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    /** The subscription's items at the emulator: price id -> quantity (null for a metered item), in order. */
    static List<String> items(JsonNode subscription) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : subscription.path("items").path("data")) {
            out.add(item.path("price").path("id").asText() + "×"
                    + (item.path("quantity").isNull()
                            ? "metered"
                            : item.path("quantity").asText()));
        }
        return out;
    }

    static JsonNode stripeGet(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(f.emulator.baseUrl() + pathAndQuery))
                                .header("Authorization", "Bearer " + f.emulator.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return LocalFixture.JSON.readTree(r.body());
    }

    @Test
    void checkoutAddsTheMeteredPriceAndTheRenewalInvoiceBillsTheRecordedUsage() throws Exception {
        String token = f.token("user_metered_renewal");
        String customer = f.customer(token);
        String subscription = f.subscribe(token, "pro", "month");

        JsonNode atStripe = f.stripeObject(subscription);
        assertThat(items(atStripe)).containsExactly("price_pro_monthly×1", monthlyMetered + "×metered");
        // the plan is the licensed item: entitlements and the projection are what they were without metering
        JsonNode me = f.entitlements(token);
        assertThat(me.path("tier").asText()).isEqualTo("pro");
        assertThat(LocalFixture.quota(me, "api_calls").has("limit")).isFalse(); // absent: unlimited
        assertThat(f.stores().subscriptions().findSubscription(subscription)).hasValueSatisfying(s -> {
            assertThat(s.priceId()).isEqualTo("price_pro_monthly");
            assertThat(s.quantity()).isEqualTo(1);
            assertThat(s.pricing()).isNotNull();
            assertThat(s.pricing().unitAmount()).isEqualTo(2900);
        });

        assertThat(f.usage(token, "api_calls", "7", "renewal-1").status()).isEqualTo(200);
        assertThat(f.usage(token, "api_calls", "5", "renewal-2").status()).isEqualTo(200);
        LocalFixture.eventually(
                "the usage reported to Stripe", () -> f.stores().usage().pendingReports() == 0);

        Instant periodEnd = Instant.ofEpochSecond(atStripe.path("items")
                .path("data")
                .get(0)
                .path("current_period_end")
                .asLong());
        f.emulator.advanceClockTo(periodEnd.plus(Duration.ofHours(1)));

        JsonNode invoices = stripeGet("/v1/invoices?customer=" + customer + "&limit=10");
        JsonNode renewal = null;
        for (JsonNode invoice : invoices.path("data")) {
            if ("subscription_cycle".equals(invoice.path("billing_reason").asText())) {
                renewal = invoice;
            }
        }
        assertThat(renewal).as("the renewal invoice in " + invoices).isNotNull();
        JsonNode lines = stripeGet("/v1/invoices/" + renewal.path("id").asText() + "/lines?limit=100");
        List<JsonNode> metered = new ArrayList<>();
        lines.path("data").forEach(line -> {
            if (monthlyMetered.equals(
                    line.path("pricing").path("price_details").path("price").asText())) {
                metered.add(line);
            }
        });
        assertThat(metered).as(lines.toString()).singleElement().satisfies(line -> {
            assertThat(line.path("quantity").asLong()).isEqualTo(12);
            assertThat(line.path("amount").asLong()).isEqualTo(12); // $0.01 per call
            assertThat(line.path("period").path("end").asLong()).isEqualTo(periodEnd.getEpochSecond());
        });
        assertThat(renewal.path("amount_due").asLong()).isEqualTo(2900 + 12);
    }

    @Test
    void aPlanChangeMovesTheMeteredItemWithThePlan() {
        String token = f.token("user_metered_change");
        f.customer(token);
        String subscription = f.subscribe(token, "pro", "month");
        String meteredItem = f.stripeObject(subscription)
                .path("items")
                .path("data")
                .get(1)
                .path("id")
                .asText();

        Http.Response yearly = change(token, subscription, "pro", "year");
        assertThat(yearly.json().path("priceId").asText()).isEqualTo("price_pro_yearly");
        JsonNode atStripe = f.stripeObject(subscription);
        assertThat(items(atStripe)).containsExactly("price_pro_yearly×1", YEARLY_METERED + "×metered");
        // swapped in place, not removed and added: one update, the same item
        assertThat(atStripe.path("items").path("data").get(1).path("id").asText())
                .isEqualTo(meteredItem);

        Http.Response basic = change(token, subscription, "basic", "month");
        assertThat(basic.json().path("tier").asText()).isEqualTo("basic");
        assertThat(items(f.stripeObject(subscription))).containsExactly("price_basic_monthly×1");

        change(token, subscription, "pro", "month");
        assertThat(items(f.stripeObject(subscription)))
                .containsExactly("price_pro_monthly×1", monthlyMetered + "×metered");
        f.await("/me/entitlements", token, m -> m.path("tier").asText().equals("pro"));
        assertThat(f.stores().subscriptions().findSubscription(subscription))
                .hasValueSatisfying(s -> assertThat(s.priceId()).isEqualTo("price_pro_monthly"));
    }

    private static Http.Response change(String token, String subscription, String tier, String interval) {
        Http.Response r = f.http.post(
                "/stripe/subscriptions/" + subscription + "/update",
                token,
                "{\"tier\":\"" + tier + "\",\"interval\":\"" + interval + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }
}

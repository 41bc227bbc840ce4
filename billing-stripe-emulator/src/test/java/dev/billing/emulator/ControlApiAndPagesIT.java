package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The /_emulator control API and the hosted pages, driven with plain HTTP like curl would. */
class ControlApiAndPagesIT {
    private static StripeEmulator emu;
    private static ControlClient http;

    @BeforeAll
    static void start() {
        emu = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        http = new ControlClient(emu);
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @BeforeEach
    void reset() {
        assertThat(http.post("/_emulator/reset", "").status()).isEqualTo(200);
    }

    private String customer(String email) {
        return http.api("POST", "/v1/customers", "email=" + email.replace("@", "%40"), null)
                .json()
                .path("id")
                .asText();
    }

    private String subscriptionSession(String customerId, String price) {
        ControlClient.Reply reply = http.api(
                "POST",
                "/v1/checkout/sessions",
                "mode=subscription&customer=" + customerId + "&line_items[0][price]=" + price
                        + "&line_items[0][quantity]=1&success_url=https%3A%2F%2Fapp.example.com%2Fok%3Fs%3D%7BCHECKOUT_SESSION_ID%7D"
                        + "&cancel_url=https%3A%2F%2Fapp.example.com%2Fcancel&metadata[user_id]=u1",
                null);
        assertThat(reply.status()).isEqualTo(200);
        return reply.json().path("id").asText();
    }

    @Test
    void healthIndexAndUnknownRoutes() {
        assertThat(http.get("/_emulator/health").json().path("ok").asBoolean()).isTrue();
        assertThat(http.get("/_emulator").json().path("routes").toString()).contains("/_emulator/clock/advance");
        ControlClient.Reply unknown = http.get("/_emulator/nope");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").path("message").asText()).contains("Unknown control route");
    }

    @Test
    void seedsFromABodyAndResetsBackToTheConfiguredSeed() {
        ControlClient.Reply seeded = http.post(
                "/_emulator/seed",
                "products:\n  - id: prod_extra\n    name: Extra\n    prices:\n      - id: price_extra\n"
                        + "        unit_amount: 500\n        currency: eur\n        lookup_key: extra\n");
        assertThat(seeded.status()).isEqualTo(200);
        assertThat(seeded.json().path("created").path("prices").asInt()).isEqualTo(1);
        JsonNode price = http.api("GET", "/v1/prices/price_extra?expand[]=product", null, null)
                .json();
        assertThat(price.path("currency").asText()).isEqualTo("eur");
        assertThat(price.path("product").path("name").asText()).isEqualTo("Extra");

        ControlClient.Reply jsonSeed = http.postJson(
                "/_emulator/seed", "{\"coupons\":[{\"id\":\"HALF\",\"percent_off\":50,\"duration\":\"forever\"}]}");
        assertThat(jsonSeed.json().path("created").path("coupons").asInt()).isEqualTo(1);

        http.post("/_emulator/reset", "");
        assertThat(http.api("GET", "/v1/prices/price_extra", null, null).status())
                .isEqualTo(404);
        assertThat(http.api("GET", "/v1/prices/price_pro_monthly", null, null).status())
                .isEqualTo(200);
    }

    @Test
    void failingACheckoutKeepsTheSessionOpenAndEmitsPaymentFailure() {
        String session = subscriptionSession(customer("fail@example.com"), "price_pro_monthly");

        JsonNode failed = http.post(
                        "/_emulator/checkout/sessions/" + session + "/complete",
                        "outcome=fail&decline_code=insufficient_funds")
                .json();

        assertThat(failed.path("status").asText()).isEqualTo("open");
        assertThat(failed.path("decline_code").asText()).isEqualTo("insufficient_funds");
        assertThat(failed.path("subscription").isNull()).isTrue();
        JsonNode events = http.get("/_emulator/events").json().path("events");
        assertThat(events.toString())
                .contains("payment_intent.payment_failed")
                .doesNotContain("checkout.session.completed");

        JsonNode ok = http.post("/_emulator/checkout/sessions/" + session + "/complete", "outcome=success")
                .json();
        assertThat(ok.path("status").asText()).isEqualTo("complete");
        assertThat(ok.path("subscription").asText()).startsWith("sub_");
        ControlClient.Reply again = http.post("/_emulator/checkout/sessions/" + session + "/complete", "");
        assertThat(again.status()).isEqualTo(400);
    }

    @Test
    void anExpiredSessionIsListedNoMoreAndCannotBeCompleted() {
        String customer = customer("expire@example.com");
        String older = subscriptionSession(customer, "price_pro_monthly");
        String newer = subscriptionSession(customer, "price_pro_monthly");
        JsonNode open = http.api("GET", "/v1/checkout/sessions?customer=" + customer + "&status=open", null, null)
                .json();
        assertThat(open.path("data").findValuesAsText("id")).containsExactly(newer, older);

        ControlClient.Reply expired = http.api("POST", "/v1/checkout/sessions/" + older + "/expire", "", null);
        assertThat(expired.status()).isEqualTo(200);
        assertThat(expired.json().path("status").asText()).isEqualTo("expired");
        assertThat(expired.json().path("url").isNull()).isTrue();
        assertThat(http.api("GET", "/v1/checkout/sessions?customer=" + customer + "&status=open", null, null)
                        .json()
                        .path("data")
                        .findValuesAsText("id"))
                .containsExactly(newer);
        JsonNode events = http.get("/_emulator/events").json().path("events");
        assertThat(events.toString()).contains("checkout.session.expired");

        ControlClient.Reply paid = http.post("/_emulator/checkout/sessions/" + older + "/complete", "");
        assertThat(paid.status()).isEqualTo(400);
        assertThat(paid.raw().body()).contains("no longer open");
        ControlClient.Reply again = http.api("POST", "/v1/checkout/sessions/" + older + "/expire", "", null);
        assertThat(again.status()).as("only an open session can be expired").isEqualTo(400);
    }

    @Test
    void failNextPaymentAndSetupIntentConfirmationThroughTheControlApi() {
        String cus = customer("si@example.com");
        String si = http.api("POST", "/v1/setup_intents", "customer=" + cus, null)
                .json()
                .path("id")
                .asText();

        JsonNode confirmed = http.post("/_emulator/setup_intents/" + si + "/confirm", "card_number=5555555555554444")
                .json();
        String pm = confirmed.path("payment_method").asText();
        assertThat(pm).startsWith("pm_");
        JsonNode card =
                http.api("GET", "/v1/payment_methods/" + pm, null, null).json().path("card");
        assertThat(card.path("brand").asText()).isEqualTo("mastercard");
        assertThat(card.path("last4").asText()).isEqualTo("4444");

        http.api("POST", "/v1/customers/" + cus, "invoice_settings[default_payment_method]=" + pm, null);
        assertThat(http.post("/_emulator/customers/" + cus + "/fail_next_payment", "decline_code=do_not_honor")
                        .status())
                .isEqualTo(200);
        ControlClient.Reply sub =
                http.api("POST", "/v1/subscriptions", "customer=" + cus + "&items[0][price]=price_basic_monthly", null);
        assertThat(sub.json().path("status").asText()).isEqualTo("incomplete");
        String invoice = sub.json().path("latest_invoice").asText();
        ControlClient.Reply paid = http.api("POST", "/v1/invoices/" + invoice + "/pay", "", null);
        assertThat(paid.json().path("status").asText()).isEqualTo("paid");
        assertThat(http.api("GET", "/v1/subscriptions/" + sub.json().path("id").asText(), null, null)
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("active");
    }

    @Test
    void requestLogRecordsMethodPathKeyParamsAndStatus() {
        http.api("POST", "/v1/customers", "email=log%40example.com&metadata[user_id]=u9", "log-key");
        http.api("GET", "/v1/customers?limit=5", null, null);

        JsonNode posts = http.get("/_emulator/requests?method=POST&path_prefix=/v1/customers")
                .json()
                .path("requests");
        assertThat(posts).hasSize(1);
        assertThat(posts.get(0).path("idempotency_key").asText()).isEqualTo("log-key");
        assertThat(posts.get(0).path("params").path("metadata").path("user_id").asText())
                .isEqualTo("u9");
        assertThat(posts.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(posts.get(0).path("request_id").asText()).startsWith("req_");
        assertThat(emu.requestLog())
                .anyMatch(r -> r.method().equals("GET") && "5".equals(r.params().get("limit")));

        http.delete("/_emulator/requests");
        assertThat(emu.requestLog()).isEmpty();
    }

    @Test
    void hostedCheckoutPagePaysAndRedirectsToTheSuccessUrl() throws Exception {
        String session = subscriptionSession(customer("page@example.com"), "price_basic_monthly");
        String page = http.get("/checkout/" + session).raw().body();
        assertThat(page).contains("Pay with test card 4242").contains("Basic").contains("$9.00");

        HttpClient noRedirects = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        HttpResponse<String> declined = noRedirects.send(
                HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/checkout/" + session + "/pay"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("decline_code=generic_decline"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(declined.statusCode()).isEqualTo(402);
        assertThat(declined.body()).contains("Your card was declined.");

        HttpResponse<String> paid = noRedirects.send(
                HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/checkout/" + session + "/pay"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(""))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).isEqualTo(303);
        assertThat(paid.headers().firstValue("Location")).hasValue("https://app.example.com/ok?s=" + session);
        JsonNode completed =
                http.api("GET", "/v1/checkout/sessions/" + session, null, null).json();
        assertThat(completed.path("status").asText()).isEqualTo("complete");

        String invoice = completed.path("invoice").asText();
        JsonNode inv = http.api("GET", "/v1/invoices/" + invoice, null, null).json();
        assertThat(http.get(inv.path("hosted_invoice_url")
                                .asText()
                                .substring(emu.baseUrl().length()))
                        .raw()
                        .body())
                .contains("Invoice " + inv.path("number").asText())
                .contains("paid");
        HttpResponse<byte[]> pdf = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(inv.path("invoice_pdf").asText()))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(new String(pdf.body(), 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("%PDF-");
    }

    @Test
    void billingPortalCancelsAtPeriodEnd() {
        String cus = customer("portal@example.com");
        String session = subscriptionSession(cus, "price_pro_monthly");
        String sub = http.post("/_emulator/checkout/sessions/" + session + "/complete", "")
                .json()
                .path("subscription")
                .asText();
        JsonNode portal = http.api(
                        "POST",
                        "/v1/billing_portal/sessions",
                        "customer=" + cus + "&return_url=https%3A%2F%2Fapp.example.com%2Faccount",
                        null)
                .json();
        String path = portal.path("url").asText().substring(emu.baseUrl().length());
        assertThat(http.get(path).raw().body()).contains("Pro").contains("Cancel at period end");

        ControlClient.Reply redirect = http.post(path + "/subscriptions/" + sub + "/cancel", "");
        assertThat(redirect.status()).isIn(200, 303);

        JsonNode updated =
                http.api("GET", "/v1/subscriptions/" + sub, null, null).json();
        assertThat(updated.path("cancel_at_period_end").asBoolean()).isTrue();
        assertThat(http.get(path).raw().body()).contains("Cancels at period end");
    }

    @Test
    void downForTakesTheServerAwayAndBringsItBack() throws Exception {
        String cus = customer("down@example.com");
        assertThat(http.post("/_emulator/down", "duration_ms=3000").status()).isEqualTo(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (emu.isUp() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(emu.isUp()).as("down after answering").isFalse();
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!emu.isUp() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(emu.isUp()).as("back after the downtime").isTrue();
        assertThat(http.api("GET", "/v1/customers/" + cus, null, null)
                        .json()
                        .path("email")
                        .asText())
                .isEqualTo("down@example.com");
    }
}

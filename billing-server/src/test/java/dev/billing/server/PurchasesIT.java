package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.emulator.CheckoutCompletion;
import dev.billing.emulator.RecordedRequest;
import dev.billing.testkit.http.Http;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-time purchases on the real server (local mode): Checkout in payment mode for a catalog item with the tier's
 * discount computed by the server, the purchase recorded from {@code checkout.session.completed}, listed by
 * {@code GET /stripe/purchases} and owned in {@code GET /me/entitlements}.
 */
class PurchasesIT {
    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() {
        f = LocalFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** Starts checkout for the item; returns the session id after checking what the server sent to Stripe. */
    static String buy(String token, String priceId, int quantity) {
        f.emulator.clearRequestLog();
        Http.Response r = f.http.post(
                "/stripe/checkout", token, "{\"priceId\":\"" + priceId + "\",\"quantity\":" + quantity + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String session = r.json().path("sessionId").asText();
        assertThat(f.requests("POST", "/v1/checkout/sessions"))
                .singleElement()
                .satisfies(req -> assertThat(req.params())
                        .containsEntry("mode", "payment")
                        // BILLING_STRIPE_TAX is off: no Stripe Tax (StripeTaxIT has it on).
                        .doesNotContainKeys(
                                "automatic_tax", "tax_id_collection", "billing_address_collection", "customer_update"));
        return session;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> lineSent() {
        RecordedRequest request = f.requests("POST", "/v1/checkout/sessions").get(0);
        return ((List<Map<String, Object>>) request.params().get("line_items")).get(0);
    }

    static JsonNode awaitPurchases(String token, int count) {
        return f.await("/stripe/purchases", token, p -> p.path("data").size() == count)
                .path("data");
    }

    @Test
    void aProSubscriberPaysTheTierDiscountAndAFreeUserTheListPrice() {
        String free = f.token("user_free_buyer");
        String pro = f.token("user_pro_buyer");
        f.customer(pro);
        f.subscribe(pro, "pro", "month"); // trialing grants pro: 10 % off one-time items

        String freeSession = buy(free, "price_credits_100", 1);
        assertThat(lineSent()).containsEntry("price", "price_credits_100").containsEntry("quantity", "1");
        String proSession = buy(pro, "price_credits_100", 1);
        assertThat(lineSent()).doesNotContainKey("price").containsEntry("quantity", "1");
        assertThat((Map<String, Object>) lineSent().get("price_data"))
                .containsEntry("unit_amount", "900")
                .containsEntry("currency", "usd");
        String proTriple = buy(pro, "price_credits_100", 3);

        assertThat(f.stripeObject(freeSession).path("amount_total").asLong()).isEqualTo(1000);
        assertThat(f.stripeObject(proSession).path("amount_total").asLong()).isEqualTo(900);
        assertThat(f.stripeObject(proTriple).path("amount_total").asLong()).isEqualTo(2700);
        assertThat(f.stripeObject(proSession)
                        .path("metadata")
                        .path("discount_percent")
                        .asText())
                .isEqualTo("10");

        CheckoutCompletion paid = f.emulator.completeCheckoutSession(proSession);
        assertThat(f.stripeObject(paid.paymentIntentId()).path("amount").asLong())
                .isEqualTo(900);
        f.emulator.completeCheckoutSession(freeSession);

        JsonNode proPurchases = awaitPurchases(pro, 1);
        assertThat(proPurchases.get(0).path("id").asText()).isEqualTo(proSession);
        assertThat(proPurchases.get(0).path("priceId").asText()).isEqualTo("price_credits_100");
        assertThat(proPurchases.get(0).path("item").asText()).isEqualTo("credits_100");
        assertThat(proPurchases.get(0).path("quantity").asLong()).isEqualTo(1);
        assertThat(proPurchases.get(0).path("amountTotal").asLong()).isEqualTo(900);
        assertThat(proPurchases.get(0).path("currency").asText()).isEqualTo("usd");
        assertThat(proPurchases.get(0).path("paymentIntentId").asText()).isEqualTo(paid.paymentIntentId());
        assertThat(awaitPurchases(free, 1).get(0).path("amountTotal").asLong()).isEqualTo(1000);

        JsonNode proMe = f.entitlements(pro);
        assertThat(proMe.path("tier").asText()).isEqualTo("pro");
        assertThat(proMe.path("ownedItems").toString()).isEqualTo("[\"credits_100\"]");
        assertThat(f.entitlements(free).path("ownedItems").toString()).isEqualTo("[\"credits_100\"]");
        // the session never paid is not a purchase
        assertThat(f.http.get("/stripe/purchases", pro).json().path("data")).hasSize(1);
    }

    @Test
    void aPurchaseIsRecordedOnceWhateverStripeRedelivers() {
        f.emulator.webhooks().duplicate(3);
        try {
            String token = f.token("user_dup_buyer");
            String session = buy(token, "price_template_pack", 2);
            f.emulator.completeCheckoutSession(session);
            f.awaitIdle();
            JsonNode purchases = awaitPurchases(token, 1);
            assertThat(purchases.get(0).path("item").asText()).isEqualTo("template_pack");
            assertThat(purchases.get(0).path("quantity").asLong()).isEqualTo(2);
            assertThat(purchases.get(0).path("amountTotal").asLong()).isEqualTo(9800);
            assertThat(f.entitlements(token).path("ownedItems").toString()).isEqualTo("[\"template_pack\"]");
        } finally {
            f.emulator.webhooks().reset();
        }
    }
}

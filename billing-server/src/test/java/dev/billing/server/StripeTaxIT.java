package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.payment.Invoice;
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
 * {@code BILLING_STRIPE_TAX=true} on the real server (local mode) with the emulator's automatic tax at 20 %: Checkout
 * asks for automatic tax, tax ids and the billing address, and the invoices show the tax Stripe added, both read
 * fresh from Stripe and projected from the signed webhooks. PurchasesIT checks that nothing of it is sent when off.
 */
class StripeTaxIT {
    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() {
        f = LocalFixture.start(dir, Map.of("BILLING_STRIPE_TAX", "true"));
        f.emulator.taxRatePercent(20);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> checkoutSent() {
        List<RecordedRequest> sent = f.requests("POST", "/v1/checkout/sessions");
        assertThat(sent).hasSize(1);
        return sent.get(0).params();
    }

    @Test
    void aPlanCheckoutAsksForTaxAndTheFirstInvoiceShowsIt() {
        String token = f.token("user_tax_plan");
        String customer = f.customer(token);
        f.emulator.clearRequestLog();
        String subscription = f.subscribe(token, "enterprise", "month"); // 99.00 a month, no trial

        Map<String, Object> params = checkoutSent();
        assertThat(params)
                .containsEntry("automatic_tax", Map.of("enabled", "true"))
                .containsEntry("tax_id_collection", Map.of("enabled", "true"))
                .containsEntry("billing_address_collection", "required")
                .containsEntry("customer_update", Map.of("address", "auto", "name", "auto"));

        JsonNode invoices = f.await(
                        "/stripe/invoices", token, list -> list.path("data").size() == 1)
                .path("data");
        JsonNode first = invoices.get(0);
        assertThat(first.path("subscriptionId").asText()).isEqualTo(subscription);
        assertThat(first.path("tax").asLong()).isEqualTo(1980);
        assertThat(first.path("amountDue").asLong()).isEqualTo(11880);
        assertThat(first.path("amountPaid").asLong()).isEqualTo(11880);
        Http.Response one = f.http.get("/stripe/invoices/" + first.path("id").asText(), token);
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(one.json().path("tax").asLong()).isEqualTo(1980);

        // The projection, written from the signed invoice webhooks, agrees.
        LocalFixture.eventually(
                "the invoice projected with its tax",
                () -> f.stores().subscriptions().invoicesOf(CustomerId.of(customer)).stream()
                        .map(Invoice::tax)
                        .toList()
                        .equals(List.of(1980L)));
    }

    @Test
    void aOneTimePurchaseIsTaxedToo() {
        String token = f.token("user_tax_item");
        f.customer(token);
        f.emulator.clearRequestLog();
        Http.Response r = f.http.post("/stripe/checkout", token, "{\"priceId\":\"price_credits_100\",\"quantity\":1}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(checkoutSent())
                .containsEntry("mode", "payment")
                .containsEntry("automatic_tax", Map.of("enabled", "true"))
                .containsEntry("customer_update", Map.of("address", "auto", "name", "auto"));
        JsonNode session = f.stripeObject(r.json().path("sessionId").asText());
        assertThat(session.path("total_details").path("amount_tax").asLong()).isEqualTo(200);
        assertThat(session.path("amount_total").asLong()).isEqualTo(1200);
    }
}

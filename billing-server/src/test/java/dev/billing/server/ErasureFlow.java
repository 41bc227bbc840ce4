package dev.billing.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.param.CustomerUpdateParams;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.Await;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.Http;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Export, erase, export against a running server and its real store, then a later Stripe event about the erased
 * customer and a replay of an old one: the email never comes back. Shared by the Postgres and Supabase tests.
 */
final class ErasureFlow {
    static final String EMAIL = "erase.me@example.com";

    private ErasureFlow() {
    }

    static void run(Http http, StripeEmulator emulator, TokenMinter minter, String adminToken) throws Exception {
        String token = minter.token().subject("user_erase").claim("email", EMAIL).sign();
        Http.Response checkout = http.post("/stripe/checkout", token, "{\"tier\":\"pro\",\"interval\":\"month\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        emulator.completeCheckoutSession(checkout.json().path("sessionId").asText());
        LocalModeIT.await(http, "/me/entitlements", token, m -> m.path("tier").asText().equals("pro"));
        assertThat(http.post("/usage", token, "{\"meter\":\"exports\",\"amount\":2}",
                Map.of("Idempotency-Key", "erase-1")).status()).isEqualTo(200);
        Await.until("the checkout's events are processed", () -> http.get("/admin/webhook-events?status=pending",
                adminToken).json().path("data").isEmpty());
        JsonNode before = http.get("/me/export", token).json();
        assertThat(before.toString()).contains(EMAIL);
        String customer = before.path("customer").path("customerId").asText();
        String oldEvent = before.path("events").get(0).path("id").asText();

        Http.Response erased = http.delete("/admin/users/user_erase?confirm=true", adminToken);

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        String pseudonym = erased.json().path("pseudonym").asText();
        JsonNode after = http.get("/me/export", token).json();
        assertThat(after.path("subscriptions")).isEmpty();
        assertThat(after.path("usage")).isEmpty();
        assertThat(after.toString()).doesNotContain(EMAIL);
        JsonNode kept = http.get("/admin/users/" + pseudonym + "/export", adminToken).json();
        assertThat(kept.path("customer").path("customerId").asText()).isEqualTo(customer);
        assertThat(kept.path("subscriptions")).hasSize(1);
        assertThat(kept.path("usage")).hasSize(1);
        assertThat(kept.path("events")).isNotEmpty();
        assertThat(kept.toString()).doesNotContain(EMAIL).doesNotContain("user_erase");

        // Stripe still has the customer (erasure was local only): a change there sends its email again.
        StripeClient stripe = StripeClient.builder().setApiKey(emulator.apiKey()).setApiBase(emulator.baseUrl())
                .build();
        stripe.v1().customers().update(customer, CustomerUpdateParams.builder().setName("Ada Erased").build());
        Await.until("the customer.updated event is processed", () -> http.get("/admin/users/" + pseudonym
                + "/export", adminToken).json().path("events").findValuesAsText("type").contains("customer.updated"));
        Http.Response replay = http.post("/admin/webhook-events/" + oldEvent + "/replay", adminToken, null);
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        assertThat(replay.json().path("status").asText()).isEqualTo("ignored");

        JsonNode finally_ = http.get("/admin/users/" + pseudonym + "/export", adminToken).json();
        assertThat(finally_.toString()).doesNotContain(EMAIL).doesNotContain("Ada Erased");
        assertThat(finally_.path("customer").path("email").isMissingNode()
                || finally_.path("customer").path("email").isNull()).isTrue();
        assertThat(http.get("/me/export", token).json().path("customer").path("customerId").isMissingNode()).isTrue();
    }
}

package dev.billing.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.http.Http;
import dev.billing.emulator.CheckoutCompletion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local mode end to end, in-process on free ports with a temporary data directory: embedded Postgres, the Stripe
 * emulator driven through stripe-java, real signed webhooks verified by the real verifier, the local token issuer.
 */
class LocalModeIT {
    @TempDir
    Path dir;

    static LocalMode start(Path dir) {
        return LocalFixture.startLocal(new LocalMode.Options(dir, 0, 0, Map.of()));
    }

    static String token(Http http, String user) {
        Http.Response r = http.post("/local/token", null, "{\"userId\":\"" + user + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("token").asText();
    }

    static JsonNode await(Http http, String path, String token, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = http.get(path, token).json();
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met for " + path + ": " + last);
    }

    @Test
    void theWholeFlowAndARestartThatKeepsTheCustomer() throws Exception {
        String customer;
        String subscription;
        String firstToken;
        try (LocalMode local = start(dir)) {
            Http http = Http.local(local.port());
            assertThat(local.banner()).contains("/local/token").contains("/stripe/checkout")
                    .contains("/_emulator/checkout/sessions/$SESSION/complete").contains("/me/entitlements");
            firstToken = token(http, "user_local");

            Http.Response created = http.post("/stripe/customer", firstToken, null);
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            // `created` may be false: the emulator's customer.created webhook can link the customer first
            customer = created.json().path("customerId").asText();
            assertThat(customer).startsWith("cus_");

            Http.Response checkout = http.post("/stripe/checkout", firstToken, "{\"tier\":\"pro\",\"interval\":\"month\"}");
            assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
            String session = checkout.json().path("sessionId").asText();
            assertThat(checkout.json().path("url").asText()).startsWith(local.emulator().baseUrl() + "/checkout/");

            CheckoutCompletion done = local.emulator().completeCheckoutSession(session);
            subscription = done.subscriptionId();
            JsonNode me = await(http, "/me/entitlements", firstToken, m -> m.path("tier").asText().equals("pro"));
            assertThat(me.path("status").asText()).isEqualTo("trialing");
            assertThat(me.path("subscriptionId").asText()).isEqualTo(subscription);
            assertThat(me.path("trialEnd").asText()).isNotBlank();
            assertThat(me.path("features").toString()).contains("sso");

            JsonNode subs = http.get("/stripe/subscriptions", firstToken).json().path("data");
            assertThat(subs).hasSize(1);
            assertThat(subs.get(0).path("tier").asText()).isEqualTo("pro");

            Http.Response again = http.post("/stripe/checkout", firstToken, "{\"tier\":\"basic\",\"interval\":\"year\"}");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.errorCode()).isEqualTo("already_subscribed");

            assertThat(local.emulator().awaitDeliveries(Duration.ofSeconds(10))).isTrue();
            JsonNode events = await(http, "/admin/webhook-events", local.adminToken(),
                    e -> e.path("counts").path("pending").asLong() == 0);
            assertThat(events.path("counts").path("failed").asLong()).isZero();
            assertThat(events.path("counts").path("processed").asLong()).isPositive();
        }
        assertThat(Files.isDirectory(dir.resolve("pg"))).isTrue();

        assertThat(dir.resolve(LocalMode.STRIPE_STATE_FILE)).exists();

        try (LocalMode restarted = start(dir)) {
            Http http = Http.local(restarted.port());
            // the emulator came back from its state file: nothing to re-create, and Stripe knows the subscription
            assertThat(restarted.stripeStateRestored()).isTrue();
            assertThat(restarted.restoredCustomers()).isZero();
            assertThat(restarted.startupReconcile().customers()).isEqualTo(1);
            assertThat(restarted.banner()).contains("(restored)");
            // the signing key survived: a token from the first run still verifies
            Http.Response me = http.get("/me/entitlements", firstToken);
            assertThat(me.status()).as(me.body()).isEqualTo(200);
            assertThat(me.json().path("tier").asText()).isEqualTo("pro");
            assertThat(me.json().path("subscriptionId").asText()).isEqualTo(subscription);
            Http.Response same = http.post("/stripe/customer", token(http, "user_local"), null);
            assertThat(same.json().path("customerId").asText()).isEqualTo(customer);
            assertThat(same.json().path("created").asBoolean()).isFalse();
            Http.Response portal = http.post("/stripe/portal", firstToken, null);
            assertThat(portal.status()).as(portal.body()).isEqualTo(200);
            // what failed before the emulator kept its state: changing the subscription after a restart
            Http.Response cancel = http.post("/stripe/subscriptions/" + subscription + "/cancel", firstToken,
                    "{\"atPeriodEnd\":false}");
            assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
            assertThat(cancel.json().path("status").asText()).isEqualTo("canceled");
            await(http, "/me/entitlements", firstToken, m -> m.path("tier").asText().equals("free"));
            // the webhook endpoint of the first run was replaced, not added to
            assertThat(restarted.emulator().removeWebhookEndpoints()).isEqualTo(1);
        }
    }

    @Test
    void withoutItsStateFileTheEmulatorGetsTheLinkedCustomersBack() throws Exception {
        String customer;
        try (LocalMode local = start(dir)) {
            Http http = Http.local(local.port());
            customer = http.post("/stripe/customer", token(http, "user_lost"), null).json().path("customerId")
                    .asText();
        }
        Files.delete(dir.resolve(LocalMode.STRIPE_STATE_FILE));
        try (LocalMode restarted = start(dir)) {
            Http http = Http.local(restarted.port());
            assertThat(restarted.stripeStateRestored()).isFalse();
            assertThat(restarted.startupReconcile()).isNull();
            assertThat(restarted.restoredCustomers()).isEqualTo(1);
            assertThat(restarted.emulator().objectJson(customer)).contains("user_lost");
            assertThat(http.post("/stripe/portal", token(http, "user_lost"), null).status()).isEqualTo(200);
        }
    }

    @Test
    void localTokenRouteIsLocalOnlyAndTheOpenApiDocumentSaysSo() {
        try (LocalMode local = start(dir)) {
            Http http = Http.local(local.port());
            assertThat(http.get("/openapi.json", null).body()).contains("/local/token");
            assertThat(http.post("/local/token", null, "{\"userId\":\"a b\"}").errorCode())
                    .isEqualTo("invalid_user_id");
            assertThat(http.post("/local/token", null, "{\"userId\":\"u\",\"admin\":true}").errorCode())
                    .isEqualTo("unknown_field");
            assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
            assertThat(local.startupTime()).isPositive();
        }
    }
}

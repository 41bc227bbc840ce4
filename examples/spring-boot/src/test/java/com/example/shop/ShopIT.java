package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.Await;
import dev.billing.testkit.http.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shop over real HTTP: a signed-in user buys the pro plan through the starter's routes, the emulator completes
 * Checkout and delivers Stripe's signed webhooks to the shop, the background work projects them, and the shop's own
 * routes see the same user, signed in by the same token, with the pro plan. Actuator shows billing's health and
 * metrics. The same class runs on Spring Boot 4 here and on 3.5 in examples/spring-boot-3.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ShopIT {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    Http http;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ShopFixture.properties(registry);
    }

    @BeforeEach
    void connect() {
        http = Http.local(port);
        ShopFixture.STRIPE.registerWebhookEndpoint(
                "http://127.0.0.1:" + port + "/webhooks/stripe", ShopFixture.WEBHOOK_SECRET);
    }

    @Test
    void aUserBuysProAndTheShopsOwnRoutesSeeIt() {
        String token = ShopFixture.token("user_ada");
        assertThat(http.get("/api/me", token).json().path("tier").asText()).isEqualTo("free");
        assertThat(http.post("/api/notes", token, "{\"body\":\"first\"}").status())
                .isEqualTo(402);

        Http.Response customer = http.post("/stripe/customer", token, null);
        assertThat(customer.status()).as(customer.body()).isEqualTo(200);
        Http.Response checkout = http.post("/stripe/checkout", token, "{\"tier\":\"pro\",\"interval\":\"month\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        ShopFixture.STRIPE.completeCheckoutSession(
                checkout.json().path("sessionId").asText());

        Await.until(
                "the signed webhooks make the user pro",
                () -> http.get("/me/entitlements", token)
                        .json()
                        .path("tier")
                        .asText()
                        .equals("pro"));
        JsonNode me = http.get("/api/me", token).json();
        assertThat(me.path("userId").asText()).isEqualTo("user_ada");
        assertThat(me.path("tier").asText()).isEqualTo("pro");
        assertThat(http.post("/api/notes", token, "{\"body\":\"first\"}").status())
                .isEqualTo(200);
        assertThat(http.get("/api/notes", token).json().get(0).asText()).isEqualTo("first");
        assertThat(http.get("/stripe/subscriptions", token)
                        .json()
                        .path("data")
                        .get(0)
                        .path("status")
                        .asText())
                .isIn("active", "trialing");
    }

    @Test
    void billingRoutesAnswerWithTheStandaloneServersErrorsAndTheShopsRoutesNeedAToken() {
        Http.Response noToken = http.get("/me/entitlements", null);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.errorCode()).isEqualTo("unauthenticated");
        assertThat(noToken.json().path("error").path("requestId").asText()).startsWith("req_");
        assertThat(noToken.header("WWW-Authenticate")).isEqualTo("Bearer");

        Http.Response forged = http.post("/stripe/customer", "not.a.token", null);
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.errorCode()).isEqualTo("unauthenticated");

        Http.Response noKey =
                http.post("/usage", ShopFixture.token("user_bob"), "{\"meter\":\"api_calls\",\"amount\":1}");
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.errorCode()).isEqualTo("invalid_idempotency_key");

        Http.Response badSignature = http.post("/webhooks/stripe", null, "{}", Map.of("Stripe-Signature", "t=1,v1=00"));
        assertThat(badSignature.status()).isEqualTo(400);
        assertThat(badSignature.errorCode()).isEqualTo("invalid_webhook");

        assertThat(http.get("/api/me", null).status()).isEqualTo(401);
        assertThat(http.get("/openapi.json", null).json().path("paths").has("/me/entitlements"))
                .isTrue();
    }

    @Test
    void theShopsFlywayAndBillingsMigrationsShareTheDatabase() {
        List<String> shop = jdbc.queryForList(
                "SELECT script FROM public.flyway_schema_history "
                        + "WHERE version IS NOT NULL ORDER BY installed_rank",
                String.class);
        List<String> billing = jdbc.queryForList(
                "SELECT script FROM billing.billing_schema_history "
                        + "WHERE version IS NOT NULL ORDER BY installed_rank",
                String.class);
        assertThat(shop).containsExactly("V1__notes.sql");
        assertThat(billing).first().isEqualTo("V1__billing_tables.sql");
        assertThat(billing).doesNotContain("V1__notes.sql");
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                                + "AND table_name = 'notes'",
                        Long.class))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'billing' "
                                + "AND table_name = 'customers'",
                        Long.class))
                .isEqualTo(1);
    }

    @Test
    void billingsMetricsAreTheApplicationsActuatorMetrics() {
        String token = ShopFixture.token("user_cy");
        assertThat(http.post("/stripe/customer", token, null).status()).isEqualTo(200);

        assertThat(http.get("/actuator/metrics/billing.http.requests", null).status())
                .isEqualTo(401);
        JsonNode requests =
                http.get("/actuator/metrics/billing.http.requests", token).json();
        assertThat(requests.path("measurements").get(0).path("value").asDouble())
                .isPositive();
        JsonNode stripe =
                http.get("/actuator/metrics/billing.stripe.calls", token).json();
        assertThat(stripe.path("measurements").get(0).path("value").asDouble()).isPositive();
        assertThat(http.get("/actuator/metrics/billing.webhook.inbox", token).status())
                .isEqualTo(200);
        // Spring's own request metric names billing's routes by their templates, as it names the shop's.
        Http.Response spring = http.get("/actuator/metrics/http.server.requests?tag=uri:/stripe/customer", token);
        assertThat(spring.status())
                .as("http.server.requests tagged uri=/stripe/customer: " + spring.body())
                .isEqualTo(200);
        assertThat(spring.json().path("measurements").get(0).path("value").asDouble())
                .isPositive();
    }

    @Test
    void healthReportsTheStore() {
        JsonNode health = http.get("/actuator/health", null).json();
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("components")
                        .path("billing")
                        .path("details")
                        .path("store")
                        .asText())
                .isEqualTo("up");
    }
}

package com.example.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The example as a host runs it: a Clerk token buys the pro plan through Checkout, Stripe's signed webhook reaches
 * the host's route, the background work processes it and reports metered usage, and close() stops it all.
 */
class EmbeddedBillingIT {
    private static final String ISSUER = "https://clerk.embed.test";
    private static final String SECRET = "whsec_embedding_example";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aUserBuysProAndTheirUsageReachesStripe() throws Exception {
        TestKey key = TestKeys.rsa2048("ins_embed");
        try (TestDatabase db = PostgresFixture.shared().newDatabase("embed");
                StripeEmulator stripe =
                        StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            Map<String, String> env = Map.of(
                    "STRIPE_SECRET_KEY",
                    stripe.apiKey(),
                    "STRIPE_API_BASE",
                    stripe.baseUrl(),
                    "STRIPE_WEBHOOK_SECRET",
                    SECRET,
                    "DATABASE_URL",
                    db.postgresUrl(),
                    "STRIPE_PRICE_PRO_MONTHLY",
                    "price_pro_monthly",
                    "CLERK_ISSUER",
                    ISSUER,
                    "CLERK_JWT_KEY",
                    key.publicKeyPem());
            String token = new TokenMinter(key, ISSUER, Clock.systemUTC())
                    .token()
                    .subject("user_embed")
                    .sign();
            EmbeddedBilling app = new EmbeddedBilling(env);
            HttpServer webhooks = webhookRoute(app);
            try {
                stripe.registerWebhookEndpoint(
                        "http://127.0.0.1:" + webhooks.getAddress().getPort() + "/webhooks/stripe", SECRET);
                assertThat(app.entitlements(token).tier()).isEqualTo("free");

                CheckoutOutcome checkout = app.checkout(token);
                assertThat(checkout).isInstanceOf(CheckoutOutcome.Started.class);
                stripe.completeCheckoutSession(
                        ((CheckoutOutcome.Started) checkout).session().id());
                await(
                        "the checkout's webhooks make the user pro",
                        () -> "pro".equals(app.entitlements(token).tier()));

                Entitlements pro = app.entitlements(token);
                assertThat(pro.features()).contains("sso");
                assertThat(app.recordApiCall(token, "request-1").result()).isInstanceOf(UsageResult.Accepted.class);
                assertThat(app.recordApiCall(token, "request-1").result())
                        .as("a retry of the same request")
                        .isInstanceOf(UsageResult.Replayed.class);
                await(
                        "the metered usage is reported to Stripe by the background work",
                        () -> stripe.requestLog().stream()
                                .anyMatch(r -> r.path().equals("/v1/billing/meter_events")));
                assertThat(stripe.requestLog().stream().filter(r -> r.path().equals("/v1/billing/meter_events")))
                        .as("one report for one idempotency key")
                        .hasSize(1);
            } finally {
                app.close();
                webhooks.stop(0);
            }
        }
    }

    /** The host's webhook route: raw body and signature to the example, 400 on a rejected signature. */
    private static HttpServer webhookRoute(EmbeddedBilling app) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/webhooks/stripe", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            try {
                app.webhook(body, exchange.getRequestHeaders().getFirst("Stripe-Signature"));
                status = 200;
            } catch (WebhookRejectedException e) {
                status = 400;
            } catch (RuntimeException e) {
                status = 503;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline)
                    .as("within %s: %s", WAIT, what)
                    .isTrue();
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}

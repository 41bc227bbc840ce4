package dev.billing.server;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.EventObject;
import dev.billing.core.model.StripeEvent;
import dev.billing.core.model.Subscription;
import dev.billing.core.model.SubscriptionStatus;
import dev.billing.core.config.BillingOptions;
import dev.billing.http.ApiSettings;
import dev.billing.testkit.http.Http;
import dev.billing.clerk.ClerkConfig;
import dev.billing.clerk.ClerkIdentityVerifier;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.RecordingNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The composition root on the testkit's fakes: wiring, the background worker processing the inbox, the gauges and
 * Stripe-call metrics on /metrics, the start-up time, and a clean shutdown.
 */
class BillingServerIT {
    static final TestKey KEY = TestKeys.rsa2048("ins_server");
    static final String ISSUER = "https://clerk.server.test";
    static final String ADMIN = "server-admin-token-0123456789abcdef";
    static final String ORIGIN = "https://app.example.com";

    final MutableClock clock = MutableClock.at(Instant.now());
    final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    final InMemoryBillingStores stores = InMemoryBillingStores.create();
    final FakeWebhookVerifier webhooks = new FakeWebhookVerifier();
    final TokenMinter minter = new TokenMinter(KEY, ISSUER, Clock.systemUTC());
    final RecordingNotifier notifier = new RecordingNotifier();
    BillingServer server;
    Http http;

    @BeforeEach
    void start() {
        ClerkIdentityVerifier identities = ClerkIdentityVerifier.create(ClerkConfig.builder().issuer(ISSUER)
                .jwtKey(KEY.publicKeyPem()).build());
        BillingOptions options = BillingOptions.builder().allowedOrigins(List.of(ORIGIN))
                .defaultSuccessUrl(ORIGIN + "/ok").defaultCancelUrl(ORIGIN + "/cancel")
                .inlinePermits(0) // everything through the worker
                .build();
        ApiSettings api = ApiSettings.builder().allowedOrigins(List.of(ORIGIN)).adminToken(ADMIN).build();
        server = BillingServer.start(new BillingServer.Parts(stores.stores(), gateway, webhooks, identities,
                SamplePlans.catalog(), options, api, clock, "127.0.0.1", 0, null, Duration.ofMillis(100),
                notifier, List.of()));
        http = Http.local(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void startsWellUnderTwoSeconds() {
        assertThat(server.startupTime()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void theWorkerProcessesWebhooksLeftToItAndEntitlementsFollow() throws Exception {
        String token = minter.token().subject("user_w").sign();
        String customer = http.post("/stripe/customer", token, null).json().path("customerId").asText();
        Subscription sub = gateway.subscribe(CustomerId.of(customer), "price_pro_monthly", SubscriptionStatus.ACTIVE);
        StripeEvent event = Builders.anEvent().withType("customer.subscription.created")
                .forObject("subscription", sub.id()).createdAt(clock.instant()).build();
        FakeWebhookVerifier.Delivery d = webhooks.sign(event, new EventObject.OfSubscription(sub));
        Http.Response received = http.send(http.request("/webhooks/stripe").header("Stripe-Signature", d.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body())));
        assertThat(received.status()).as(received.body()).isEqualTo(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String tier = "free";
        while (System.nanoTime() < deadline && !tier.equals("pro")) {
            Thread.sleep(50);
            tier = http.get("/me/entitlements", token).json().path("tier").asText();
        }
        assertThat(tier).isEqualTo("pro");
        String metrics = http.get("/metrics", ADMIN).body();
        assertThat(metrics).contains("billing_worker_events_total")
                .contains("billing_webhook_inbox{status=\"processed\"}")
                .contains("billing_webhook_deliveries_total{outcome=\"recorded\"}")
                .contains("billing_meter_reports_pending")
                .contains("billing_stripe_calls_seconds_count{operation=\"create_customer\",outcome=\"ok\"}")
                .contains("billing_http_requests_seconds_bucket")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void stripeFailuresAreCountedPerOperationAndKind() {
        String token = minter.token().subject("user_f").sign();
        gateway.failNext(FakePaymentGateway.Operation.CREATE_CUSTOMER, 5, FakePaymentGateway.Failure.RATE_LIMITED);
        assertThat(http.post("/stripe/customer", token, null).status()).isEqualTo(503);
        assertThat(http.get("/metrics", ADMIN).body())
                .contains("billing_stripe_calls_seconds_count{operation=\"create_customer\",outcome=\"rate_limited\"}");
    }

    @Test
    void readinessChecksTheStoreAndStripe() {
        assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
    }

    @Test
    void closeStopsTheApi() {
        int port = server.port();
        server.close();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Http.local(port).get("/health", null)))
                .isNotNull();
    }
}

package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.clerk.ClerkConfig;
import dev.billing.clerk.ClerkIdentityVerifier;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.http.ApiSettings;
import dev.billing.testkit.Await;
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
import dev.billing.testkit.http.Http;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
        ClerkIdentityVerifier identities = ClerkIdentityVerifier.create(
                ClerkConfig.builder().issuer(ISSUER).jwtKey(KEY.publicKeyPem()).build());
        BillingOptions options = BillingOptions.builder()
                .allowedOrigins(List.of(ORIGIN))
                .defaultSuccessUrl(ORIGIN + "/ok")
                .defaultCancelUrl(ORIGIN + "/cancel")
                .inlinePermits(0) // everything through the worker
                .build();
        ApiSettings api = ApiSettings.builder()
                .allowedOrigins(List.of(ORIGIN))
                .adminToken(ADMIN)
                .build();
        server = BillingServer.start(new BillingServer.Parts(
                stores.stores(),
                gateway,
                webhooks,
                identities,
                SamplePlans.catalog(),
                options,
                api,
                clock,
                "127.0.0.1",
                0,
                null,
                Duration.ofMillis(100),
                notifier,
                List.of()));
        http = Http.local(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theWorkerProcessesWebhooksLeftToItAndEntitlementsFollow() throws Exception {
        String token = minter.token().subject("user_w").sign();
        String customer = http.post("/stripe/customer", token, null)
                .json()
                .path("customerId")
                .asText();
        Subscription sub = gateway.subscribe(CustomerId.of(customer), "price_pro_monthly", SubscriptionStatus.ACTIVE);
        StripeEvent event = Builders.anEvent()
                .withType("customer.subscription.created")
                .forObject("subscription", sub.id())
                .createdAt(clock.instant())
                .build();
        FakeWebhookVerifier.Delivery d = webhooks.sign(event, new EventObject.OfSubscription(sub));
        Http.Response received = http.send(http.request("/webhooks/stripe")
                .header("Stripe-Signature", d.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body())));
        assertThat(received.status()).as(received.body()).isEqualTo(200);
        Await.until(
                "the worker makes the user pro",
                () -> http.get("/me/entitlements", token)
                        .json()
                        .path("tier")
                        .asText()
                        .equals("pro"));
        String metrics = http.get("/metrics", ADMIN).body();
        assertThat(metrics)
                .contains("billing_worker_events_total")
                .contains("billing_webhook_inbox{status=\"pending\"}")
                .doesNotContain("billing_webhook_inbox{status=\"processed\"}")
                .contains("billing_webhook_deliveries_total{outcome=\"recorded\"}")
                .contains("billing_meter_reports_pending")
                .contains("billing_clock_behind_stripe_seconds_count")
                .contains("billing_stripe_calls_seconds_count{operation=\"create_customer\",outcome=\"ok\"}")
                .contains("http_server_requests_seconds_bucket{")
                .contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\","
                        + "uri=\"/me/entitlements\"}")
                .doesNotContain("billing_http_requests_seconds")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    @DisplayName("the store gauges read real counts, also after a garbage collection")
    void storeGaugesReadRealCountsAfterAGarbageCollection() {
        String token = minter.token().subject("user_g").sign();
        String customer = http.post("/stripe/customer", token, null)
                .json()
                .path("customerId")
                .asText();
        Subscription sub = gateway.subscribe(CustomerId.of(customer), "price_pro_monthly", SubscriptionStatus.ACTIVE);
        StripeEvent event = Builders.anEvent()
                .withType("customer.subscription.created")
                .forObject("subscription", sub.id())
                .createdAt(clock.instant())
                .build();
        FakeWebhookVerifier.Delivery d = webhooks.sign(event, new EventObject.OfSubscription(sub));
        http.send(http.request("/webhooks/stripe")
                .header("Stripe-Signature", d.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body())));
        Await.until(
                "the event is processed",
                () -> stores.inbox().countByStatus().getOrDefault(InboxStatus.PROCESSED, 0L) == 1);

        stores.inbox()
                .restore(new InboxEntry(
                        Builders.anEvent().build(),
                        InboxStatus.FAILED,
                        12,
                        "gave up",
                        clock.instant(),
                        null,
                        null,
                        null,
                        null,
                        null));

        collectGarbage();

        Await.until(
                "the gauges read the parked event",
                () -> gauge(http.get("/metrics", ADMIN).body(), "billing_webhook_inbox{status=\"failed\"}") == 1.0);
        String metrics = http.get("/metrics", ADMIN).body();
        assertThat(gauge(metrics, "billing_webhook_inbox{status=\"pending\"}")).isZero();
        assertThat(gauge(metrics, "billing_meter_reports_pending")).isZero();
        assertThat(gauge(metrics, "billing_meter_reports_unbillable"))
                .as("the Postgres store counts them")
                .isZero();
    }

    /** Runs collections until a weakly held object is gone, so weakly held gauge state would be gone too. */
    private static void collectGarbage() {
        java.lang.ref.WeakReference<Object> sentinel = new java.lang.ref.WeakReference<>(new Object());
        Await.until("a garbage collection cleared a weak reference", () -> {
            System.gc();
            return sentinel.get() == null;
        });
    }

    private static double gauge(String metrics, String series) {
        return metrics.lines()
                .filter(l -> l.startsWith(series + " "))
                .map(l -> l.substring(series.length() + 1))
                .mapToDouble(Double::parseDouble)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in /metrics"));
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
    @DisplayName("ready means the store answers; a Stripe outage is reported and leaves the instance ready")
    void readinessIsTheStoreAndReportsStripe() {
        assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
        gateway.failNext(FakePaymentGateway.Operation.PING, 1_000, FakePaymentGateway.Failure.NOT_DONE);
        Await.until(
                "readiness sees Stripe down",
                () -> http.get("/health/ready", null)
                        .json()
                        .path("checks")
                        .path("stripe")
                        .asText()
                        .startsWith("failed"));
        assertThat(http.get("/health/ready", null).status()).isEqualTo(200);

        stores.storeSwitch().down();

        Await.until(
                "readiness sees the store down",
                () -> http.get("/health/ready", null).status() == 503);
    }

    @Test
    void closeStopsTheApi() {
        int port = server.port();
        server.close();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> Http.local(port).get("/health", null)))
                .isNotNull();
    }
}

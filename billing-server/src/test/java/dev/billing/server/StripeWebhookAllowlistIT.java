package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.webhook.StripeSignature;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} with {@code BILLING_STRIPE_WEBHOOK_ALLOWLIST=true} behind a trusted proxy (the tests connect from
 * 127.0.0.1, named in {@code BILLING_TRUSTED_PROXIES}): real Stripe signatures, Postgres; a correctly signed event
 * from an address that is not Stripe's is a 403 and stores nothing, and the forwarded address decides.
 */
class StripeWebhookAllowlistIT {
    static final TestKey KEY = TestKeys.rsa2048("ins_allowlist");
    static final String SECRET = "whsec_allowlisttestsecret";
    static final String ADMIN = "allowlist-admin-token-0123456789abcdef";

    TestDatabase db;
    StripeEmulator emulator;
    BillingServer server;
    Http http;

    @BeforeEach
    void start() {
        db = PostgresFixture.shared().newDatabase("allowlist");
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        Map<String, String> env = new HashMap<>();
        env.put("STRIPE_SECRET_KEY", emulator.apiKey());
        env.put("STRIPE_API_BASE", emulator.baseUrl());
        env.put("STRIPE_WEBHOOK_SECRET", SECRET);
        env.put("CLERK_ISSUER", "https://clerk.allowlist.test");
        env.put("CLERK_JWT_KEY", KEY.publicKeyPem());
        env.put("DATABASE_URL", db.postgresUrl());
        env.put("BILLING_ALLOWED_ORIGINS", "https://app.example.com");
        env.put("BILLING_ADMIN_TOKEN", ADMIN);
        env.put("BILLING_HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(ServeModeIT.freePort()));
        env.put("BILLING_TRUSTED_PROXIES", "127.0.0.1/32,10.0.0.0/8");
        env.put("BILLING_STRIPE_WEBHOOK_ALLOWLIST", "true");
        server = ServeMode.start(ServerConfig.fromEnv(env), "test");
        http = Http.local(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
        emulator.close();
        db.close();
    }

    Http.Response deliver(String eventId, String forwardedFor) {
        byte[] body = LocalWebhooksIT.event(eventId);
        HttpRequest.Builder b = http.request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", StripeSignature.header(SECRET, Instant.now(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        return http.send(b);
    }

    boolean stored(String eventId) {
        return http.get("/admin/webhook-events", ADMIN).body().contains(eventId);
    }

    @Test
    void aSignedEventFromANonStripeAddressIs403AndStoresNothing() {
        Http.Response direct = deliver("evt_allow_direct", null);
        Http.Response forwarded = deliver("evt_allow_elsewhere", "3.18.12.63, 203.0.113.9");
        for (Http.Response r : new Http.Response[] {direct, forwarded}) {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.errorCode()).isEqualTo("address_not_allowed");
            assertThat(r.body()).doesNotContain(SECRET);
        }
        assertThat(stored("evt_allow_direct")).isFalse();
        assertThat(stored("evt_allow_elsewhere")).isFalse();
    }

    @Test
    void behindTheTrustedProxyTheForwardedStripeAddressIsAccepted() {
        Http.Response accepted = deliver("evt_allow_stripe", "54.187.174.169, 10.0.0.7");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(stored("evt_allow_stripe")).isTrue();
    }
}

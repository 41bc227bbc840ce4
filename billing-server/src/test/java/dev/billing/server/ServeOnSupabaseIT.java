package dev.billing.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.http.Http;
import dev.billing.supabase.SupabaseSql;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.supabase.SupabaseFixture;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code serve} with {@code BILLING_STORE=supabase}: a real PostgREST in front of a Supabase-like database. */
class ServeOnSupabaseIT {

    @Test
    void theWholeFlowOnTheSupabaseStore() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("serve_supabase");
             SupabaseFixture supabase = SupabaseFixture.builder(db).schemaSql(SupabaseSql.all()).start();
             StripeEmulator emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            Map<String, String> env = new HashMap<>();
            env.put("STRIPE_SECRET_KEY", emulator.apiKey());
            env.put("STRIPE_API_BASE", emulator.baseUrl());
            env.put("STRIPE_WEBHOOK_SECRET", ServeModeIT.SECRET);
            env.put("CLERK_ISSUER", ServeModeIT.ISSUER);
            env.put("CLERK_JWT_KEY", ServeModeIT.KEY.publicKeyPem());
            env.put("BILLING_STORE", "supabase");
            env.put("SUPABASE_URL", supabase.url());
            env.put("SUPABASE_SERVICE_ROLE_KEY", supabase.serviceRoleKey());
            env.put("BILLING_ALLOWED_ORIGINS", "https://app.example.com");
            env.put("BILLING_SUCCESS_URL", "https://app.example.com/done");
            env.put("BILLING_CANCEL_URL", "https://app.example.com/cancel");
            env.put("BILLING_HOST", "127.0.0.1");
            env.put("PORT", Integer.toString(ServeModeIT.freePort()));
            try (BillingServer server = ServeMode.start(ServerConfig.fromEnv(env), "test")) {
                Http http = Http.local(server.port());
                emulator.registerWebhookEndpoint("http://127.0.0.1:" + server.port() + "/webhooks/stripe",
                        ServeModeIT.SECRET);
                assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
                String token = new TokenMinter(ServeModeIT.KEY, ServeModeIT.ISSUER, Clock.systemUTC()).token()
                        .subject("user_supa").sign();
                Http.Response checkout = http.post("/stripe/checkout", token, "{\"tier\":\"pro\",\"interval\":\"year\"}");
                assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
                emulator.completeCheckoutSession(checkout.json().path("sessionId").asText());
                JsonNode me = LocalModeIT.await(http, "/me/entitlements", token,
                        m -> m.path("tier").asText().equals("pro"));
                assertThat(me.path("subscriptionId").asText()).startsWith("sub_");
                Http.Response usage = http.post("/usage", token, "{\"meter\":\"exports\",\"amount\":2}",
                        Map.of("Idempotency-Key", "supa-1"));
                assertThat(usage.status()).as(usage.body()).isEqualTo(200);
                assertThat(usage.json().path("used").asLong()).isEqualTo(2);

                supabase.stopPostgrest();
                Thread.sleep(1100); // past the readiness answer's 1 s reuse
                Http.Response down = http.get("/health/ready", null);
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.json().path("error").path("message").asText()).contains("store failed");
                supabase.startPostgrest();
            }
        }
    }

    @Test
    void supabaseSqlIsPrintedAndTheAnonKeyIsRefused() {
        CliConfigTest.Run sql = CliConfigTest.run(Map.of(), "supabase-sql");
        assertThat(sql.exit()).isZero();
        assertThat(sql.out()).contains("CREATE TABLE").contains("billing_subscriptions");
        try (TestDatabase db = PostgresFixture.shared().newDatabase("supabase_anon");
             SupabaseFixture supabase = SupabaseFixture.builder(db).schemaSql(SupabaseSql.all()).start()) {
            Map<String, String> env = CliConfigTest.validEnv();
            env.remove("DATABASE_URL");
            env.put("BILLING_STORE", "supabase");
            env.put("SUPABASE_URL", supabase.url());
            env.put("SUPABASE_SERVICE_ROLE_KEY", supabase.anonKey());
            CliConfigTest.Run check = CliConfigTest.run(env, "check-config");
            assertThat(check.exit()).isEqualTo(2);
            assertThat(check.err()).contains("SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY")
                    .doesNotContain(supabase.anonKey());
        }
    }
}

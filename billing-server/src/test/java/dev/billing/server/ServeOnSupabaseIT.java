package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.checkout.Session;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import dev.billing.core.port.BillingStores;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.supabase.SupabaseBillingStores;
import dev.billing.supabase.SupabaseSql;
import dev.billing.testkit.Await;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.supabase.SupabaseFixture;
import dev.billing.testkit.webhook.SvixSignature;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code serve} with {@code BILLING_STORE=supabase}: a real PostgREST in front of a Supabase-like database. */
class ServeOnSupabaseIT {

    @Test
    void theWholeFlowOnTheSupabaseStore() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("serve_supabase");
                SupabaseFixture supabase =
                        SupabaseFixture.builder(db).schemaSql(SupabaseSql.all()).start();
                StripeEmulator emulator =
                        StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            Map<String, String> env = supabaseEnv(supabase, emulator);
            try (BillingServer server = ServeMode.start(ServerConfig.fromEnv(env), "test")) {
                Http http = Http.local(server.port());
                emulator.registerWebhookEndpoint(
                        "http://127.0.0.1:" + server.port() + "/webhooks/stripe", ServeModeIT.SECRET);
                assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
                String token = new TokenMinter(ServeModeIT.KEY, ServeModeIT.ISSUER, Clock.systemUTC())
                        .token()
                        .subject("user_supa")
                        .sign();
                Http.Response checkout =
                        http.post("/stripe/checkout", token, "{\"tier\":\"pro\",\"interval\":\"year\"}");
                assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
                emulator.completeCheckoutSession(
                        checkout.json().path("sessionId").asText());
                JsonNode me = LocalModeIT.await(
                        http,
                        "/me/entitlements",
                        token,
                        m -> m.path("tier").asText().equals("pro"));
                assertThat(me.path("subscriptionId").asText()).startsWith("sub_");
                Http.Response usage = http.post(
                        "/usage", token, "{\"meter\":\"exports\",\"amount\":2}", Map.of("Idempotency-Key", "supa-1"));
                assertThat(usage.status()).as(usage.body()).isEqualTo(200);
                assertThat(usage.json().path("used").asLong()).isEqualTo(2);

                supabase.stopPostgrest();
                // the readiness answer is reused for 1 s
                Await.until(
                        "readiness sees the store down",
                        () -> http.get("/health/ready", null).status() == 503);
                Http.Response down = http.get("/health/ready", null);
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.json().path("error").path("message").asText()).contains("store failed");
                supabase.startPostgrest();
            }
        }
    }

    @Test
    void exportEraseExportOnSupabase() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("erase_supabase");
                SupabaseFixture supabase =
                        SupabaseFixture.builder(db).schemaSql(SupabaseSql.all()).start();
                StripeEmulator emulator =
                        StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            Map<String, String> env = supabaseEnv(supabase, emulator);
            env.put("BILLING_ADMIN_TOKEN", ServeModeIT.ADMIN);
            env.put("BILLING_MEMBERSHIP_SYNC", "true");
            env.put("CLERK_WEBHOOK_SECRET", SvixSignature.SECRET);
            try (BillingServer server = ServeMode.start(ServerConfig.fromEnv(env), "test")) {
                emulator.registerWebhookEndpoint(
                        "http://127.0.0.1:" + server.port() + "/webhooks/stripe", ServeModeIT.SECRET);
                // The scan reads the database under PostgREST over JDBC.
                ErasureFlow.run(
                        Http.local(server.port()),
                        emulator,
                        new TokenMinter(ServeModeIT.KEY, ServeModeIT.ISSUER, Clock.systemUTC()),
                        ServeModeIT.ADMIN,
                        ServeModeIT.SECRET,
                        supabase.database().dataSource(),
                        "public",
                        "billing_projection_changes");
            }
        }
    }

    /**
     * Adopting the earlier Node backend's project: its customer mapping is there, its subscriptions are not (Stripe
     * has them). Serve warns, `reconcile --all` brings them in, and the running server shows them at once, though
     * its entitlement cache would keep the old answer for an hour.
     */
    @Test
    void adoptingTheNodeBackendsProjectBringsPayingUsersIn() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("serve_adopt");
                SupabaseFixture supabase =
                        SupabaseFixture.builder(db).schemaSql(SupabaseSql.all()).start();
                StripeEmulator emulator =
                        StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            // What the Node backend left: a mapping row, and the customer paying at Stripe.
            StripeClient stripe = StripeClient.builder()
                    .setApiKey(emulator.apiKey())
                    .setApiBase(emulator.baseUrl())
                    .build();
            Customer customer = stripe.customers()
                    .create(CustomerCreateParams.builder()
                            .setEmail("legacy@example.com")
                            .putMetadata("user_id", "user_legacy")
                            .build());
            Session session = stripe.checkout()
                    .sessions()
                    .create(SessionCreateParams.builder()
                            .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                            .setCustomer(customer.getId())
                            .setSuccessUrl("https://app.example.com/done")
                            .setCancelUrl("https://app.example.com/cancel")
                            .addLineItem(SessionCreateParams.LineItem.builder()
                                    .setPrice("price_pro_yearly")
                                    .setQuantity(1L)
                                    .build())
                            .build());
            emulator.completeCheckoutSession(session.getId());
            try (Connection c = db.dataSource().getConnection();
                    Statement st = c.createStatement()) {
                st.execute("INSERT INTO public.stripe_customer_mapping (clerk_user_id, stripe_customer_id) "
                        + "VALUES ('user_legacy', '" + customer.getId() + "')");
            }
            Map<String, String> env = supabaseEnv(supabase, emulator);
            env.put("BILLING_ENTITLEMENTS_CACHE_SECONDS", "3600");
            try (BillingStores stores = SupabaseBillingStores.create(supabase.url(), supabase.serviceRoleKey());
                    BillingServer server = ServeMode.start(ServerConfig.fromEnv(env), "test")) {
                assertThat(ServeMode.warnIfSubscriptionsAreMissing(stores)).isTrue();
                Http http = Http.local(server.port());
                String token = new TokenMinter(ServeModeIT.KEY, ServeModeIT.ISSUER, Clock.systemUTC())
                        .token()
                        .subject("user_legacy")
                        .sign();
                assertThat(http.get("/me/entitlements", token)
                                .json()
                                .path("tier")
                                .asText())
                        .isEqualTo("free");

                CliConfigTest.Run reconcile = CliConfigTest.run(env, "reconcile", "--all");

                assertThat(reconcile.exit())
                        .as(reconcile.out() + reconcile.err())
                        .isZero();
                assertThat(reconcile.out()).contains("customers 1, subscriptions 1 seen / 1 applied");
                JsonNode me = LocalModeIT.await(
                        http,
                        "/me/entitlements",
                        token,
                        m -> m.path("tier").asText().equals("pro"));
                assertThat(me.path("status").asText()).isIn("active", "trialing");
                assertThat(ServeMode.warnIfSubscriptionsAreMissing(stores)).isFalse();
            }
        }
    }

    static Map<String, String> supabaseEnv(SupabaseFixture supabase, StripeEmulator emulator) {
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
        return env;
    }

    @Test
    void serveRefusesAProjectWhoseSqlIsOlderThanItsOwnAndStartsOnceItIsApplied() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("supabase_older");
                SupabaseFixture supabase =
                        SupabaseFixture.builder(db).schemaSql(SupabaseSql.all()).start();
                StripeEmulator emulator =
                        StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            // What an upgrade of billing's jar without `supabase-sql` run again looks like to the new build.
            supabase.claimSqlVersion(SupabaseSql.VERSION - 1);
            Map<String, String> env = supabaseEnv(supabase, emulator);

            // A configuration error (exit 2 from the command line); a start that went through is closed and fails.
            assertThatThrownBy(() ->
                            ServeMode.start(ServerConfig.fromEnv(env), "test").close())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY: The billing SQL on this Supabase "
                            + "project is version " + (SupabaseSql.VERSION - 1))
                    .hasMessageContaining("billing-server supabase-sql")
                    .hasMessageNotContaining(supabase.serviceRoleKey());

            supabase.executeSql(CliConfigTest.run(Map.of(), "supabase-sql").out());
            try (BillingServer server = ServeMode.start(ServerConfig.fromEnv(env), "test")) {
                assertThat(Http.local(server.port()).get("/health/ready", null).status())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void supabaseSqlIsPrintedAndTheAnonKeyIsRefused() {
        CliConfigTest.Run sql = CliConfigTest.run(Map.of(), "supabase-sql");
        assertThat(sql.exit()).isZero();
        assertThat(sql.out()).contains("CREATE TABLE").contains("billing_subscriptions");
        try (TestDatabase db = PostgresFixture.shared().newDatabase("supabase_anon");
                SupabaseFixture supabase =
                        SupabaseFixture.builder(db).schemaSql(SupabaseSql.all()).start()) {
            Map<String, String> env = CliConfigTest.validEnv();
            env.remove("DATABASE_URL");
            env.put("BILLING_STORE", "supabase");
            env.put("SUPABASE_URL", supabase.url());
            env.put("SUPABASE_SERVICE_ROLE_KEY", supabase.anonKey());
            CliConfigTest.Run check = CliConfigTest.run(env, "check-config");
            assertThat(check.exit()).isEqualTo(2);
            assertThat(check.err())
                    .contains("SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY")
                    .doesNotContain(supabase.anonKey());
        }
    }
}

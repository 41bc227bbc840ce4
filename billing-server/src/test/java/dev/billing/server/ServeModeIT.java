package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.Await;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.webhook.StripeSignature;
import dev.billing.testkit.webhook.SvixSignature;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve}'s wiring from environment variables, in-process: Postgres (a fresh database), stripe-java against
 * the emulator ({@code STRIPE_API_BASE}), Clerk in PEM mode, the emulator's signed webhooks; plus the usage
 * guarantees over HTTP on the real store.
 */
class ServeModeIT {
    static final TestKey KEY = TestKeys.rsa2048("ins_serve");
    static final String ISSUER = "https://clerk.serve.test";
    static final String SECRET = "whsec_servemodetestsecret";
    static final String ADMIN = "serve-admin-token-0123456789abcdef0123";

    TestDatabase db;
    StripeEmulator emulator;
    BillingServer server;
    Http http;
    Map<String, String> env;
    final TokenMinter minter = new TokenMinter(KEY, ISSUER, Clock.systemUTC());

    GreenMail mail;

    @BeforeEach
    void start() {
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        db = PostgresFixture.shared().newDatabase("serve");
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        env = new HashMap<>();
        env.put("STRIPE_SECRET_KEY", emulator.apiKey());
        env.put("STRIPE_API_BASE", emulator.baseUrl());
        env.put("STRIPE_WEBHOOK_SECRET", SECRET);
        env.put("CLERK_ISSUER", ISSUER);
        env.put("CLERK_JWT_KEY", KEY.publicKeyPem());
        env.put("DATABASE_URL", db.postgresUrl());
        env.put("BILLING_ALLOWED_ORIGINS", "https://app.example.com");
        env.put("BILLING_SUCCESS_URL", "https://app.example.com/billing/done");
        env.put("BILLING_CANCEL_URL", "https://app.example.com/billing");
        env.put("BILLING_ADMIN_TOKEN", ADMIN);
        env.put("BILLING_HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(freePort()));
        env.put("BILLING_SMTP_HOST", "127.0.0.1");
        env.put("BILLING_SMTP_PORT", Integer.toString(mail.getSmtp().getPort()));
        env.put("BILLING_SMTP_STARTTLS", "false");
        env.put("BILLING_SMTP_FROM", "Billing <billing@example.com>");
        // Clerk's membership events too, so the erasure test stores what Clerk sends about a member.
        env.put("BILLING_MEMBERSHIP_SYNC", "true");
        env.put("CLERK_WEBHOOK_SECRET", SvixSignature.SECRET);
        server = ServeMode.start(ServerConfig.fromEnv(env), "test");
        http = Http.local(server.port());
        emulator.registerWebhookEndpoint("http://127.0.0.1:" + server.port() + "/webhooks/stripe", SECRET);
    }

    @AfterEach
    void stop() {
        server.close();
        emulator.close();
        db.close();
        mail.stop();
    }

    /** A port for a child `serve`, which binds it seconds later: below the range bind(0) and connections use. */
    static int freePort() {
        return dev.billing.embeddedpostgres.FreePorts.belowEphemeralRange();
    }

    @Test
    void serveWiresTheRealAdaptersAndHasNoLocalRoutes() throws Exception {
        assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
        assertThat(http.post("/local/token", null, "{\"userId\":\"u\"}").status())
                .isEqualTo(404);
        assertThat(http.get("/openapi.json", null).body()).doesNotContain("/local/token");

        String token = minter.token().subject("user_serve").sign();
        assertThat(http.post("/stripe/customer", token, null).status()).isEqualTo(200);
        Http.Response checkout = http.post("/stripe/checkout", token, "{\"tier\":\"basic\",\"interval\":\"year\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        emulator.completeCheckoutSession(checkout.json().path("sessionId").asText());
        JsonNode me = LocalModeIT.await(
                http, "/me/entitlements", token, m -> m.path("tier").asText().equals("basic"));
        assertThat(me.path("status").asText()).isEqualTo("trialing");
        Http.Response prices = http.get("/stripe/prices?type=recurring", token);
        assertThat(prices.json().path("data").size()).isGreaterThanOrEqualTo(6);
        Http.Response invoices = http.get("/stripe/invoices", token);
        assertThat(invoices.status()).isEqualTo(200);
        assertThat(invoices.json().path("data").get(0).path("hostedInvoiceUrl").asText())
                .startsWith("http");
        // The store's own pool reports HikariCP's meters, tagged with its name.
        assertThat(http.get("/metrics", ADMIN).body())
                .contains("hikaricp_connections_active{pool=\"billing-postgres\"}")
                .contains("hikaricp_connections_pending{pool=\"billing-postgres\"}")
                .contains("hikaricp_connections_timeout_total{pool=\"billing-postgres\"}")
                .contains("hikaricp_connections_acquire_seconds_count{pool=\"billing-postgres\"}");
    }

    @Test
    void serveCanRunOnStripesTestClockWithTokensStillOnTheMachines() throws Exception {
        Map<String, String> other = new HashMap<>(env);
        other.put("PORT", Integer.toString(freePort()));
        try (BillingServer onStripeTime = ServeMode.start(ServerConfig.fromEnv(other), "test", emulator.clock())) {
            Http stripeTime = Http.local(onStripeTime.port());
            emulator.advanceClock(java.time.Duration.ofDays(40));
            long created = emulator.now().getEpochSecond();
            byte[] body = ("{\"id\":\"evt_test_clock_1\",\"object\":\"event\",\"api_version\":\"2026-07-29.dahlia\","
                            + "\"created\":" + created + ",\"livemode\":false,\"type\":\"customer.updated\","
                            + "\"data\":{\"object\":{\"id\":\"cus_test_clock\",\"object\":\"customer\","
                            + "\"metadata\":{}}}}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String signature = StripeSignature.header(SECRET, emulator.now(), body);

            assertThat(delivered(stripeTime, body, signature).status())
                    .as("signed on Stripe's clock, 40 days ahead of the machine's")
                    .isEqualTo(200);
            Http.Response machineTime = delivered(http, body, signature);
            assertThat(machineTime.status())
                    .as("the server on the machine's time finds the signature 40 days old")
                    .isEqualTo(400);
            String token = minter.token()
                    .subject("user_test_clock")
                    .expiresIn(java.time.Duration.ofMinutes(5))
                    .sign();
            assertThat(stripeTime.post("/stripe/customer", token, null).status())
                    .as("session tokens are checked on the machine's time")
                    .isEqualTo(200);
        }
    }

    private static Http.Response delivered(Http to, byte[] body, String signature) {
        return to.send(to.request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", signature)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    @Test
    void reconcileFromTheCommandLineBringsStripesStateIn() throws Exception {
        emulator.webhooks().pause(); // no webhook reaches the server: only reconcile can tell it
        String token = minter.token().subject("user_recon").sign();
        Http.Response checkout = http.post("/stripe/checkout", token, "{\"tier\":\"pro\",\"interval\":\"year\"}");
        String sub = emulator.completeCheckoutSession(
                        checkout.json().path("sessionId").asText())
                .subscriptionId();
        assertThat(http.get("/stripe/subscriptions", token).json().path("data")).isEmpty();

        CliConfigTest.Run one = CliConfigTest.run(env, "reconcile", "--user", "user_recon");
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out()).contains("customers 1, subscriptions 1 seen / 1 applied");
        CliConfigTest.Run all = CliConfigTest.run(env, "reconcile", "--all");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).contains("failed customers 0");
        CliConfigTest.Run nobody = CliConfigTest.run(env, "reconcile", "--user", "user_nobody");
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).contains("customer");
        // the projection is shared through Postgres: this server sees it
        JsonNode subs = http.get("/stripe/subscriptions", token).json().path("data");
        assertThat(subs).hasSize(1);
        assertThat(subs.get(0).path("id").asText()).isEqualTo(sub);
    }

    @Test
    void aGuestBuysThroughStripeAndTheVerifiedUserClaimsIt() throws Exception {
        server.close();
        env.put("BILLING_PLANS_FILE", writeGuestPlans().toString());
        server = ServeMode.start(ServerConfig.fromEnv(env), "test");
        http = Http.local(server.port());
        emulator.registerWebhookEndpoint("http://127.0.0.1:" + server.port() + "/webhooks/stripe", SECRET);

        Http.Response checkout = http.post(
                "/guest/checkout", null, "{\"priceId\":\"price_credits_100\",\"email\":\"Visitor@Example.com\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        emulator.completeCheckoutSession(checkout.json().path("sessionId").asText());
        String user = minter.token()
                .subject("user_visitor")
                .claim("email", "visitor@example.com")
                .claim("email_verified", true)
                .sign();

        Await.until(
                "the guest purchase is kept",
                () -> http.post("/me/guest-purchases/claim", user, null)
                                .json()
                                .path("data")
                                .size()
                        == 1);

        assertThat(http.get("/me/entitlements", user)
                        .json()
                        .path("ownedItems")
                        .get(0)
                        .asText())
                .isEqualTo("credits_100");
        String unverified = minter.token()
                .subject("user_other")
                .claim("email", "visitor@example.com")
                .sign();
        assertThat(http.post("/me/guest-purchases/claim", unverified, null).status())
                .isEqualTo(403);
    }

    @Test
    void thePoolsAreSizedFromTheEnvironment() throws Exception {
        server.close();
        java.util.Set<Thread> before = webhookThreads();
        env.put("BILLING_DB_POOL_SIZE", "3");
        env.put("BILLING_HTTP_THREADS", "20");
        env.put("BILLING_WEBHOOK_THREADS", "2");
        server = ServeMode.start(ServerConfig.fromEnv(env), "test");
        http = Http.local(server.port());
        emulator.registerWebhookEndpoint("http://127.0.0.1:" + server.port() + "/webhooks/stripe", SECRET);

        assertThat(http.get("/metrics", ADMIN).body())
                .contains("hikaricp_connections_max{pool=\"billing-postgres\"} 3.0")
                .contains("jetty_threads_config_max 20.0");
        // Three users pay at once: each payment's events (session, subscription, invoice) are processed on the
        // webhook threads after their answer, and a pool of 16 would start a thread for each of the first 16.
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String token = minter.token().subject("user_pools_" + i).sign();
            Http.Response checkout =
                    http.post("/stripe/checkout", token, "{\"tier\":\"basic\",\"interval\":\"month\"}");
            assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
            emulator.completeCheckoutSession(checkout.json().path("sessionId").asText());
            tokens.add(token);
        }
        for (String token : tokens) {
            LocalModeIT.await(
                    http,
                    "/me/entitlements",
                    token,
                    m -> m.path("tier").asText().equals("basic"));
        }
        java.util.Set<Thread> started = webhookThreads();
        started.removeAll(before);
        assertThat(started).as("webhook threads this server started").hasSizeBetween(1, 2);
    }

    /** The live threads named as the core names its webhook threads. */
    private static java.util.Set<Thread> webhookThreads() {
        java.util.Set<Thread> threads = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("billing-webhook-")) {
                threads.add(t);
            }
        }
        return threads;
    }

    /** The sample catalog with its credits item open to guests. */
    private java.nio.file.Path writeGuestPlans() throws Exception {
        String sample = new String(
                ServeModeIT.class
                        .getResourceAsStream("/dev/billing/plans/sample-plans.yaml")
                        .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("plans", ".yaml");
        String open = sample.replace(
                "priceId: \"${STRIPE_PRICE_CREDITS_100:-price_credits_100}\"}",
                "priceId: \"${STRIPE_PRICE_CREDITS_100:-price_credits_100}\", guests: true}");
        assertThat(open).as("the sample catalog's credits item").isNotEqualTo(sample);
        java.nio.file.Files.writeString(file, open);
        return file;
    }

    @Test
    void exportEraseExportOnPostgres() throws Exception {
        ErasureFlow.run(http, emulator, minter, ADMIN, SECRET, db.dataSource(), "billing", "projection_changes");

        CliConfigTest.Run unconfirmed = CliConfigTest.run(env, "erase", "--user", "user_erase");
        assertThat(unconfirmed.exit()).isEqualTo(2);
        CliConfigTest.Run again = CliConfigTest.run(env, "erase", "--user", "user_erase", "--yes");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("already erased").contains("events 0");
    }

    @Test
    void exportFromTheCommandLineIsTheDocumentTheApiGives() throws Exception {
        String token = minter.token()
                .subject("user_export")
                .claim("email", "export@example.com")
                .sign();
        Http.Response checkout = http.post("/stripe/checkout", token, "{\"tier\":\"basic\",\"interval\":\"month\"}");
        String sub = emulator.completeCheckoutSession(
                        checkout.json().path("sessionId").asText())
                .subscriptionId();
        Await.until(
                "the subscription is projected",
                () -> http.get("/stripe/subscriptions", token)
                                .json()
                                .path("data")
                                .size()
                        == 1);

        JsonNode api = http.get("/me/export", token).json();
        CliConfigTest.Run cli = CliConfigTest.run(env, "export", "--user", "user_export");

        assertThat(cli.exit()).as(cli.err()).isZero();
        JsonNode printed = new ObjectMapper().readTree(cli.out());
        assertThat(printed.path("customer").path("email").asText()).isEqualTo("export@example.com");
        assertThat(printed.path("subscriptions").get(0).path("id").asText()).isEqualTo(sub);
        assertThat(printed.path("subscriptions")).isEqualTo(api.path("subscriptions"));
        // The events may still be processed meanwhile: the same events, whatever their status.
        assertThat(printed.path("events")).isNotEmpty();
        assertThat(printed.path("events").findValuesAsText("id"))
                .containsAll(api.path("events").findValuesAsText("id").stream()
                        .filter(id -> id.startsWith("evt_"))
                        .toList());
    }

    @Test
    void noticesAreMailedWhenSmtpIsConfigured() throws Exception {
        String token = minter.token()
                .subject("user_mail")
                .claim("email", "ada@example.com")
                .sign();
        Http.Response checkout = http.post("/stripe/checkout", token, "{\"priceId\":\"price_credits_100\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        emulator.completeCheckoutSession(checkout.json().path("sessionId").asText());
        assertThat(mail.waitForIncomingEmail(15_000, 1)).isTrue();
        MimeMessage receipt = mail.getReceivedMessages()[0];
        assertThat(receipt.getAllRecipients()[0].toString()).isEqualTo("ada@example.com");
        assertThat(receipt.getFrom()[0].toString()).contains("billing@example.com");
        JsonNode purchases = LocalModeIT.await(
                http, "/stripe/purchases", token, p -> p.path("data").size() == 1);
        assertThat(purchases.path("data").get(0).path("item").asText()).isEqualTo("credits_100");
    }

    /**
     * The new notices end to end: Stripe's (the emulator's) signed webhooks, real Postgres, real SMTP. A subscription
     * started, moved to another plan and canceled at period end: one mail each, and the notice log lists them.
     */
    @Test
    void subscriptionNoticesAreMailedOnceEachAndLogged() throws Exception {
        String token = minter.token()
                .subject("user_notices")
                .claim("email", "grace@example.com")
                .sign();
        Http.Response checkout = http.post("/stripe/checkout", token, "{\"tier\":\"basic\",\"interval\":\"month\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        String sub = emulator.completeCheckoutSession(
                        checkout.json().path("sessionId").asText())
                .subscriptionId();
        LocalModeIT.await(
                http,
                "/admin/notices?userId=user_notices",
                ADMIN,
                n -> n.path("data").size() == 1);

        Http.Response update = http.post(
                "/stripe/subscriptions/" + sub + "/update", token, "{\"tier\":\"pro\",\"interval\":\"month\"}");
        assertThat(update.status()).as(update.body()).isEqualTo(200);
        LocalModeIT.await(
                http,
                "/admin/notices?userId=user_notices",
                ADMIN,
                n -> n.path("data").size() == 2);
        Http.Response cancel = http.post("/stripe/subscriptions/" + sub + "/cancel", token, "{}");
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);

        JsonNode log = LocalModeIT.await(
                http,
                "/admin/notices?userId=user_notices",
                ADMIN,
                n -> n.path("data").size() == 3);
        assertThat(log.path("data").findValuesAsText("kind"))
                .containsExactly("subscription-canceled", "plan-changed", "subscription-started");
        assertThat(log.path("data").findValuesAsText("status")).containsOnly("sent");
        assertThat(mail.waitForIncomingEmail(15_000, 3)).isTrue();
        List<String> mailed = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (m.getAllRecipients()[0].toString().equals("grace@example.com")) {
                mailed.add(m.getHeader("X-Billing-Notice")[0] + " " + m.getMessageID());
            }
        }
        assertThat(mailed)
                .containsExactlyInAnyOrder(log.path("data").findValuesAsText("kind").stream()
                        .map(k -> k + " " + messageIdOf(log, k))
                        .toArray(String[]::new));
        assertThat(mailed.stream().filter(m -> m.startsWith("plan-changed"))).singleElement();
    }

    @Test
    void aPlanChangeInvoicedAtOnceIsMailedSayingWhatWasCharged() throws Exception {
        String token = minter.token()
                .subject("user_charged")
                .claim("email", "ada@example.com")
                .sign();
        Http.Response checkout =
                http.post("/stripe/checkout", token, "{\"tier\":\"enterprise\",\"interval\":\"month\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        String sub = emulator.completeCheckoutSession(
                        checkout.json().path("sessionId").asText())
                .subscriptionId();
        LocalModeIT.await(
                http,
                "/admin/notices?userId=user_charged&kind=subscription-started",
                ADMIN,
                n -> n.path("data").size() == 1);

        // always_invoice: Stripe invoices the difference (a year of pro less the unused enterprise month) at once
        Http.Response update = http.post(
                "/stripe/subscriptions/" + sub + "/update",
                token,
                "{\"tier\":\"pro\",\"interval\":\"year\",\"prorationBehavior\":\"always_invoice\"}");
        assertThat(update.status()).as(update.body()).isEqualTo(200);
        JsonNode log = LocalModeIT.await(
                http,
                "/admin/notices?userId=user_charged&kind=plan-changed",
                ADMIN,
                n -> n.path("data").size() == 1);
        assertThat(log.path("data").get(0).path("status").asText()).isEqualTo("sent");

        ObjectMapper json = new ObjectMapper();
        JsonNode invoice = json.readTree(emulator.objectJson(
                json.readTree(emulator.objectJson(sub)).path("latest_invoice").asText()));
        long paid = invoice.path("amount_paid").asLong();
        assertThat(paid).isPositive();
        String amount = String.format(java.util.Locale.ROOT, "$%,.2f", paid / 100.0);
        MimeMessage planChanged = null;
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (planChanged == null && System.nanoTime() < deadline) {
            for (MimeMessage m : mail.getReceivedMessages()) {
                if (m.getAllRecipients()[0].toString().equals("ada@example.com")
                        && "plan-changed".equals(m.getHeader("X-Billing-Notice")[0])) {
                    planChanged = m;
                }
            }
            Thread.sleep(50);
        }
        assertThat(planChanged).as("the plan-changed mail").isNotNull();
        String text = String.valueOf(
                planChanged.getContent() instanceof jakarta.mail.Multipart multi
                        ? multi.getBodyPart(0).getContent()
                        : planChanged.getContent());
        assertThat(text)
                .contains("from enterprise to pro", "The difference in price, " + amount + ", was charged at once")
                .doesNotContain("next invoice");
    }

    private static String messageIdOf(JsonNode log, String kind) {
        for (JsonNode n : log.path("data")) {
            if (n.path("kind").asText().equals(kind)) {
                return n.path("messageId").asText();
            }
        }
        throw new AssertionError(kind);
    }

    @Test
    void fiftyConcurrentUsageRequestsAgainstFiveRemainingOnPostgres() throws Exception {
        String token = minter.token().subject("user_quota").sign();
        Http.Response warm = http.post(
                "/usage", token, "{\"meter\":\"api_calls\",\"amount\":95}", Map.of("Idempotency-Key", "warm"));
        assertThat(warm.status()).as(warm.body()).isEqualTo(200);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Response>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String key = "k" + i;
            answers.add(pool.submit(() -> {
                go.await();
                return http.post(
                        "/usage", token, "{\"meter\":\"api_calls\",\"amount\":1}", Map.of("Idempotency-Key", key));
            }));
        }
        go.countDown();
        int ok = 0;
        int quota = 0;
        for (Future<Http.Response> f : answers) {
            Http.Response r = f.get();
            if (r.status() == 200) {
                ok++;
            } else if (r.status() == 429 && "quota_exceeded".equals(r.errorCode())) {
                quota++;
            }
        }
        pool.shutdown();
        assertThat(ok).isEqualTo(5);
        assertThat(quota).isEqualTo(45);
        Http.Response replay = http.post(
                "/usage", token, "{\"meter\":\"api_calls\",\"amount\":95}", Map.of("Idempotency-Key", "warm"));
        assertThat(replay.json().path("replayed").asBoolean()).isTrue();
        assertThat(replay.json().path("used").asLong()).isEqualTo(95);
        assertThat(http.post(
                                "/usage",
                                token,
                                "{\"meter\":\"api_calls\",\"amount\":2}",
                                Map.of("Idempotency-Key", "warm"))
                        .status())
                .isEqualTo(422);
    }
}

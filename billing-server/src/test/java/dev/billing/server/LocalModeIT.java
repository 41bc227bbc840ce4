package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.emulator.CheckoutCompletion;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.webhook.SvixSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode end to end, in-process on free ports with a temporary data directory: embedded Postgres, the Stripe
 * emulator driven through stripe-java, real signed webhooks verified by the real verifier, the local token issuer
 * (with the email and organization claims a customized Clerk session token carries), Clerk's membership webhooks
 * signed with the secret the banner prints, the renewal reminder the emulator's {@code invoice.upcoming} means, and
 * the banner's curl commands run as printed.
 */
class LocalModeIT {
    @TempDir
    Path dir;

    static LocalMode start(Path dir) {
        return LocalFixture.startLocal(new LocalMode.Options(dir, 0, 0, Map.of()));
    }

    static String token(Http http, String user) {
        return tokenFor(http, "{\"userId\":\"" + user + "\"}");
    }

    /** A token for the {@code /local/token} body {@code json}. */
    static String tokenFor(Http http, String json) {
        Http.Response r = http.post("/local/token", null, json);
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
            assertThat(local.banner())
                    .contains("/local/token")
                    .contains("/stripe/checkout")
                    .contains("/_emulator/checkout/sessions/$SESSION/complete")
                    .contains("/me/entitlements")
                    .contains("log in " + dir.resolve("pg.log"));
            assertThat(dir.resolve("pg.log")).content().contains("database system is ready to accept connections");
            firstToken = token(http, "user_local");

            Http.Response created = http.post("/stripe/customer", firstToken, null);
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            // `created` may be false: the emulator's customer.created webhook can link the customer first
            customer = created.json().path("customerId").asText();
            assertThat(customer).startsWith("cus_");

            Http.Response checkout =
                    http.post("/stripe/checkout", firstToken, "{\"tier\":\"pro\",\"interval\":\"month\"}");
            assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
            String session = checkout.json().path("sessionId").asText();
            assertThat(checkout.json().path("url").asText())
                    .startsWith(local.emulator().baseUrl() + "/checkout/");

            CheckoutCompletion done = local.emulator().completeCheckoutSession(session);
            subscription = done.subscriptionId();
            JsonNode me = await(
                    http,
                    "/me/entitlements",
                    firstToken,
                    m -> m.path("tier").asText().equals("pro"));
            assertThat(me.path("status").asText()).isEqualTo("trialing");
            assertThat(me.path("subscriptionId").asText()).isEqualTo(subscription);
            assertThat(me.path("trialEnd").asText()).isNotBlank();
            assertThat(me.path("features").toString()).contains("sso");

            JsonNode subs = http.get("/stripe/subscriptions", firstToken).json().path("data");
            assertThat(subs).hasSize(1);
            assertThat(subs.get(0).path("tier").asText()).isEqualTo("pro");

            Http.Response again =
                    http.post("/stripe/checkout", firstToken, "{\"tier\":\"basic\",\"interval\":\"year\"}");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.errorCode()).isEqualTo("already_subscribed");

            assertThat(local.emulator().awaitDeliveries(Duration.ofSeconds(10))).isTrue();
            JsonNode events = await(
                    http,
                    "/admin/webhook-events",
                    local.adminToken(),
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
            Http.Response cancel = http.post(
                    "/stripe/subscriptions/" + subscription + "/cancel", firstToken, "{\"atPeriodEnd\":false}");
            assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
            assertThat(cancel.json().path("status").asText()).isEqualTo("canceled");
            await(
                    http,
                    "/me/entitlements",
                    firstToken,
                    m -> m.path("tier").asText().equals("free"));
            // the webhook endpoint of the first run was replaced, not added to
            assertThat(restarted.emulator().removeWebhookEndpoints()).isEqualTo(1);
        }
    }

    @Test
    void withoutItsStateFileTheEmulatorGetsTheLinkedCustomersBack() throws Exception {
        String customer;
        try (LocalMode local = start(dir)) {
            Http http = Http.local(local.port());
            customer = http.post("/stripe/customer", token(http, "user_lost"), null)
                    .json()
                    .path("customerId")
                    .asText();
        }
        Files.delete(dir.resolve(LocalMode.STRIPE_STATE_FILE));
        try (LocalMode restarted = start(dir)) {
            Http http = Http.local(restarted.port());
            assertThat(restarted.stripeStateRestored()).isFalse();
            assertThat(restarted.startupReconcile()).isNull();
            assertThat(restarted.restoredCustomers()).isEqualTo(1);
            assertThat(restarted.emulator().objectJson(customer)).contains("user_lost");
            assertThat(http.post("/stripe/portal", token(http, "user_lost"), null)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void localTokenRouteIsLocalOnlyAndTheOpenApiDocumentSaysSo() {
        try (LocalMode local = start(dir)) {
            Http http = Http.local(local.port());
            assertThat(http.get("/openapi.json", null).body()).contains("/local/token");
            assertThat(http.post("/local/token", null, "{\"userId\":\"a b\"}").errorCode())
                    .isEqualTo("invalid_user_id");
            assertThat(http.post("/local/token", null, "{\"userId\":\"u\",\"admin\":true}")
                            .errorCode())
                    .isEqualTo("unknown_field");
            assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
            assertThat(local.startupTime()).isPositive();
        }
    }

    @Test
    void localTokensCarryTheEmailAndOrganizationClaimsGuestClaimsAndOrgFlowsNeed() throws Exception {
        try (LocalFixture f = LocalFixture.start(
                dir, Map.of("BILLING_PLANS_FILE", guestPlans(dir).toString()))) {
            Http http = f.http;
            // a guest buys; the user who signs in with that verified address claims the purchase
            Http.Response guest = http.post(
                    "/guest/checkout", null, "{\"priceId\":\"price_credits_100\",\"email\":\"visitor@example.com\"}");
            assertThat(guest.status()).as(guest.body()).isEqualTo(200);
            f.emulator.completeCheckoutSession(guest.json().path("sessionId").asText());
            f.awaitIdle();
            String verified = tokenFor(
                    http,
                    "{\"userId\":\"user_visitor\",\"email\":\"visitor@example.com\"," + "\"emailVerified\":true}");
            Http.Response claimed = http.post("/me/guest-purchases/claim", verified, null);
            assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
            assertThat(claimed.json().path("data")).hasSize(1);
            String unverified = tokenFor(http, "{\"userId\":\"user_other\",\"email\":\"visitor@example.com\"}");
            Http.Response refused = http.post("/me/guest-purchases/claim", unverified, null);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.errorCode()).isEqualTo("email_not_verified");
            // the address is the user's Stripe customer's (and where notices go)
            String customer = f.customer(verified);
            assertThat(f.stripeObject(customer).path("email").asText()).isEqualTo("visitor@example.com");

            // organization claims as Clerk's v1 tokens carry them: an admin manages, a member reads
            String admin = tokenFor(
                    http, "{\"userId\":\"user_admin\",\"orgId\":\"org_local1\"," + "\"orgRole\":\"org:admin\"}");
            Http.Response orgCustomer = http.post("/orgs/org_local1/stripe/customer", admin, null);
            assertThat(orgCustomer.status()).as(orgCustomer.body()).isEqualTo(200);
            String member = tokenFor(http, "{\"userId\":\"user_member\",\"orgId\":\"org_local1\"}");
            assertThat(http.post("/orgs/org_local1/stripe/portal", member, null).errorCode())
                    .isEqualTo("org_billing_forbidden");
            assertThat(http.get("/orgs/org_local1/entitlements", member).status())
                    .isEqualTo(200);
            String permitted = tokenFor(
                    http,
                    "{\"userId\":\"user_billing\",\"orgId\":\"org_local1\","
                            + "\"orgPermissions\":[\"org:billing:manage\"]}");
            Http.Response portal = http.post("/orgs/org_local1/stripe/portal", permitted, null);
            assertThat(portal.status()).as(portal.body()).isEqualTo(200);
            assertThat(http.get("/orgs/org_other/entitlements", member).errorCode())
                    .isEqualTo("organization_not_found");
        }
    }

    @Test
    void badLocalTokenRequestsAre400sWithTheirCode() {
        try (LocalMode local = start(dir)) {
            Http http = Http.local(local.port());
            Map<String, String> cases = new java.util.LinkedHashMap<>();
            cases.put("{\"userId\":\"u\",\"email\":\"not-an-address\"}", "invalid_email");
            cases.put("{\"userId\":\"u\",\"email\":\"a b@example.com\"}", "invalid_email");
            cases.put("{\"userId\":\"u\",\"email\":\"a@b@example.com\"}", "invalid_email");
            cases.put("{\"userId\":\"u\",\"emailVerified\":true}", "missing_field");
            cases.put(
                    "{\"userId\":\"u\",\"email\":\"a@example.com\",\"emailVerified\":\"yes\"}",
                    "invalid_email_verified");
            cases.put("{\"userId\":\"u\",\"orgId\":\"acme\"}", "invalid_org_id");
            cases.put("{\"userId\":\"u\",\"orgId\":\"org_1\",\"orgRole\":\"admin\"}", "invalid_org_role");
            cases.put(
                    "{\"userId\":\"u\",\"orgId\":\"org_1\",\"orgPermissions\":[\"billing\"]}",
                    "invalid_org_permissions");
            cases.put("{\"userId\":\"u\",\"orgRole\":\"org:admin\"}", "missing_field");
            cases.forEach((body, code) -> {
                Http.Response r = http.post("/local/token", null, body);
                assertThat(r.status()).as(body).isEqualTo(400);
                assertThat(r.errorCode()).as(body).isEqualTo(code);
                assertThat(r.json().path("error").path("message").asText())
                        .as(body)
                        .isNotBlank();
            });
        }
    }

    @Test
    void clerkWebhooksAreServedAndVerifiedWithTheSecretTheBannerPrints() throws Exception {
        try (LocalFixture f = LocalFixture.start(dir, Map.of())) {
            String secret = f.local.clerkWebhookSecret();
            assertThat(secret).startsWith("whsec_");
            assertThat(f.local.banner()).contains(f.local.baseUrl() + "/webhooks/clerk", secret);
            assertThat(f.http.get("/openapi.json", null).body()).contains("/webhooks/clerk");
            String body =
                    SvixSignature.membershipEvent("created", "org_local2", "user_joined", "org:member", Instant.now());

            Http.Response forged = deliverClerk(f.http, SvixSignature.SECRET, "msg_forged", body);
            assertThat(forged.status()).isEqualTo(400);
            assertThat(forged.errorCode()).isEqualTo("invalid_webhook");
            Http.Response signed = deliverClerk(f.http, secret, "msg_local_1", body);

            assertThat(signed.status()).as(signed.body()).isEqualTo(200);
            assertThat(f.stores().memberships().countActive("org_local2")).isEqualTo(1);
            assertThat(deliverClerk(f.http, secret, "msg_local_1", body)
                            .json()
                            .path("duplicate")
                            .asBoolean())
                    .isTrue();
        }
    }

    @Test
    void theSecretOfClerkWebhooksCanBeTheDevelopersOwn() {
        try (LocalFixture f = LocalFixture.start(dir, Map.of("CLERK_WEBHOOK_SECRET", SvixSignature.SECRET))) {
            assertThat(f.local.clerkWebhookSecret()).isEqualTo(SvixSignature.SECRET);
            String body =
                    SvixSignature.membershipEvent("created", "org_local3", "user_joined", "org:member", Instant.now());
            assertThat(deliverClerk(f.http, SvixSignature.SECRET, "msg_own_1", body)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void theRenewalReminderReachesTheNoticeLogWhenTheClockPassesItsDay() throws Exception {
        try (LocalFixture f = LocalFixture.start(dir, Map.of())) {
            String token = tokenFor(
                    f.http,
                    "{\"userId\":\"user_renews\",\"email\":\"renews@example.com\"," + "\"emailVerified\":true}");
            String subscription = f.subscribe(token, "enterprise", "month"); // no trial: a paid renewal
            f.awaitIdle();
            Instant renews = Instant.ofEpochSecond(f.stripeObject(subscription)
                    .path("items")
                    .path("data")
                    .get(0)
                    .path("current_period_end")
                    .asLong());

            f.emulator.advanceClockTo(renews.minus(Duration.ofDays(7)).minusSeconds(60));
            f.awaitIdle();
            assertThat(notices(f, "renewal-reminder").path("data")).isEmpty();
            f.emulator.advanceClockTo(renews.minus(Duration.ofDays(7)));
            f.awaitIdle();

            JsonNode reminders = f.await(
                    "/admin/notices?userId=user_renews&kind=renewal-reminder",
                    f.local.adminToken(),
                    n -> n.path("data").size() == 1);
            // SMTP is off in local mode: the notice is logged, and the log says so
            assertThat(reminders.path("data").get(0).path("status").asText()).isEqualTo("skipped");
            f.emulator.advanceClockTo(renews.plus(Duration.ofDays(1)));
            f.awaitIdle();
            assertThat(notices(f, "renewal-reminder").path("data"))
                    .as("one per renewal")
                    .hasSize(1);
        }
    }

    @Test
    void theCurlCommandsOfTheBannerWork() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/curl")) || Files.isExecutable(Path.of("/bin/curl")),
                "curl is needed to run the banner's commands");
        try (LocalFixture f = LocalFixture.start(dir, Map.of())) {
            List<String> commands = f.local
                    .banner()
                    .lines()
                    .dropWhile(l -> !l.startsWith("Try the whole flow"))
                    .skip(1)
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .toList();
            StringBuilder script = new StringBuilder("set -u\n");
            int step = 0;
            for (String line : commands) {
                script.append(line.startsWith("#") ? "echo '### " + (++step) + "'" : line)
                        .append("\necho\n");
            }
            Process bash = new ProcessBuilder("bash", "-c", script.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(bash.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(bash.waitFor()).as(output).isZero();

            assertThat(output)
                    .contains(
                            "\"customerId\":\"cus_",
                            "\"status\" : \"complete\"",
                            "\"meter\":\"api_calls\",\"used\":1",
                            "\"counts\"");
            assertThat(output).as("no command answered an error").doesNotContain("\"error\":{");
            f.awaitIdle();
            JsonNode notices = notices(f, null);
            assertThat(notices.path("data").findValuesAsText("userId")).contains("user_1");
            assertThat(f.stripeObject(f.stores()
                                    .customers()
                                    .findByUserId(dev.billing.core.model.UserId.of("user_1"))
                                    .orElseThrow()
                                    .customerId()
                                    .value())
                            .path("email")
                            .asText())
                    .isEqualTo("user_1@example.com");
        }
    }

    static JsonNode notices(LocalFixture f, String kind) {
        Http.Response r = f.http.get("/admin/notices" + (kind == null ? "" : "?kind=" + kind), f.local.adminToken());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** {@code body} to {@code /webhooks/clerk}, signed now as Svix signs Clerk's deliveries under {@code secret}. */
    static Http.Response deliverClerk(Http http, String secret, String svixId, String body) {
        Instant now = Instant.now();
        return http.post(
                "/webhooks/clerk",
                null,
                body,
                Map.of(
                        "svix-id",
                        svixId,
                        "svix-timestamp",
                        Long.toString(now.getEpochSecond()),
                        "svix-signature",
                        SvixSignature.sign(
                                secret, svixId, now, body.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    /** The sample catalog with its credits item open to guests. */
    static Path guestPlans(Path dir) throws java.io.IOException {
        String sample = new String(
                LocalModeIT.class
                        .getResourceAsStream("/dev/billing/plans/sample-plans.yaml")
                        .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        String open = sample.replace(
                "priceId: \"${STRIPE_PRICE_CREDITS_100:-price_credits_100}\"}",
                "priceId: \"${STRIPE_PRICE_CREDITS_100:-price_credits_100}\", guests: true}");
        assertThat(open).as("the sample catalog's credits item").isNotEqualTo(sample);
        Path file = dir.resolve("guest-plans.yaml");
        Files.writeString(file, open);
        return file;
    }
}

package dev.billing.admin;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.config.DuplicateSubscriptions;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's sign-in and CSRF defences over real HTTP (Javalin on a free port, the core on the testkit's
 * fakes): what a browser would send, and what an attacker's page could make it send.
 */
class AdminDashboardIT {
    private static final String TOKEN = "admin-token-for-tests-0123456789";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private BillingHarness harness;
    private Javalin app;
    private HttpClient client;
    private String base;

    @BeforeEach
    void start() {
        harness = BillingHarness.create();
        serve(false);
    }

    /** The dashboard on a free port, behind a trusted proxy or not. */
    private void serve(boolean trustForwardedFor) {
        AdminDashboard dashboard = AdminDashboard.builder()
                .billing(harness.billing())
                .adminToken(TOKEN)
                .clock(harness.clock())
                .trustForwardedFor(trustForwardedFor)
                .build();
        app = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    config.jetty.host = "127.0.0.1";
                    config.jetty.port = 0;
                    dashboard.register(config);
                })
                .start();
        base = "http://127.0.0.1:" + app.port();
        client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    @DisplayName("a page without a session sends the browser to sign in, keeping where it was going")
    void pagesNeedASession() throws Exception {
        HttpResponse<String> r = get("/admin/events?status=failed", null);
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location"))
                .hasValue("/admin/sign-in?next="
                        + URLEncoder.encode("/admin/events?status=failed", StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("the admin token opens an HttpOnly, SameSite=Strict session cookie scoped to /admin")
    void signInSetsAStrictHttpOnlyCookie() throws Exception {
        HttpResponse<String> r = signIn(TOKEN, "/admin/events");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/admin/events");
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith(AdminDashboard.COOKIE + "=")
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict")
                .contains("Path=/admin");
        assertThat(setCookie).doesNotContain(TOKEN);
        assertThat(get("/admin", cookieOf(r)).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a wrong admin token is refused with 401 and no cookie")
    void wrongTokenIsRefused() throws Exception {
        HttpResponse<String> r = signIn("not-the-token", "/admin");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(r.body()).contains("That is not the admin token.").doesNotContain("not-the-token");
    }

    @Test
    @DisplayName("repeated wrong tokens from one address are slowed to 429")
    void guessingIsLimited() throws Exception {
        for (int i = 0; i < SignInLimiter.MAX_FAILURES; i++) {
            assertThat(signIn("guess-" + i, "/admin").statusCode()).isEqualTo(401);
        }
        assertThat(signIn(TOKEN, "/admin").statusCode()).isEqualTo(429);
        harness.clock().advance(Duration.ofMinutes(1));
        assertThat(signIn(TOKEN, "/admin").statusCode()).isEqualTo(303);
    }

    @Test
    @DisplayName("a form without the CSRF token is refused with 403 and changes nothing")
    void missingCsrfIsRefused() throws Exception {
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        HttpResponse<String> r = post("/admin/sign-out", cookie, Map.of(), Map.of());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("CSRF");
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> wrong = post("/admin/sign-out", cookie, Map.of("_csrf", "AAAA"), Map.of());
        assertThat(wrong.statusCode()).isEqualTo(403);
    }

    @Test
    @DisplayName("a cross-site form is refused even with a valid cookie and CSRF token")
    void crossSitePostIsRefused() throws Exception {
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        String csrf = csrfOf(get("/admin", cookie).body());
        HttpResponse<String> fromOrigin =
                post("/admin/sign-out", cookie, Map.of("_csrf", csrf), Map.of("Origin", "https://evil.example"));
        assertThat(fromOrigin.statusCode()).isEqualTo(403);
        HttpResponse<String> fromSite =
                post("/admin/sign-out", cookie, Map.of("_csrf", csrf), Map.of("Sec-Fetch-Site", "cross-site"));
        assertThat(fromSite.statusCode()).isEqualTo(403);
        HttpResponse<String> signInFromSite =
                post("/admin/sign-in", null, Map.of("token", TOKEN), Map.of("Origin", "https://evil.example"));
        assertThat(signInFromSite.statusCode()).isEqualTo(403);
        HttpResponse<String> own = post(
                "/admin/sign-out",
                cookie,
                Map.of("_csrf", csrf),
                Map.of("Origin", base, "Sec-Fetch-Site", "same-origin"));
        assertThat(own.statusCode()).isEqualTo(303);
        assertThat(own.headers().firstValue("Set-Cookie").orElseThrow())
                .startsWith(AdminDashboard.COOKIE + "=;")
                .contains("Expires=Thu, 01 Jan 1970");
    }

    @Test
    @DisplayName("a session ends after its lifetime, and a tampered cookie is no session")
    void sessionsExpireAndCannotBeForged() throws Exception {
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        int at = cookie.indexOf('=') + 1;
        // The id is random, so its first character may already be the one put in: change it to another.
        char other = cookie.charAt(at) == 'x' ? 'y' : 'x';
        String tampered = cookie.substring(0, at) + other + cookie.substring(at + 1);
        assertThat(tampered).isNotEqualTo(cookie);
        assertThat(get("/admin", tampered).statusCode()).isEqualTo(303);
        harness.clock().advance(Duration.ofHours(8));
        assertThat(get("/admin", cookie).statusCode()).isEqualTo(303);
    }

    @Test
    @DisplayName("sign-in sends only to dashboard pages (no open redirect)")
    void noOpenRedirect() throws Exception {
        for (String next : List.of("https://evil.example/", "//evil.example/admin", "/admin//evil", "/other")) {
            HttpResponse<String> r = signIn(TOKEN, next);
            assertThat(r.headers().firstValue("Location")).as(next).hasValue("/admin");
        }
    }

    @Test
    @DisplayName("pages forbid framing and scripts, and user input is escaped")
    void pagesAreLockedDown() throws Exception {
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        HttpResponse<String> r =
                get("/admin/customers?q=" + URLEncoder.encode("<script>x</script>", StandardCharsets.UTF_8), cookie);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("<script>").contains("&lt;script&gt;");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("frame-ancestors 'none'")
                .doesNotContain("script-src");
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    @DisplayName("a customer is found by user id, Stripe customer id or email, and their page opens")
    void customerSearch() throws Exception {
        String customer = harness.billing()
                .ensureCustomer(harness.identity("user_grace"))
                .customerId()
                .value();
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        for (String q : List.of("user_grace", customer, "USER_GRACE@example.com")) {
            HttpResponse<String> r = get("/admin/customers?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), cookie);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .as(q)
                    .contains("href=\"/admin/customers/user_grace\"")
                    .contains(customer);
        }
        assertThat(get("/admin/customers?q=" + URLEncoder.encode("nobody@example.com", StandardCharsets.UTF_8), cookie)
                        .body())
                .contains("No customer matches");
        HttpResponse<String> page = get("/admin/customers/user_grace", cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(customer).contains("customer.linked");
    }

    @Test
    @DisplayName("a bad filter is a 400 page, not a stack trace")
    void badFilterIsA400Page() throws Exception {
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        HttpResponse<String> r = get("/admin/events?status=bogus", cookie);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("status must be pending, processed, ignored or failed.");
        assertThat(get("/admin/customers/nobody_here", cookie).statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("signing out revokes the session: a copy of the cookie no longer opens a page")
    void signOutRevokesTheSession() throws Exception {
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        String other = cookieOf(signIn(TOKEN, "/admin"));
        String copied = cookie;
        String csrf = csrfOf(get("/admin", cookie).body());

        HttpResponse<String> out = post(
                "/admin/sign-out",
                cookie,
                Map.of("_csrf", csrf),
                Map.of("Origin", base, "Sec-Fetch-Site", "same-origin"));

        assertThat(out.statusCode()).isEqualTo(303);
        HttpResponse<String> replayed = get("/admin", copied);
        assertThat(replayed.statusCode()).isEqualTo(303);
        assertThat(replayed.headers().firstValue("Location").orElseThrow()).startsWith("/admin/sign-in");
        assertThat(post("/admin/sign-out", copied, Map.of("_csrf", csrf), Map.of())
                        .statusCode())
                .isEqualTo(403);
        assertThat(get("/admin", other).statusCode())
                .as("another session stays signed in")
                .isEqualTo(200);
    }

    @Test
    @DisplayName("behind a trusted proxy, failed sign-ins are counted per client, not for the proxy")
    void behindATrustedProxyGuessesLockOutOnlyTheirClient() throws Exception {
        app.stop();
        serve(true);
        Map<String, String> guesser = Map.of("X-Forwarded-For", "203.0.113.7");
        for (int i = 0; i < SignInLimiter.MAX_FAILURES; i++) {
            assertThat(post("/admin/sign-in", null, Map.of("token", "guess-" + i, "next", "/admin"), guesser)
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(post("/admin/sign-in", null, Map.of("token", TOKEN, "next", "/admin"), guesser)
                        .statusCode())
                .isEqualTo(429);

        // Another client behind the same proxy (the same connection address) signs in.
        HttpResponse<String> admin = post(
                "/admin/sign-in",
                null,
                Map.of("token", TOKEN, "next", "/admin"),
                Map.of("X-Forwarded-For", "198.51.100.9, 203.0.113.7, 198.51.100.20"));
        assertThat(admin.statusCode()).isEqualTo(303);
        // The proxy appends the client it saw: a guesser cannot escape its count by naming another address first.
        assertThat(post(
                                "/admin/sign-in",
                                null,
                                Map.of("token", TOKEN, "next", "/admin"),
                                Map.of("X-Forwarded-For", "198.51.100.20, 203.0.113.7"))
                        .statusCode())
                .isEqualTo(429);
    }

    @Test
    @DisplayName("a failed Clerk membership event is replayed from the inbox page like a Stripe one")
    void clerkEventsAreReplayed() throws Exception {
        String id = "msg_2abcDEF123ghi";
        StripeEvent event = new StripeEvent(
                id,
                "clerk.organizationMembership.created",
                harness.clock().instant(),
                false,
                null,
                "orgmem_1",
                "organization_membership",
                "{\"type\":\"organizationMembership.created\"}");
        assertThat(harness.stores()
                        .inbox()
                        .restore(new InboxEntry(
                                event,
                                InboxStatus.FAILED,
                                8,
                                "store down",
                                harness.clock().instant(),
                                null,
                                null,
                                null,
                                null,
                                null)))
                .isTrue();
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        HttpResponse<String> page = get("/admin/events?status=failed", cookie);
        assertThat(page.body()).contains("action=\"/admin/events/" + id + "/replay\"");

        HttpResponse<String> replay = post(
                "/admin/events/" + id + "/replay",
                cookie,
                Map.of("_csrf", csrfOf(page.body()), "status", "failed"),
                Map.of());

        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(303);
        assertThat(replay.headers().firstValue("Location")).hasValue("/admin/events?status=failed&replayed=" + id);
        assertThat(harness.stores().inbox().find(id).orElseThrow().status()).isNotEqualTo(InboxStatus.FAILED);
        assertThat(get("/admin/events?status=failed&replayed=" + id, cookie).body())
                .contains("id=\"replayed\"")
                .contains(id);
    }

    @Test
    @DisplayName("the inbox page shows a status with more events than the list counts to as 10,000+")
    void aCappedCountShowsAsAtLeast() throws Exception {
        for (int i = 0; i < 10_001; i++) {
            harness.stores()
                    .inbox()
                    .restore(new InboxEntry(
                            anEvent().build(),
                            InboxStatus.IGNORED,
                            1,
                            null,
                            harness.clock().instant(),
                            null,
                            null,
                            null,
                            harness.clock().instant(),
                            null));
        }
        harness.stores()
                .inbox()
                .restore(new InboxEntry(
                        anEvent().build(),
                        InboxStatus.FAILED,
                        12,
                        "gave up",
                        harness.clock().instant(),
                        null,
                        null,
                        null,
                        null,
                        null));

        HttpResponse<String> page = get("/admin/events", cookieOf(signIn(TOKEN, "/admin")));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<span class=\"status-ignored\">ignored</span> <strong>10,000+</strong>")
                .contains("<span class=\"status-failed\">failed</span> <strong>1</strong>");
    }

    @Test
    @DisplayName("with no recurring revenue the MRR chart says so instead of drawing empty bars")
    void theMrrChartHasAnEmptyState() throws Exception {
        HttpResponse<String> overview = get("/admin", cookieOf(signIn(TOKEN, "/admin")));

        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body())
                .contains("id=\"mrr-chart-empty\"")
                .contains("No recurring revenue")
                .doesNotContain("<svg")
                .doesNotContain("mrr-table-");
    }

    @Test
    @DisplayName("every page names the dashboard's icon, served from the jar, so browsers never ask for /favicon.ico")
    void pagesNameTheirIcon() throws Exception {
        for (HttpResponse<String> page : List.of(
                get("/admin/sign-in", null),
                get("/admin", cookieOf(signIn(TOKEN, "/admin"))),
                signIn("wrong", "/admin"))) {
            assertThat(page.body()).contains("<link rel=\"icon\" href=\"/admin/assets/favicon.svg\"");
        }
        HttpResponse<String> icon = get("/admin/assets/favicon.svg", null);
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/svg+xml");
        assertThat(icon.body()).startsWith("<svg");
    }

    @Test
    @DisplayName("duplicate subscriptions are listed newest first, the ones still live marked for an operator")
    void duplicateSubscriptionsAreListed() throws Exception {
        // cancel (the default): user_ada's newer subscription is canceled and refunded; Stripe refuses user_bob's.
        List<Subscription> ada = twoPaidSubscriptions("user_ada");
        harness.clock().advance(Duration.ofMinutes(10));
        harness.gateway().failNext(Operation.CANCEL_SUBSCRIPTION, 1, Failure.REJECTED);
        List<Subscription> bob = twoPaidSubscriptions("user_bob");
        assertThat(harness.stores()
                        .subscriptions()
                        .findSubscription(ada.get(1).id())
                        .orElseThrow()
                        .status())
                .isEqualTo(SubscriptionStatus.CANCELED);
        assertThat(harness.stores()
                        .subscriptions()
                        .findSubscription(bob.get(1).id())
                        .orElseThrow()
                        .status())
                .isEqualTo(SubscriptionStatus.ACTIVE);

        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        HttpResponse<String> page = get("/admin/duplicates", cookie);

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body())
                .contains("<a href=\"/admin/duplicates\" aria-current=\"page\">")
                .doesNotContain("id=\"duplicates-empty\"");
        assertThat(page.body().indexOf(bob.get(1).id()))
                .as("newest first")
                .isLessThan(page.body().indexOf(ada.get(1).id()));
        String bobRow = row(page.body(), bob.get(1).id());
        assertThat(bobRow)
                .contains("class=\"needs-operator\"")
                .contains("Needs an operator")
                .contains("href=\"/admin/customers/user_bob\"")
                .contains(bob.get(0).id())
                .contains(bob.get(0).customerId().value())
                .contains("cancel: ")
                .contains("active")
                .contains("Stripe refused its refund or its cancel");
        String adaRow = row(page.body(), ada.get(1).id());
        assertThat(adaRow)
                .doesNotContain("needs-operator")
                .doesNotContain("Needs an operator")
                .contains("href=\"/admin/customers/user_ada\"")
                .contains(ada.get(0).id())
                .contains("canceled")
                .contains("Settled");
        assertThat(page.body()).contains("id=\"duplicates-live\"><strong>1</strong> on this page still live");
        assertThat(get("/admin/customers/user_bob", cookie).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a flagged duplicate stays live and is marked for an operator")
    void flaggedDuplicatesNeedAnOperator() throws Exception {
        app.stop();
        harness = BillingHarness.create(o -> o.duplicateSubscriptions(DuplicateSubscriptions.FLAG));
        serve(false);
        List<Subscription> both = twoPaidSubscriptions("user_cy");

        HttpResponse<String> page = get("/admin/duplicates", cookieOf(signIn(TOKEN, "/admin")));

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(row(page.body(), both.get(1).id()))
                .contains("class=\"needs-operator\"")
                .contains("href=\"/admin/customers/user_cy\"")
                .contains(both.get(0).id())
                .contains("flag: ")
                .contains("decide with the customer which to keep");
        assertThat(harness.gateway().calls(Operation.CANCEL_SUBSCRIPTION)).isEmpty();
    }

    @Test
    @DisplayName("with no duplicate subscriptions the page says so, and a malformed page link is a 400 page")
    void duplicatesHaveAnEmptyState() throws Exception {
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        HttpResponse<String> page = get("/admin/duplicates", cookie);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("id=\"duplicates-empty\"")
                .doesNotContain("<table")
                .doesNotContain("id=\"duplicates-live\"");
        HttpResponse<String> bad =
                get("/admin/duplicates?cursor=" + URLEncoder.encode("<x>", StandardCharsets.UTF_8), cookie);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body())
                .contains("The cursor is not valid for this list.")
                .doesNotContain("<x>");
        assertThat(get("/admin/duplicates", null).statusCode())
                .as("needs a session")
                .isEqualTo(303);
    }

    /**
     * A party left with two live subscriptions through the real flow (as {@code DuplicateSubscriptionsTest}): the
     * second Checkout cannot expire the first (Stripe's session list fails), both pages are paid, then Stripe's
     * {@code customer.subscription.created} events arrive. Returns the older (kept) and the newer subscription.
     */
    private List<Subscription> twoPaidSubscriptions(String user) {
        CheckoutSession first = checkout(user);
        harness.clock().advance(Duration.ofMinutes(5));
        harness.gateway().failNext(Operation.LIST_OPEN_CHECKOUTS, 1, Failure.NOT_DONE);
        CheckoutSession second = checkout(user);
        Subscription older = harness.gateway()
                .getSubscription(harness.gateway().completeCheckout(first.id()))
                .orElseThrow();
        harness.clock().advance(Duration.ofMinutes(1));
        Subscription newer = harness.gateway()
                .getSubscription(harness.gateway().completeCheckout(second.id()))
                .orElseThrow();
        for (Subscription sub : List.of(older, newer)) {
            StripeEvent created = anEvent()
                    .withType("customer.subscription.created")
                    .createdAt(harness.clock().instant())
                    .forObject("subscription", sub.id())
                    .build();
            assertThat(harness.deliver(created, new EventObject.OfSubscription(sub))
                            .inlineStatus())
                    .isEqualTo(InboxStatus.PROCESSED);
        }
        return List.of(older, newer);
    }

    private CheckoutSession checkout(String user) {
        CheckoutOutcome outcome = harness.billing()
                .startCheckout(
                        harness.identity(user),
                        new CheckoutCommand.Subscribe("enterprise", BillingInterval.MONTH, null, null, null));
        assertThat(outcome).isInstanceOf(CheckoutOutcome.Started.class);
        return ((CheckoutOutcome.Started) outcome).session();
    }

    /** The table row of one subscription in a page. */
    private static String row(String html, String subscriptionId) {
        int at = html.indexOf("<tr data-subscription=\"" + subscriptionId + "\"");
        assertThat(at).as("a row for " + subscriptionId).isNotNegative();
        return html.substring(at, html.indexOf("</tr>", at));
    }

    private HttpResponse<String> signIn(String token, String next) throws IOException, InterruptedException {
        return post("/admin/sign-in", null, Map.of("token", token, "next", next), Map.of());
    }

    private HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String cookie, Map<String, String> form, Map<String, String> headers)
            throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookieOf(HttpResponse<String> signIn) {
        String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }
}

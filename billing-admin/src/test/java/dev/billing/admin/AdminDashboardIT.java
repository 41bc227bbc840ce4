package dev.billing.admin;

import dev.billing.testkit.BillingHarness;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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

import static org.assertj.core.api.Assertions.assertThat;

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
        AdminDashboard dashboard = AdminDashboard.builder().billing(harness.billing()).adminToken(TOKEN)
                .clock(harness.clock()).build();
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            dashboard.register(config);
        }).start();
        base = "http://127.0.0.1:" + app.port();
        client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
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
        assertThat(r.headers().firstValue("Location")).hasValue(
                "/admin/sign-in?next=" + URLEncoder.encode("/admin/events?status=failed", StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("the admin token opens an HttpOnly, SameSite=Strict session cookie scoped to /admin")
    void signInSetsAStrictHttpOnlyCookie() throws Exception {
        HttpResponse<String> r = signIn(TOKEN, "/admin/events");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/admin/events");
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(AdminDashboard.COOKIE + "=").contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict").contains("Path=/admin");
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
        HttpResponse<String> fromOrigin = post("/admin/sign-out", cookie, Map.of("_csrf", csrf),
                Map.of("Origin", "https://evil.example"));
        assertThat(fromOrigin.statusCode()).isEqualTo(403);
        HttpResponse<String> fromSite = post("/admin/sign-out", cookie, Map.of("_csrf", csrf),
                Map.of("Sec-Fetch-Site", "cross-site"));
        assertThat(fromSite.statusCode()).isEqualTo(403);
        HttpResponse<String> signInFromSite = post("/admin/sign-in", null, Map.of("token", TOKEN),
                Map.of("Origin", "https://evil.example"));
        assertThat(signInFromSite.statusCode()).isEqualTo(403);
        HttpResponse<String> own = post("/admin/sign-out", cookie, Map.of("_csrf", csrf),
                Map.of("Origin", base, "Sec-Fetch-Site", "same-origin"));
        assertThat(own.statusCode()).isEqualTo(303);
        assertThat(own.headers().firstValue("Set-Cookie").orElseThrow()).startsWith(AdminDashboard.COOKIE + "=;")
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
        HttpResponse<String> r = get("/admin/customers?q=" + URLEncoder.encode("<script>x</script>",
                StandardCharsets.UTF_8), cookie);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("<script>").contains("&lt;script&gt;");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'")
                .doesNotContain("script-src");
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    @DisplayName("a customer is found by user id, Stripe customer id or email, and their page opens")
    void customerSearch() throws Exception {
        String customer = harness.billing().ensureCustomer(harness.identity("user_grace")).customerId().value();
        String cookie = cookieOf(signIn(TOKEN, "/admin"));
        for (String q : List.of("user_grace", customer, "USER_GRACE@example.com")) {
            HttpResponse<String> r = get("/admin/customers?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), cookie);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).as(q).contains("href=\"/admin/customers/user_grace\"").contains(customer);
        }
        assertThat(get("/admin/customers?q=" + URLEncoder.encode("nobody@example.com", StandardCharsets.UTF_8), cookie)
                .body()).contains("No customer matches");
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

    private HttpResponse<String> post(String path, String cookie, Map<String, String> form,
                                      Map<String, String> headers) throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
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

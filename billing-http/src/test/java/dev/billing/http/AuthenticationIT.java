package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.clerk.ClerkConfig;
import dev.billing.clerk.ClerkIdentityVerifier;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.auth.JwksServer;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.Http;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * docs/AUTHENTICATION.md end to end through HTTP: tokens minted from real RSA keys, a JWKS served over HTTP that is
 * made slow, broken or rotated, the verifier in JWKS mode, and the API's 401 / 403 / 503 answers.
 */
class AuthenticationIT {
    static final TestKey KEY = TestKeys.rsa2048("ins_auth_a");
    static final TestKey OTHER = TestKeys.rsa2048("ins_auth_b");
    static final String ISSUER = TestApi.ISSUER;

    final TokenMinter minter = new TokenMinter(KEY, ISSUER, Clock.systemUTC());
    JwksServer jwks;
    TestApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        if (jwks != null) {
            jwks.close();
        }
    }

    TestApi startWithJwks(UnaryOperator<ClerkConfig.Builder> tweak, TestKey... keys) {
        jwks = JwksServer.start(keys);
        ClerkIdentityVerifier verifier = ClerkIdentityVerifier.create(
                tweak.apply(ClerkConfig.builder().issuer(ISSUER).jwksUrl(jwks.jwksUrl()))
                        .build(),
                Clock.systemUTC());
        api = TestApi.start(UnaryOperator.identity(), b -> b.identities(verifier));
        return api;
    }

    TestApi start() {
        return startWithJwks(UnaryOperator.identity(), KEY);
    }

    static void assertUnauthenticated(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("unauthenticated");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(r.header("X-Request-Id")).isNotBlank();
    }

    Http.Response entitlements(HttpRequest.Builder b) {
        return api.http.send(b);
    }

    HttpRequest.Builder me() {
        return api.http.request("/me/entitlements").GET();
    }

    @Test
    void validTokenIsAccepted() {
        start();
        Http.Response r = api.http.get(
                "/me/entitlements", minter.token().subject("user_ok").sign());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("tier").asText()).isEqualTo("free");
    }

    @Test
    void noHeaderIs401WithBearerChallenge() {
        start();
        Http.Response r = entitlements(me());
        assertUnauthenticated(r);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void emptyBearerIs401() {
        start();
        assertUnauthenticated(entitlements(me().header("Authorization", "Bearer ")));
    }

    @Test
    void basicAuthIs401() {
        start();
        assertUnauthenticated(entitlements(me().header("Authorization", "Basic dXNlcjpwYXNz")));
    }

    @Test
    void malformedTokenIs401() {
        start();
        assertUnauthenticated(api.http.get("/me/entitlements", "not.a.jwt!"));
        assertUnauthenticated(api.http.get("/me/entitlements", minter.token().jwe()));
    }

    @Test
    void expiredTokenIs401() {
        start();
        assertUnauthenticated(api.http.get(
                "/me/entitlements",
                minter.token()
                        .issuedAt(java.time.Instant.now().minusSeconds(600))
                        .expiresIn(Duration.ofMinutes(-5))
                        .sign()));
    }

    @Test
    void wrongIssuerIs401() {
        start();
        assertUnauthenticated(api.http.get(
                "/me/entitlements",
                minter.token().issuer("https://evil.example.com").sign()));
    }

    @Test
    void badSignatureIs401() {
        start();
        assertUnauthenticated(api.http.get("/me/entitlements", minter.token().tampered()));
        assertUnauthenticated(
                api.http.get("/me/entitlements", minter.token().signedBy(OTHER).sign()));
        assertUnauthenticated(api.http.get("/me/entitlements", minter.token().unsigned()));
        assertUnauthenticated(api.http.get("/me/entitlements", minter.token().hs256WithPublicKey()));
    }

    @Test
    void rejectionsNeverEchoTheToken() {
        start();
        String token = minter.token().issuer("https://evil.example.com").sign();
        Http.Response r = api.http.get("/me/entitlements", token);
        assertThat(r.body()).doesNotContain(token).doesNotContain(token.split("\\.")[1]);
    }

    @Test
    void pendingSessionIs403() {
        start();
        Http.Response r = api.http.get(
                "/me/entitlements", minter.token().claim("sts", "pending").sign());
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("session_pending");
    }

    @Test
    void jwksDownWithColdCacheIs503AuthUnavailable() {
        start();
        jwks.down();
        Http.Response r = api.http.get("/me/entitlements", minter.token().sign());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("auth_unavailable");
        assertThat(r.header("Retry-After")).isNotBlank();
    }

    @Test
    void slowJwksWithColdCacheIs503WithinTheRequestTimeout() {
        startWithJwks(b -> b.requestTimeout(Duration.ofMillis(300)), KEY);
        jwks.slow(Duration.ofSeconds(3));
        long started = System.nanoTime();
        Http.Response r = api.http.get("/me/entitlements", minter.token().sign());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("auth_unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void brokenJwksWithWarmCacheKeepsVerifyingKnownKeys() {
        start();
        assertThat(api.http
                        .get(
                                "/me/entitlements",
                                minter.token().subject("user_warm").sign())
                        .status())
                .isEqualTo(200);
        jwks.serveGarbage();
        assertThat(api.http
                        .get(
                                "/me/entitlements",
                                minter.token().subject("user_warm2").sign())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void rotatedKeyIsAccepted() {
        startWithJwks(b -> b.refetchCooldown(Duration.ZERO), KEY);
        assertThat(api.http.get("/me/entitlements", minter.token().sign()).status())
                .isEqualTo(200);
        jwks.rotate(OTHER);
        TokenMinter rotated = new TokenMinter(OTHER, ISSUER, Clock.systemUTC());
        assertThat(api.http
                        .get(
                                "/me/entitlements",
                                rotated.token().subject("user_rotated").sign())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void sessionCookieAuthenticatesReads() {
        start();
        Http.Response r = entitlements(me().header(
                        "Cookie",
                        "__session=" + minter.token().subject("user_c").sign()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void cookieWritesNeedAnAllowedOrigin() {
        start();
        String cookie = "__session=" + minter.token().subject("user_cw").sign();
        Http.Response noOrigin = api.http.send(api.http
                .request("/stripe/customer")
                .header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(noOrigin.status()).isEqualTo(403);
        assertThat(noOrigin.errorCode()).isEqualTo("origin_not_allowed");
        Http.Response evil = api.http.send(api.http
                .request("/stripe/customer")
                .header("Cookie", cookie)
                .header("Origin", "https://evil.example.com")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(evil.status()).isEqualTo(403);
        Http.Response ours = api.http.send(api.http
                .request("/stripe/customer")
                .header("Cookie", cookie)
                .header("Origin", BillingHarness.ORIGIN)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(ours.status()).as(ours.body()).isEqualTo(200);
        assertThat(ours.header("Access-Control-Allow-Origin")).isEqualTo(BillingHarness.ORIGIN);
    }

    @Test
    void corsPreflightFromAnAllowedOriginIsAnswered() {
        start();
        Http.Response r = api.http.send(api.http
                .request("/usage")
                .header("Origin", BillingHarness.ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(BillingHarness.ORIGIN);
        assertThat(r.header("Access-Control-Allow-Headers")).contains("Idempotency-Key");
        Http.Response other = api.http.send(api.http
                .request("/usage")
                .header("Origin", "https://evil.example.com")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
    }
}

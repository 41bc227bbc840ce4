package dev.billing.http;

import dev.billing.clerk.ClerkConfig;
import dev.billing.clerk.ClerkIdentityVerifier;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.Http;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The HTTP API on the testkit's fakes ({@link BillingHarness}: fake Stripe, in-memory stores, fake webhook
 * signatures) with the real Clerk verifier in PEM mode and real RSA-signed tokens, on a free port.
 */
final class TestApi implements AutoCloseable {
    static final TestKey KEY = TestKeys.rsa2048("ins_api_test");
    static final String ISSUER = "https://clerk.billing.test";
    static final String ADMIN_TOKEN = "admin-token-for-tests-0123456789";

    final BillingHarness harness;
    final HttpApi api;
    final Http http;
    final TokenMinter minter = new TokenMinter(KEY, ISSUER, Clock.systemUTC());
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private TestApi(
            BillingHarness harness, UnaryOperator<ApiSettings.Builder> settings, UnaryOperator<HttpApi.Builder> more) {
        this.harness = harness;
        ClerkIdentityVerifier verifier = ClerkIdentityVerifier.create(
                ClerkConfig.builder().issuer(ISSUER).jwtKey(KEY.publicKeyPem()).build(), Clock.systemUTC());
        ApiSettings configured = settings.apply(ApiSettings.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .adminToken(ADMIN_TOKEN)
                        .version("test"))
                .build();
        this.api = more.apply(HttpApi.builder()
                        .billing(harness.billing())
                        .identities(verifier)
                        .settings(configured)
                        .meterRegistry(registry)
                        .metricsScrape(registry::scrape)
                        .readiness(List.of(
                                ReadinessCheck.of(
                                        "store",
                                        () -> harness.stores()
                                                .customers()
                                                .count()) /* the fake's ping ignores its switch */,
                                ReadinessCheck.informational("stripe", harness.gateway()::ping))))
                .build()
                .start("127.0.0.1", 0);
        this.http = Http.local(api.port());
    }

    static TestApi start() {
        return new TestApi(BillingHarness.create(), UnaryOperator.identity(), UnaryOperator.identity());
    }

    static TestApi start(UnaryOperator<ApiSettings.Builder> settings) {
        return new TestApi(BillingHarness.create(), settings, UnaryOperator.identity());
    }

    static TestApi start(BillingHarness harness) {
        return new TestApi(harness, UnaryOperator.identity(), UnaryOperator.identity());
    }

    static TestApi start(BillingHarness harness, UnaryOperator<ApiSettings.Builder> settings) {
        return new TestApi(harness, settings, UnaryOperator.identity());
    }

    static TestApi start(UnaryOperator<ApiSettings.Builder> settings, UnaryOperator<HttpApi.Builder> more) {
        return new TestApi(BillingHarness.create(), settings, more);
    }

    /**
     * The API on a started core without background or inline permits, as a server runs it under overflow: each
     * event is recorded leased and the delivery is answered once the drainer has processed its batch. Closing this
     * closes that core too.
     */
    static TestApi startedWithoutPermits() {
        return startedWithoutPermits(UnaryOperator.identity());
    }

    static TestApi startedWithoutPermits(UnaryOperator<HttpApi.Builder> more) {
        BillingHarness harness =
                BillingHarness.create(o -> o.backgroundPermits(0).inlinePermits(0));
        TestApi api = new TestApi(harness, UnaryOperator.identity(), more);
        harness.billing().start();
        return api;
    }

    String token(String user) {
        return minter.token().subject(user).session("sess_" + user).sign();
    }

    @Override
    public void close() {
        api.close();
        if (harness.billing().isRunning()) {
            harness.billing().close();
        }
    }
}

package com.example.shop;

import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.time.Clock;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the shop runs against in its tests, started once per test JVM: a real Postgres database, the Stripe emulator
 * (webhooks signed with {@link #WEBHOOK_SECRET}), and a Clerk-like signing key.
 */
final class ShopFixture {
    static final String ISSUER = "https://clerk.shop.test";
    static final String WEBHOOK_SECRET = "whsec_shop_example";
    static final TestKey KEY = TestKeys.rsa2048("ins_shop");
    static final TestDatabase DB = PostgresFixture.shared().newDatabase("shop");
    static final StripeEmulator STRIPE =
            StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
    static final TokenMinter TOKENS = new TokenMinter(KEY, ISSUER, Clock.systemUTC());

    private ShopFixture() {}

    /** The environment application.yml reads, as Spring properties. */
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::jdbcUrl);
        registry.add("spring.datasource.username", DB::user);
        registry.add("spring.datasource.password", DB::password);
        registry.add("billing.stripe.secret-key", STRIPE::apiKey);
        registry.add("billing.stripe.api-base", STRIPE::baseUrl);
        registry.add("billing.stripe.webhook-secrets", () -> WEBHOOK_SECRET);
        registry.add("billing.clerk.issuer", () -> ISSUER);
        registry.add("billing.clerk.jwt-key", KEY::publicKeyPem);
        // Boot 4's OpenTelemetry starter (on the tests' class path for TracingIT) also pushes metrics over OTLP, to
        // localhost:4318 unless told where, and once more as a context closes: here after the tests' Postgres has
        // stopped, so that reading billing's store gauges then waits out the pool's timeout and holds the JVM's exit.
        registry.add("management.otlp.metrics.export.enabled", () -> "false");
    }

    static String token(String user) {
        return TOKENS.token().subject(user).sign();
    }
}

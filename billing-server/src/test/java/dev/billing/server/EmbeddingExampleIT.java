package dev.billing.server;

import dev.billing.core.Billing;
import dev.billing.core.model.BillingInterval;
import dev.billing.core.model.Entitlements;
import dev.billing.core.model.Identity;
import dev.billing.core.model.MeterDefinition;
import dev.billing.core.model.PlanCatalog;
import dev.billing.core.model.Tier;
import dev.billing.core.port.IdentityVerifier;
import dev.billing.core.usecase.BillingOptions;
import dev.billing.core.usecase.CheckoutCommand;
import dev.billing.core.usecase.CheckoutOutcome;
import dev.billing.core.usecase.UsageOutcome;
import dev.billing.clerk.ClerkConfig;
import dev.billing.clerk.ClerkIdentityVerifier;
import dev.billing.postgres.PostgresBillingStores;
import dev.billing.stripe.StripeConfig;
import dev.billing.stripe.StripePaymentGateway;
import dev.billing.stripe.StripeWebhookVerifier;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's embedding example, verbatim but for the environment, runs against the emulator and Postgres. */
class EmbeddingExampleIT {

    @Test
    void theReadmeExampleWorks() {
        TestKey key = TestKeys.rsa2048("ins_embed");
        try (TestDatabase db = PostgresFixture.shared().newDatabase("embed");
             StripeEmulator emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            Map<String, String> env = Map.of("STRIPE_SECRET_KEY", emulator.apiKey(),
                    "STRIPE_WEBHOOK_SECRET", "whsec_embedding", "DATABASE_URL", db.postgresUrl(),
                    "STRIPE_PRICE_PRO_MONTHLY", "price_pro_monthly", "CLERK_ISSUER", "https://clerk.embed.test",
                    "CLERK_JWT_KEY", key.publicKeyPem());
            String sessionToken = new TokenMinter(key, "https://clerk.embed.test", Clock.systemUTC()).token()
                    .subject("user_embed").sign();

            // ---- README: Embed it ----
            PlanCatalog plans = PlanCatalog.builder()
                    .freeTier(new Tier("free", 0, Set.of("projects"), Map.of("api_calls", 100L), 0, 0))
                    .tier(new Tier("pro", 1, Set.of("projects", "sso"), Map.of("api_calls", 10_000L), 14, 10))
                    .plan("pro", BillingInterval.MONTH, env.get("STRIPE_PRICE_PRO_MONTHLY"))
                    .meter(new MeterDefinition("api_calls", null))
                    .build();
            Billing billing = Billing.builder()
                    .gateway(StripePaymentGateway.create(StripeConfig.of(env.get("STRIPE_SECRET_KEY"))
                            .withApiBase(emulator.baseUrl()))) // (the README's goes to Stripe itself)
                    .webhookVerifier(StripeWebhookVerifier.create(List.of(env.get("STRIPE_WEBHOOK_SECRET")),
                            Clock.systemUTC()))
                    .stores(PostgresBillingStores.create(env.get("DATABASE_URL")))
                    .plans(plans)
                    .options(BillingOptions.builder().allowedOrigins(List.of("https://app.example.com")).build())
                    .build();
            IdentityVerifier clerk = ClerkIdentityVerifier.create(ClerkConfig.fromEnv(env));

            Identity user = clerk.verify(sessionToken);
            CheckoutOutcome checkout = billing.startCheckout(user, new CheckoutCommand.Subscribe("pro",
                    BillingInterval.MONTH, "https://app.example.com/billing/done", "https://app.example.com/billing",
                    null));
            Entitlements entitlements = billing.entitlements(user.userId());
            UsageOutcome usage = billing.recordUsage(user.userId(), "api_calls", 1, "request-1");
            billing.processDueEvents(50);
            // ---- end ----

            assertThat(checkout).isInstanceOf(CheckoutOutcome.Started.class);
            assertThat(entitlements.tier()).isEqualTo("free");
            assertThat(usage.result()).isInstanceOf(dev.billing.core.model.UsageResult.Accepted.class);
            billing.stores().close();
        }
    }
}

package com.example.billing;

import dev.billing.clerk.ClerkConfig;
import dev.billing.clerk.ClerkIdentityVerifier;
import dev.billing.core.Billing;
import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.IdentityVerifier;
import dev.billing.core.usage.UsageOutcome;
import dev.billing.core.webhook.WebhookReceipt;
import dev.billing.postgres.PostgresBillingStores;
import dev.billing.stripe.StripeConfig;
import dev.billing.stripe.StripePaymentGateway;
import dev.billing.stripe.StripeWebhookVerifier;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Billing inside your own service: built and started with it, closed with it. */
public final class EmbeddedBilling implements AutoCloseable {
    private final BillingStores stores;
    private final Billing billing;
    private final IdentityVerifier clerk;

    /** {@code env}: your service's settings, wherever it keeps them; the adapters take values built in code. */
    public EmbeddedBilling(Map<String, String> env) {
        PlanCatalog plans = PlanCatalog.builder()
                .freeTier(new Tier("free", 0, Set.of("projects"), Map.of("api_calls", 100L), 0, 0))
                .tier(new Tier("pro", 1, Set.of("projects", "sso"), Map.of("api_calls", 10_000L), 14, 10))
                .plan("pro", BillingInterval.MONTH, env.get("STRIPE_PRICE_PRO_MONTHLY"))
                .meter(new MeterDefinition("api_calls", "api_calls")) // usage reported to Stripe Billing Meters
                .build();
        stores = PostgresBillingStores.create(env.get("DATABASE_URL")); // migrates its own schema
        billing = Billing.builder()
                .gateway(StripePaymentGateway.create(StripeConfig.of(env.get("STRIPE_SECRET_KEY"))
                        .withApiBase(env.getOrDefault("STRIPE_API_BASE", StripeConfig.DEFAULT_API_BASE))))
                .webhookVerifier(
                        StripeWebhookVerifier.create(List.of(env.get("STRIPE_WEBHOOK_SECRET")), Clock.systemUTC()))
                .stores(stores)
                .plans(plans)
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of("https://app.example.com"))
                        .build())
                .build()
                .start(); // inbox retries, notices and meter reports run in the background from here
        clerk = ClerkIdentityVerifier.create(ClerkConfig.builder()
                .issuer(env.get("CLERK_ISSUER"))
                .jwtKey(env.get("CLERK_JWT_KEY"))
                .build()); // or .publishableKey(...)
    }

    /** Your {@code POST /billing/checkout}: the caller's Clerk session token in, a Checkout URL out. */
    public CheckoutOutcome checkout(String sessionToken) {
        return billing.startCheckout(
                clerk.verify(sessionToken),
                new CheckoutCommand.Subscribe(
                        "pro",
                        BillingInterval.MONTH,
                        "https://app.example.com/billing/done",
                        "https://app.example.com/billing",
                        null));
    }

    /** Your {@code POST /webhooks/stripe}: the raw body as received, and the Stripe-Signature header. */
    public WebhookReceipt webhook(byte[] rawBody, String stripeSignature) {
        return billing.receiveWebhook(rawBody, stripeSignature);
    }

    public Entitlements entitlements(String sessionToken) {
        return billing.entitlements(clerk.verify(sessionToken).userId());
    }

    public UsageOutcome recordApiCall(String sessionToken, String idempotencyKey) {
        return billing.recordUsage(clerk.verify(sessionToken).userId(), "api_calls", 1, idempotencyKey);
    }

    @Override
    public void close() {
        billing.close(); // stops taking work, waits for what is in flight
        stores.close();
    }
}

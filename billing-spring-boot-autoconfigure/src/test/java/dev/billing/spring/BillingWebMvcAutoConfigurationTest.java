package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.http.ApiDispatcher;
import dev.billing.http.ApiSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The HTTP routes' settings from {@code billing.*} in a servlet application context: what an erasure does at Stripe,
 * the guest checkout limit, and Clerk's webhook route with membership sync.
 */
class BillingWebMvcAutoConfigurationTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(BillingAutoConfiguration.class, BillingWebMvcAutoConfiguration.class))
            .withUserConfiguration(BillingAutoConfigurationTest.MemoryStores.class)
            .withPropertyValues(
                    "billing.stripe.secret-key=sk_test_123",
                    "billing.stripe.webhook-secrets=whsec_abc",
                    "billing.clerk.issuer=https://clerk.example.com",
                    "billing.clerk.jwt-key=" + BillingAutoConfigurationTest.PEM.replace("\n", "\\n"),
                    "billing.allowed-origins=https://app.example.com");

    @Test
    void byDefaultAnErasureStaysLocalAndGuestsMayCheckOutTenTimesAMinute() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            ApiSettings settings = context.getBean(ApiDispatcher.class).settings();
            assertThat(settings.erasure()).isEqualTo(ErasePersonalData.Options.localOnly());
            assertThat(settings.guestCheckoutsPerMinute()).isEqualTo(10);
            assertThat(context.getBean(BillingRoutes.class).paths())
                    .contains("/guest/checkout", "/me/guest-purchases/claim", "/webhooks/stripe")
                    .doesNotContain("/webhooks/clerk");
        });
    }

    @Test
    void theErasureAndGuestPropertiesReachTheRoutes() {
        runner.withPropertyValues(
                        "billing.erasure.cancel-subscriptions=true",
                        "billing.erasure.delete-stripe-customer=true",
                        "billing.http.guest-checkouts-per-minute=3")
                .run(context -> {
                    ApiSettings settings = context.getBean(ApiDispatcher.class).settings();
                    assertThat(settings.erasure()).isEqualTo(new ErasePersonalData.Options(true, true));
                    assertThat(settings.guestCheckoutsPerMinute()).isEqualTo(3);
                });
        runner.withPropertyValues(
                        "billing.erasure.cancel-subscriptions=true", "billing.http.guest-checkouts-per-minute=0")
                .run(context -> {
                    ApiSettings settings = context.getBean(ApiDispatcher.class).settings();
                    assertThat(settings.erasure()).isEqualTo(new ErasePersonalData.Options(true, false));
                    assertThat(settings.guestCheckoutsPerMinute()).isZero();
                });
    }

    @Test
    void withMembershipSyncClerksWebhookRouteIsServed() {
        runner.withPropertyValues(
                        "billing.orgs.membership-sync=true",
                        "billing.clerk.webhook-secrets=" + BillingAutoConfigurationTest.CLERK_SECRET)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(BillingRoutes.class).paths()).contains("/webhooks/clerk");
                });
        runner.withPropertyValues(
                        "billing.orgs.membership-sync=true",
                        "billing.http.webhooks.enabled=false",
                        "billing.clerk.webhook-secrets=" + BillingAutoConfigurationTest.CLERK_SECRET)
                .run(context -> assertThat(context.getBean(BillingRoutes.class).paths())
                        .doesNotContain("/webhooks/clerk", "/webhooks/stripe"));
    }

    @Test
    void trustedProxiesAndTheStripeWebhookAllowlistReachTheRoutes(@TempDir Path dir) throws Exception {
        runner.run(context -> {
            ApiSettings settings = context.getBean(ApiDispatcher.class).settings();
            assertThat(settings.stripeWebhookAllowlist()).isFalse();
            assertThat(settings.clientAddresses().readsForwardedFor()).isFalse();
        });
        runner.withPropertyValues(
                        "billing.http.trusted-proxies=10.0.0.0/8,2001:db8::/32",
                        "billing.http.stripe-webhook-allowlist=true",
                        "billing.http.service-key-requests-per-minute=42")
                .run(context -> {
                    ApiSettings settings = context.getBean(ApiDispatcher.class).settings();
                    assertThat(settings.serviceKeyRequestsPerMinute()).isEqualTo(42);
                    assertThat(settings.clientAddresses().resolve("10.0.0.2", "3.18.12.63"))
                            .isEqualTo("3.18.12.63");
                    assertThat(settings.stripeWebhookSources().contains("3.18.12.63"))
                            .isTrue();
                    assertThat(settings.stripeWebhookSources().contains("203.0.113.9"))
                            .isFalse();
                });
        Path file = Files.writeString(dir.resolve("ips.txt"), "# ours\n203.0.113.0/24\n");
        runner.withPropertyValues(
                        "billing.http.stripe-webhook-allowlist=true", "billing.http.stripe-webhook-ips-file=" + file)
                .run(context -> {
                    ApiSettings settings = context.getBean(ApiDispatcher.class).settings();
                    assertThat(settings.stripeWebhookSources().contains("203.0.113.9"))
                            .isTrue();
                    assertThat(settings.stripeWebhookSources().contains("3.18.12.63"))
                            .isFalse();
                });
    }

    @Test
    void aWrongProxyOrAnUnusableIpsFileStopsTheContextNamingTheProperty(@TempDir Path dir) {
        runner.withPropertyValues("billing.http.trusted-proxies=proxy.internal")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("trustedProxies")
                        .hasStackTraceContaining("proxy.internal"));
        runner.withPropertyValues(
                        "billing.http.stripe-webhook-allowlist=true",
                        "billing.http.stripe-webhook-ips-file=" + dir.resolve("missing.txt"))
                .run(context ->
                        assertThat(context).hasFailed().getFailure().hasStackTraceContaining("stripeWebhookIpsFile"));
    }
}

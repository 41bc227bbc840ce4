package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.http.ApiDispatcher;
import dev.billing.http.ApiSettings;
import org.junit.jupiter.api.Test;
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
}

package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.clerk.ClerkWebhookVerifier;
import dev.billing.core.Billing;
import dev.billing.core.LogNotifier;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.DuplicateSubscriptions;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.config.RetentionOptions;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.IdentityVerifier;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.micrometer.MeteredPaymentGateway;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.RecordingNotifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.validation.FieldError;

/**
 * The auto-configuration in a plain application context: every bean from {@code billing.*}, each replaceable, the
 * background work bound to the context, and every bad property named at once. Stores are the in-memory fakes (no
 * database here: the example application runs the whole thing on Postgres).
 */
class BillingAutoConfigurationTest {
    static final String PEM = TestKeys.rsa2048().publicKeyPem();
    /** A Svix signing secret as Clerk's dashboard shows one: whsec_ and 32 bytes in base64. */
    static final String CLERK_SECRET = "whsec_"
            + Base64.getEncoder()
                    .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
            .withUserConfiguration(MemoryStores.class)
            .withPropertyValues(
                    "billing.stripe.secret-key=sk_test_123",
                    "billing.stripe.webhook-secrets=whsec_abc,whsec_previous",
                    "billing.clerk.issuer=https://clerk.example.com",
                    "billing.clerk.jwt-key=" + PEM.replace("\n", "\\n"),
                    "billing.allowed-origins=https://app.example.com");

    @Configuration(proxyBeanMethods = false)
    static class MemoryStores {
        @Bean
        BillingStores stores() {
            return InMemoryBillingStores.create().stores();
        }
    }

    @Test
    void everyPartIsABeanAndTheBackgroundWorkFollowsTheContext() {
        Billing[] seen = new Billing[1];
        runner.run(context -> {
            assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(Billing.class)
                    .hasSingleBean(PaymentGateway.class)
                    .hasSingleBean(IdentityVerifier.class)
                    .hasSingleBean(PlanCatalog.class)
                    .hasSingleBean(BillingLifecycle.class);
            assertThat(context.getBean(Notifier.class)).isInstanceOf(LogNotifier.class);
            assertThat(context.getBean(PlanCatalog.class).tiers()).isNotEmpty();
            seen[0] = context.getBean(Billing.class);
            assertThat(seen[0].isRunning()).as("started with the context").isTrue();
        });
        assertThat(seen[0].isRunning()).as("stopped with the context").isFalse();
    }

    @Test
    void everyBadPropertyIsNamedAtOnce() {
        runner.withPropertyValues(
                        "billing.stripe.webhook-secrets=not_a_secret_value_x",
                        "billing.stripe.secret-key=pk_test_1secretish",
                        "billing.allowed-origins=https://app.example.com/path",
                        "billing.past-due-grace=120d",
                        "billing.orgs.auto-seats=true",
                        "billing.http.guest-checkouts-per-minute=-1")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    BindValidationException invalid = find(failure, BindValidationException.class);
                    assertThat(invalid).as("a validation failure").isNotNull();
                    assertThat(invalid.getValidationErrors().getAllErrors()).hasSize(6);
                    assertThat(invalid.getMessage())
                            .contains("stripe.webhookSecrets[0]")
                            .contains("must be a webhook signing secret starting with whsec_")
                            .contains("stripe.secretKey")
                            .contains("is not a Stripe secret key")
                            .contains("allowedOrigins[0]")
                            .contains("pastDueGrace")
                            .contains("orgs.autoSeats")
                            .contains("http.guestCheckoutsPerMinute");
                    // The values of rejected secrets are never printed.
                    assertThat(failure)
                            .hasStackTraceContaining("stripe.secretKey")
                            .satisfies(f -> assertThat(stackTrace(f))
                                    .doesNotContain("not_a_secret_value_x")
                                    .doesNotContain("pk_test_1secretish"));
                });
    }

    @Test
    void aMalformedClerkPemIsNamedWithTheOtherProblems() {
        String weak = TestKeys.rsa1024Weak("weak").publicKeyPem().replace("\n", "\\n");
        for (String pem : List.of(
                "-----BEGIN PUBLIC KEY-----\\nnot base64 at all!\\n-----END PUBLIC KEY-----",
                weak,
                "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANsecretish\\n-----END PRIVATE KEY-----")) {
            runner.withPropertyValues("billing.clerk.jwt-key=" + pem, "billing.past-due-grace=120d")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        BindValidationException invalid =
                                find(context.getStartupFailure(), BindValidationException.class);
                        assertThat(invalid)
                                .as("a validation failure listing every problem")
                                .isNotNull();
                        assertThat(invalid.getValidationErrors().getAllErrors()).hasSize(2);
                        assertThat(invalid.getMessage())
                                .contains("clerk.jwtKey")
                                .contains("must be Clerk's PEM public key")
                                .contains("pastDueGrace");
                        assertThat(stackTrace(context.getStartupFailure())).doesNotContain("secretish");
                    });
        }
    }

    @Test
    void aNegativeStripeRequestRateIsNamed() {
        runner.withPropertyValues("billing.stripe.requests-per-second=-3").run(context -> {
            assertThat(context).hasFailed();
            assertThat(find(context.getStartupFailure(), BindValidationException.class)
                            .getMessage())
                    .contains("stripe.requestsPerSecond")
                    .contains("must be 0 (no limit) to 100000 requests per second");
        });
        runner.withPropertyValues("billing.stripe.requests-per-second=5")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void retentionIsBoundAndATooShortOneIsNamed() {
        runner.withPropertyValues("billing.retention.inbox-events=3d").run(context -> {
            assertThat(context).hasFailed();
            assertThat(find(context.getStartupFailure(), BindValidationException.class)
                            .getMessage())
                    .contains("retention.inboxEvents")
                    .contains("must be 0 (keep forever) or at least 7 day(s)");
        });
        runner.withPropertyValues("billing.retention.notices=7d").run(context -> {
            assertThat(context).hasFailed();
            assertThat(find(context.getStartupFailure(), BindValidationException.class)
                            .getMessage())
                    .contains("retention.notices")
                    .contains("must be 0 (keep forever) or at least 30 day(s)");
        });
        runner.withPropertyValues(
                        "billing.retention.inbox-events=90d",
                        "billing.retention.usage-keys=0",
                        "billing.retention.meter-reports=400d",
                        "billing.retention.usage-counters=800d")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    RetentionOptions retention =
                            context.getBean(BillingOptions.class).retention();
                    assertThat(retention.inboxEvents()).contains(Duration.ofDays(90));
                    assertThat(retention.usageKeys()).isEmpty();
                    assertThat(retention.notices()).contains(Duration.ofDays(365));
                    assertThat(retention.meterReports()).contains(Duration.ofDays(400));
                    assertThat(retention.usageCounters()).contains(Duration.ofDays(800));
                });
        runner.run(context -> {
            RetentionOptions retention = context.getBean(BillingOptions.class).retention();
            assertThat(retention.meterReports()).contains(Duration.ofDays(90));
            assertThat(retention.usageCounters()).contains(Duration.ofDays(400));
        });
    }

    @Test
    void thePublishableKeyGoesToThePaymentSheetAndASecretKeyThereIsRefused() {
        runner.run(context -> assertThat(context.getBean(BillingOptions.class).stripePublishableKey())
                .isNull());
        runner.withPropertyValues("billing.stripe.publishable-key=pk_test_abc")
                .run(context -> assertThat(context.getBean(BillingOptions.class).stripePublishableKey())
                        .isEqualTo("pk_test_abc"));
        runner.withPropertyValues("billing.stripe.publishable-key=sk_test_abc").run(context -> {
            assertThat(context).hasFailed();
            assertThat(find(context.getStartupFailure(), BindValidationException.class)
                            .getMessage())
                    .contains("stripe.publishableKey")
                    .contains("must be a publishable key");
        });
    }

    private static String stackTrace(Throwable failure) {
        java.io.StringWriter out = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void missingRequiredPropertiesAreNamed() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
                .withUserConfiguration(MemoryStores.class)
                .run(context -> {
                    assertThat(context).hasFailed();
                    String message = find(context.getStartupFailure(), BindValidationException.class)
                            .getMessage();
                    assertThat(message)
                            .contains("stripe.secretKey")
                            .contains("stripe.webhookSecrets")
                            .contains("clerk.issuer")
                            .contains("clerk.jwtKey");
                });
    }

    @Test
    void billingCanBeSwitchedOff() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
                .withPropertyValues("billing.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Billing.class));
    }

    @Test
    void theApplicationsOwnBeansReplaceTheDefaults() {
        runner.withUserConfiguration(OwnParts.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(PaymentGateway.class)).isSameAs(context.getBean(OwnParts.class).gateway);
            assertThat(context.getBean(Notifier.class)).isInstanceOf(RecordingNotifier.class);
            assertThat(context.getBean(PlanCatalog.class)).isSameAs(OwnParts.PLANS);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnParts {
        static final PlanCatalog PLANS = SamplePlans.catalog();
        final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(MutableClock.at(Builders.T0));

        @Bean
        PaymentGateway myGateway() {
            return gateway;
        }

        @Bean
        Notifier myNotifier() {
            return new RecordingNotifier();
        }

        @Bean
        PlanCatalog myPlans() {
            return PLANS;
        }
    }

    @Test
    void noticesGoThroughTheApplicationsMailSenderWhenAFromAddressIsSet() {
        runner.withBean(JavaMailSender.class, JavaMailSenderImpl::new)
                .withPropertyValues("billing.notices.from=billing@example.com")
                .run(context -> assertThat(context.getBean(Notifier.class)).isInstanceOf(MailSenderNotifier.class));
        runner.withBean(JavaMailSender.class, JavaMailSenderImpl::new)
                .run(context -> assertThat(context.getBean(Notifier.class)).isInstanceOf(LogNotifier.class));
    }

    @Test
    void withAMeterRegistryStripeCallsAreTimed() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context.getBean(PaymentGateway.class)).isInstanceOf(MeteredPaymentGateway.class);
            assertThat(context.getBean(MeterRegistry.class)
                            .find("billing.webhook.inbox")
                            .gauges())
                    .isNotEmpty();
        });
    }

    @Test
    void byDefaultOrganizationsHaveTheDefaultOptionsAndNoMembershipSync() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(MembershipWebhookVerifier.class);
            assertThat(context.getBean(OrgOptions.class)).isEqualTo(OrgOptions.defaults());
            assertThat(context.getBean(Billing.class).useCases().receiveMembershipWebhook())
                    .isEmpty();
        });
    }

    @Test
    void analyticsAreKeptAMinuteUnlessThePropertySaysOtherwiseAndANegativeAgeIsNamed() {
        runner.run(context -> assertThat(context.getBean(BillingOptions.class).analyticsMaxAge())
                .isEqualTo(Duration.ofSeconds(60)));
        runner.withPropertyValues("billing.analytics-max-age=0s")
                .run(context -> assertThat(context.getBean(BillingOptions.class).analyticsMaxAge())
                        .isZero());
        runner.withPropertyValues("billing.analytics-max-age=-1s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(find(context.getStartupFailure(), BindValidationException.class)
                            .getMessage())
                    .contains("analyticsMaxAge")
                    .contains("must not be negative");
        });
    }

    @Test
    void duplicateSubscriptionsAreCanceledUnlessThePropertySaysFlag() {
        runner.run(context -> assertThat(context.getBean(BillingOptions.class).duplicateSubscriptions())
                .isEqualTo(DuplicateSubscriptions.CANCEL));
        runner.withPropertyValues("billing.duplicate-subscriptions=flag")
                .run(context -> assertThat(context.getBean(BillingOptions.class).duplicateSubscriptions())
                        .isEqualTo(DuplicateSubscriptions.FLAG));
        runner.withPropertyValues("billing.duplicate-subscriptions=refund").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("billing.duplicate-subscriptions");
        });
    }

    @Test
    void theOrganizationPropertiesMakeTheOrgOptions() {
        runner.withPropertyValues(
                        "billing.orgs.billing-roles=org:owner, org:finance",
                        "billing.orgs.billing-permissions=org:invoices:pay",
                        "billing.orgs.membership-sync=true",
                        "billing.orgs.auto-seats=true",
                        "billing.clerk.webhook-secrets=" + CLERK_SECRET)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(OrgOptions.class))
                            .isEqualTo(new OrgOptions(
                                    List.of("org:owner", "org:finance"), List.of("org:invoices:pay"), true, true));
                });
    }

    @Test
    void withMembershipSyncBillingReceivesClerksWebhooks() {
        runner.withPropertyValues("billing.orgs.membership-sync=true", "billing.clerk.webhook-secrets=" + CLERK_SECRET)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MembershipWebhookVerifier.class);
                    assertThat(context.getBean(MembershipWebhookVerifier.class))
                            .isInstanceOf(ClerkWebhookVerifier.class);
                    assertThat(context.getBean(OrgOptions.class).membershipSync())
                            .isTrue();
                    assertThat(context.getBean(Billing.class).useCases().receiveMembershipWebhook())
                            .isPresent();
                });
    }

    @Test
    void theApplicationsOwnOrgOptionsAndVerifierReplaceTheDefaults() {
        OrgOptions own = OrgOptions.defaults().withMembershipSync(true);
        MembershipWebhookVerifier verifier = ClerkWebhookVerifier.create(List.of(CLERK_SECRET));
        runner.withBean(OrgOptions.class, () -> own)
                .withBean(MembershipWebhookVerifier.class, () -> verifier)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(OrgOptions.class)).isSameAs(own);
                    assertThat(context.getBean(MembershipWebhookVerifier.class)).isSameAs(verifier);
                    assertThat(context.getBean(Billing.class).useCases().receiveMembershipWebhook())
                            .isPresent();
                });
    }

    @Test
    void anOwnOrgOptionsWithSyncButNoVerifierSaysWhatToSet() {
        runner.withBean(OrgOptions.class, () -> OrgOptions.defaults().withMembershipSync(true))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(find(context.getStartupFailure(), IllegalStateException.class))
                            .hasMessageContaining("billing.clerk.webhook-secrets");
                });
    }

    @Test
    void membershipSyncNeedsClerksWebhookSecrets() {
        runner.withPropertyValues("billing.orgs.membership-sync=true").run(context -> {
            assertThat(context).hasFailed();
            BindValidationException invalid = find(context.getStartupFailure(), BindValidationException.class);
            assertThat(invalid.getValidationErrors().getAllErrors()).hasSize(1);
            assertThat(invalid.getMessage())
                    .contains("clerk.webhookSecrets")
                    .contains("is required with " + "billing.orgs.membership-sync=true");
        });
    }

    @Test
    void autoSeatsNeedMembershipSync() {
        runner.withPropertyValues("billing.orgs.auto-seats=true").run(context -> {
            assertThat(context).hasFailed();
            BindValidationException invalid = find(context.getStartupFailure(), BindValidationException.class);
            assertThat(invalid.getValidationErrors().getAllErrors()).hasSize(1);
            assertThat(invalid.getMessage()).contains("orgs.autoSeats").contains("billing.orgs.membership-sync=true");
        });
    }

    @Test
    void aMalformedClerkSecretIsNamedButNeverShown() {
        String notBase64 = "whsec_not-a-secret!";
        String tooShort = "whsec_c2hvcnQ=";
        runner.withPropertyValues(
                        "billing.orgs.membership-sync=true",
                        "billing.clerk.webhook-secrets=" + CLERK_SECRET + "," + notBase64 + "," + tooShort)
                .run(context -> {
                    assertThat(context).hasFailed();
                    BindValidationException invalid = find(context.getStartupFailure(), BindValidationException.class);
                    assertThat(invalid.getValidationErrors().getAllErrors()).hasSize(2);
                    assertThat(invalid.getMessage())
                            .contains("clerk.webhookSecrets[1]")
                            .contains("clerk.webhookSecrets[2]")
                            .contains("must be a Svix signing secret");
                    List<String> printed = new ArrayList<>();
                    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                        printed.add(String.valueOf(t.getMessage()));
                        printed.add(t.toString());
                    }
                    invalid.getValidationErrors().getAllErrors().forEach(error -> {
                        printed.add(error.toString());
                        if (error instanceof FieldError field) {
                            printed.add(String.valueOf(field.getRejectedValue()));
                        }
                    });
                    assertThat(printed)
                            .noneMatch(text -> text.contains("not-a-secret")
                                    || text.contains("c2hvcnQ")
                                    || text.contains(CLERK_SECRET.substring(6)));
                });
    }

    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}

package dev.billing.spring;

import dev.billing.core.Billing;
import dev.billing.core.LogNotifier;
import dev.billing.core.model.PlanCatalog;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.IdentityVerifier;
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
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration in a plain application context: every bean from {@code billing.*}, each replaceable, the
 * background work bound to the context, and every bad property named at once. Stores are the in-memory fakes (no
 * database here: the example application runs the whole thing on Postgres).
 */
class BillingAutoConfigurationTest {
    static final String PEM = TestKeys.rsa2048().publicKeyPem();

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
            assertThat(context).hasNotFailed().hasSingleBean(Billing.class).hasSingleBean(PaymentGateway.class)
                    .hasSingleBean(IdentityVerifier.class).hasSingleBean(PlanCatalog.class)
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
        runner.withPropertyValues("billing.stripe.webhook-secrets=not_a_secret", "billing.stripe.secret-key=pk_test_1",
                "billing.allowed-origins=https://app.example.com/path", "billing.past-due-grace=120d")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    BindValidationException invalid = find(failure, BindValidationException.class);
                    assertThat(invalid).as("a validation failure").isNotNull();
                    assertThat(invalid.getValidationErrors().getAllErrors()).hasSize(4);
                    assertThat(invalid.getMessage())
                            .contains("stripe.webhookSecrets[0]").contains("must be a webhook signing secret starting with whsec_")
                            .contains("stripe.secretKey").contains("is not a Stripe secret key")
                            .contains("allowedOrigins[0]").contains("pastDueGrace");
                });
    }

    @Test
    void missingRequiredPropertiesAreNamed() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
                .withUserConfiguration(MemoryStores.class)
                .run(context -> {
                    assertThat(context).hasFailed();
                    String message = find(context.getStartupFailure(), BindValidationException.class).getMessage();
                    assertThat(message).contains("stripe.secretKey").contains("stripe.webhookSecrets")
                            .contains("clerk.issuer").contains("clerk.jwtKey");
                });
    }

    @Test
    void billingCanBeSwitchedOff() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
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
            assertThat(context.getBean(MeterRegistry.class).find("billing.webhook.inbox").gauges()).isNotEmpty();
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

package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.PaymentGateway;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code billing} health indicator on the Boot line the tests run on. Actuator's health types moved in Boot 4, so
 * the indicator is read through the one method both lines' types share by name ({@code health()}, then the status
 * code and the details).
 */
class BillingActuatorAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(BillingAutoConfiguration.class, BillingActuatorAutoConfiguration.class))
            .withUserConfiguration(Parts.class)
            .withPropertyValues(
                    "billing.stripe.secret-key=sk_test_123",
                    "billing.stripe.webhook-secrets=whsec_abc",
                    "billing.clerk.issuer=https://clerk.example.com",
                    "billing.clerk.jwt-key=" + BillingAutoConfigurationTest.PEM.replace("\n", "\\n"));

    /** In-memory stores whose "database" can go down, and the fake gateway: no network in a unit test. */
    @Configuration(proxyBeanMethods = false)
    static class Parts {
        final InMemoryBillingStores memory = InMemoryBillingStores.create();

        @Bean
        BillingStores stores() {
            return memory.stores();
        }

        @Bean
        PaymentGateway gateway() {
            return new FakePaymentGateway(Clock.systemUTC());
        }
    }

    @Test
    void billingIsUpWithTheStoreAndStripeAsDetails() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasBean("billingHealthIndicator");
            Object health = health(context.getBean("billingHealthIndicator"));
            assertThat(status(health)).isEqualTo("UP");
            assertThat(details(health)).containsEntry("store", "up").containsEntry("stripe", "up");
        });
    }

    @Test
    void billingIsDownWhenTheStoreIs() {
        runner.run(context -> {
            context.getBean(Parts.class).memory.storeSwitch().down();
            Object health = health(context.getBean("billingHealthIndicator"));
            assertThat(status(health)).isEqualTo("DOWN");
            assertThat((String) details(health).get("store")).startsWith("down: ");
        });
    }

    @Test
    void managementHealthBillingEnabledFalseTakesItAway() {
        runner.withPropertyValues("management.health.billing.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("billingHealthIndicator"));
    }

    private static Object health(Object indicator) throws Exception {
        return call(indicator, "health");
    }

    private static String status(Object health) throws Exception {
        return (String) call(call(health, "getStatus"), "getCode");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Object health) throws Exception {
        return (Map<String, Object>) call(health, "getDetails");
    }

    private static Object call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        return m.invoke(target);
    }
}

package dev.billing.spring;

import dev.billing.core.Billing;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.PaymentGateway;
import java.time.Clock;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Billing in Actuator on Spring Boot 3.5 (Boot 4's twin lives in billing-spring-boot4-autoconfigure, since Actuator's
 * health types moved): the {@code billing} health indicator (store, and Stripe as a detail). The metrics (inbox and
 * meter-report gauges, background work, Stripe calls, HTTP requests) go to the application's {@code MeterRegistry}
 * from {@link BillingAutoConfiguration} and {@link BillingWebMvcAutoConfiguration}.
 */
@AutoConfiguration(after = BillingAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Billing.class)
public class BillingActuatorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "billingHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("billing")
    public HealthIndicator billingHealthIndicator(BillingStores stores, PaymentGateway gateway, Clock clock) {
        return new BillingHealthIndicator(new BillingHealth(stores, gateway, clock));
    }
}

package dev.billing.spring;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.WorkTracer;
import dev.billing.opentelemetry.OpenTelemetryTracing;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Billing in the application's existing tracing: when it has an {@link OpenTelemetry} bean (Spring Boot's own, with
 * Micrometer Tracing bridged to OpenTelemetry, or the application's) and {@code billing-opentelemetry} is on the
 * class path, the core's work (webhook receipt, its linked processing, background runs) and every Stripe and store
 * call become spans of it. The HTTP requests' spans are Spring's own (its server observations), so the routes add
 * none. Without such a bean nothing here applies and nothing is traced.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
            "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration"
        })
@ConditionalOnClass({OpenTelemetry.class, OpenTelemetryTracing.class})
@ConditionalOnBean(OpenTelemetry.class)
public class BillingTracingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public OpenTelemetryTracing billingTracing(OpenTelemetry openTelemetry) {
        return OpenTelemetryTracing.create(openTelemetry);
    }

    /** Handed to {@code Billing.builder().tracer(..)} by {@link BillingAutoConfiguration}. */
    @Bean
    @ConditionalOnMissingBean
    public WorkTracer billingWorkTracer(OpenTelemetryTracing tracing) {
        return tracing.tracer();
    }

    /**
     * Decorates the gateway and the stores wherever they come from (these auto-configurations or the application):
     * a decorator in place of the bean, so every use of it, the health indicator's included, is traced alike.
     */
    @Bean
    static BeanPostProcessor billingTracingDecorators(ObjectProvider<OpenTelemetryTracing> tracing) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof PaymentGateway gateway) {
                    return tracing.getObject().gateway(gateway);
                }
                if (bean instanceof BillingStores stores) {
                    return tracing.getObject().stores(stores);
                }
                return bean;
            }
        };
    }
}

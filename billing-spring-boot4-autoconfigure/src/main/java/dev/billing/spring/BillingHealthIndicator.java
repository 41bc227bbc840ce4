package dev.billing.spring;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code billing} in Actuator's health on Spring Boot 4 ({@link BillingHealth} decides what it says). Its Boot 3.5
 * twin in billing-spring-boot-autoconfigure differs only in where Actuator's types live.
 */
final class BillingHealthIndicator extends AbstractHealthIndicator {
    private final BillingHealth health;

    BillingHealthIndicator(BillingHealth health) {
        super("Billing health check failed");
        this.health = health;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        BillingHealth.Report report = health.check();
        (report.up() ? builder.up() : builder.down()).withDetails(report.details());
    }
}

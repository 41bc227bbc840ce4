package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Billing's auto-configurations order themselves after and before Spring Boot's by name, one list for both Boot lines:
 * every name of the line these tests run on exists, so a class Boot moved, or a typo, cannot silently drop an order
 * (a missing name is ignored by Spring, and the beans would then be made in the wrong order).
 */
class AutoConfigurationOrderTest {
    @Test
    void everyNameOfThisBootLineExists() {
        List<String> names = new ArrayList<>();
        for (Class<?> configuration : List.of(
                BillingAutoConfiguration.class,
                BillingWebMvcAutoConfiguration.class,
                BillingSecurityAutoConfiguration.class,
                BillingActuatorAutoConfiguration.class)) {
            AutoConfiguration order = configuration.getAnnotation(AutoConfiguration.class);
            names.addAll(BootLine.ofThisLine(order.afterName()));
            names.addAll(BootLine.ofThisLine(order.beforeName()));
        }

        assertThat(names)
                .as("Spring Boot's auto-configurations billing orders itself against")
                .hasSizeGreaterThan(5);
        names.forEach(BootLine::load);
    }
}

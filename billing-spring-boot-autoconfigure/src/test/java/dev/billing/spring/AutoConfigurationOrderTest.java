package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Billing's auto-configurations order themselves after and before Spring Boot's by name, one list for both Boot lines:
 * every name of the line these tests run on exists, so a class Boot moved, or a typo, cannot silently drop an order
 * (Spring ignores a missing name, and the beans would then be made in the wrong order). Read from the imports file,
 * so an auto-configuration added there is checked too.
 */
class AutoConfigurationOrderTest {
    private static final String IMPORTS =
            "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

    @Test
    void everyNameOfThisBootLineExists() throws IOException {
        List<String> names = new ArrayList<>();
        for (String configuration : imported()) {
            AutoConfiguration order = BootLine.load(configuration).getAnnotation(AutoConfiguration.class);
            assertThat(order).as(configuration + " is an @AutoConfiguration").isNotNull();
            names.addAll(BootLine.ofThisLine(order.afterName()));
            names.addAll(BootLine.ofThisLine(order.beforeName()));
        }

        assertThat(names)
                .as("Spring Boot's auto-configurations billing orders itself against")
                .hasSizeGreaterThan(5);
        names.forEach(BootLine::load);
    }

    @Test
    void theImportsFileListsBillingsAutoConfigurations() throws IOException {
        assertThat(imported())
                .contains(
                        BillingAutoConfiguration.class.getName(),
                        BillingWebMvcAutoConfiguration.class.getName(),
                        BillingSecurityAutoConfiguration.class.getName(),
                        BillingActuatorAutoConfiguration.class.getName());
    }

    private static List<String> imported() throws IOException {
        try (InputStream in = AutoConfigurationOrderTest.class.getClassLoader().getResourceAsStream(IMPORTS)) {
            assertThat(in).as(IMPORTS).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        }
    }
}

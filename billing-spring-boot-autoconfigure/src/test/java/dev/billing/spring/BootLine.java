package dev.billing.spring;

import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.util.ClassUtils;

/**
 * The Spring Boot line these tests run on, and Spring Boot's own auto-configurations they assemble beside billing's,
 * by name: the tests are shared by billing-spring-boot-autoconfigure (Boot 3.5) and
 * billing-spring-boot4-autoconfigure (Boot 4), and Boot 4 moved these classes to other packages and jars.
 */
final class BootLine {
    static final boolean BOOT_4 = SpringBootVersion.getVersion().startsWith("4.");

    private BootLine() {}

    /** Spring MVC with Spring Security's servlet auto-configuration, as an application with both gets it. */
    static AutoConfigurations servletSecurity() {
        return AutoConfigurations.of(classes(
                BOOT_4
                        ? List.of(
                                "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
                                "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
                                "org.springframework.boot.security.autoconfigure.web.servlet"
                                        + ".ServletWebSecurityAutoConfiguration",
                                "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration",
                                "org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration",
                                "org.springframework.boot.http.converter.autoconfigure"
                                        + ".HttpMessageConvertersAutoConfiguration")
                        : List.of(
                                "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
                                "org.springframework.boot.autoconfigure.security.servlet"
                                        + ".UserDetailsServiceAutoConfiguration",
                                "org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration",
                                "org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration",
                                "org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration")));
    }

    /**
     * The names an {@code afterName}/{@code beforeName} list gives for the running line: each list names Boot 3.5's
     * classes and Boot 4's, and only one set can be present.
     */
    static List<String> ofThisLine(String... names) {
        return Arrays.stream(names).filter(name -> BOOT_4 == !isBoot3Name(name)).toList();
    }

    private static boolean isBoot3Name(String name) {
        // Boot 3.5 kept every auto-configuration in these two packages; Boot 4 has one package per module.
        return name.startsWith("org.springframework.boot.autoconfigure.")
                || name.startsWith("org.springframework.boot.actuate.autoconfigure.");
    }

    private static Class<?>[] classes(List<String> names) {
        return names.stream().map(BootLine::load).toArray(Class<?>[]::new);
    }

    static Class<?> load(String name) {
        try {
            return ClassUtils.forName(name, BootLine.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(
                    name + " is not on Spring Boot " + SpringBootVersion.getVersion()
                            + "'s class path: a name of the other line, or a module missing from the test dependencies",
                    e);
        }
    }
}

package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * Spring Security in a servlet application with the starter, as Spring Boot assembles it: Clerk's tokens are the way
 * in, so Boot's default user with its generated (and logged) password is not made, while an application's own user
 * setup is left as it is.
 */
@ExtendWith(OutputCaptureExtension.class)
class BillingSecurityAutoConfigurationTest {
    private static final String GENERATED = "Using generated security password";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    BillingAutoConfiguration.class,
                    BillingWebMvcAutoConfiguration.class,
                    BillingSecurityAutoConfiguration.class))
            .withConfiguration(BootLine.servletSecurity())
            .withUserConfiguration(BillingAutoConfigurationTest.MemoryStores.class)
            .withPropertyValues(
                    "billing.stripe.secret-key=sk_test_123",
                    "billing.stripe.webhook-secrets=whsec_abc",
                    "billing.clerk.issuer=https://clerk.example.com",
                    "billing.clerk.jwt-key=" + BillingAutoConfigurationTest.PEM.replace("\n", "\\n"),
                    "billing.allowed-origins=https://app.example.com");

    @Test
    void noPasswordIsGeneratedOrLoggedWhenTheApplicationHasNoUsersOfItsOwn(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(UserDetailsService.class)
                    .doesNotHaveBean(InMemoryUserDetailsManager.class);
            UserDetailsService users = context.getBean(UserDetailsService.class);
            assertThatThrownBy(() -> users.loadUserByUsername("user")).isInstanceOf(UsernameNotFoundException.class);
        });
        assertThat(output.getAll()).doesNotContain(GENERATED);
    }

    @Test
    void theApplicationsOwnUserDetailsServiceIsTheOnlyOne(CapturedOutput output) {
        runner.withUserConfiguration(OwnUsers.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(UserDetailsService.class);
            assertThat(context.getBean(UserDetailsService.class)
                            .loadUserByUsername("ops")
                            .getUsername())
                    .isEqualTo("ops");
        });
        assertThat(output.getAll()).doesNotContain(GENERATED);
    }

    @Test
    void bootsUserStaysWhenTheApplicationConfiguresIt() {
        runner.withPropertyValues("spring.security.user.name=ops", "spring.security.user.password=not-generated")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(InMemoryUserDetailsManager.class);
                    assertThat(context.getBean(UserDetailsService.class)
                                    .loadUserByUsername("ops")
                                    .getPassword())
                            .endsWith("not-generated");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnUsers {
        @Bean
        UserDetailsService ownUsers() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("ops").password("{noop}pw").roles("OPS").build());
        }
    }
}

package dev.billing.spring;

import dev.billing.core.port.IdentityVerifier;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;

/**
 * Spring Security with Clerk session tokens: a {@link BillingSecurity} configurer for the application's own filter
 * chain, and, when the application defines none, a default chain: billing routes let through (they authenticate
 * themselves), everything else needs a valid session token, no sessions, no CSRF tokens (bearer tokens are not
 * sent by the browser on their own; a cookie-borne token authenticates a write only from an allowed origin). The
 * error page and Actuator's health stay open. And Spring Boot's default user is not made: its generated password,
 * logged at every start, stands for "no other way to sign in", while here Clerk's session tokens are that way.
 */
@AutoConfiguration(
        after = {BillingAutoConfiguration.class, BillingWebMvcAutoConfiguration.class},
        beforeName = {
            // Spring Boot 3.5's names, then 4's (one list serves both lines; the absent ones are ignored).
            "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration"
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class})
@ConditionalOnBean(IdentityVerifier.class)
public class BillingSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public BillingSecurity billingSecurity(
            IdentityVerifier identities, BillingProperties properties, ObjectProvider<BillingRoutes> routes) {
        BillingRoutes served = routes.getIfAvailable();
        return new BillingSecurity(
                identities, properties.getAllowedOrigins(), served == null ? List.of() : served.paths());
    }

    /**
     * Only when the application has no chain of its own: what Boot's {@code @ConditionalOnDefaultWebSecurity} says
     * (given the class condition above), spelled without it since Boot 4 moved it to another package.
     */
    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    public SecurityFilterChain billingSecurityFilterChain(HttpSecurity http, BillingSecurity billing) throws Exception {
        return http.with(billing, c -> {})
                .authorizeHttpRequests(a -> a.requestMatchers(billing.billingRoutes())
                        .permitAll()
                        .requestMatchers("/error", "/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .build();
    }

    /**
     * Stands in for Spring Boot's default user ({@code UserDetailsServiceAutoConfiguration}: the user {@code user}
     * with a password generated and logged as "Using generated security password" at every start) under exactly the
     * conditions Boot would make it, with a {@link UserDetailsService} that knows nobody. The application's own
     * setup always wins: its {@code UserDetailsService}, {@code AuthenticationProvider}, {@code AuthenticationManager}
     * (or resolver) or {@code JwtDecoder} bean, OAuth2 or SAML login on the class path, or
     * {@code spring.security.user.name}/{@code password} (Boot's user, as configured), and this is not made.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass({
        "org.springframework.security.oauth2.client.registration.ClientRegistrationRepository",
        "org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector",
        "org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistrationRepository"
    })
    @Conditional(NoDefaultUserConfigured.class)
    @ConditionalOnMissingBean(
            value = {
                AuthenticationManager.class,
                AuthenticationProvider.class,
                UserDetailsService.class,
                AuthenticationManagerResolver.class
            },
            type = "org.springframework.security.oauth2.jwt.JwtDecoder")
    static class NoDefaultUser {
        @Bean
        UserDetailsService billingNoUserDetailsService() {
            return username -> {
                throw new UsernameNotFoundException(
                        "No user signs in with a password here: send a Clerk session " + "token");
            };
        }
    }

    /** Neither {@code spring.security.user.name} nor {@code spring.security.user.password} is set. */
    static class NoDefaultUserConfigured extends NoneNestedConditions {
        NoDefaultUserConfigured() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = "spring.security.user", name = "name")
        static class NameConfigured {}

        @ConditionalOnProperty(prefix = "spring.security.user", name = "password")
        static class PasswordConfigured {}
    }
}

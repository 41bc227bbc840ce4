package dev.billing.spring;

import dev.billing.core.port.IdentityVerifier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.security.ConditionalOnDefaultWebSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;

import java.util.List;

/**
 * Spring Security with Clerk session tokens: a {@link BillingSecurity} configurer for the application's own filter
 * chain, and, when the application defines none, a default chain: billing routes let through (they authenticate
 * themselves), everything else needs a valid session token, no sessions, no CSRF tokens (bearer tokens are not
 * sent by the browser on their own; a cookie-borne token authenticates a write only from an allowed origin). The
 * error page and Actuator's health stay open.
 */
@AutoConfiguration(after = {BillingAutoConfiguration.class, BillingWebMvcAutoConfiguration.class},
        beforeName = "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class})
@ConditionalOnBean(IdentityVerifier.class)
public class BillingSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public BillingSecurity billingSecurity(IdentityVerifier identities, BillingProperties properties,
                                           ObjectProvider<BillingRoutes> routes) {
        BillingRoutes served = routes.getIfAvailable();
        return new BillingSecurity(identities, properties.getAllowedOrigins(),
                served == null ? List.of() : served.paths());
    }

    @Bean
    @ConditionalOnDefaultWebSecurity
    public SecurityFilterChain billingSecurityFilterChain(HttpSecurity http, BillingSecurity billing)
            throws Exception {
        return http.with(billing, c -> { })
                .authorizeHttpRequests(a -> a.requestMatchers(billing.billingRoutes()).permitAll()
                        .requestMatchers("/error", "/actuator/health", "/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .build();
    }
}

package dev.billing.spring;

import dev.billing.core.port.IdentityVerifier;
import java.util.List;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Clerk session tokens in the application's own Spring Security configuration:
 * <pre>{@code
 * @Bean
 * SecurityFilterChain app(HttpSecurity http, BillingSecurity billing) throws Exception {
 *     return http.with(billing, Customizer.withDefaults())
 *             .authorizeHttpRequests(a -> a.requestMatchers(billing.billingRoutes()).permitAll()
 *                     .anyRequest().authenticated())
 *             .build();
 * }
 * }</pre>
 * It adds the filter that turns a valid session token into a {@link ClerkAuthentication} (principal:
 * {@link BillingPrincipal}). The billing routes authenticate their own callers, so they are let through.
 */
public final class BillingSecurity extends AbstractHttpConfigurer<BillingSecurity, HttpSecurity> {
    private final IdentityVerifier identities;
    private final List<String> allowedOrigins;
    private final List<String> routes;

    BillingSecurity(IdentityVerifier identities, List<String> allowedOrigins, List<String> routes) {
        this.identities = identities;
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.routes = List.copyOf(routes);
    }

    @Override
    public void configure(HttpSecurity http) {
        http.addFilterBefore(
                new ClerkAuthenticationFilter(identities, allowedOrigins), AnonymousAuthenticationFilter.class);
    }

    /** Matches the billing routes this application serves (none when the web routes are off). */
    public RequestMatcher billingRoutes() {
        if (routes.isEmpty()) {
            return request -> false;
        }
        List<RequestMatcher> matchers = routes.stream()
                .map(path -> (RequestMatcher)
                        PathPatternRequestMatcher.withDefaults().matcher(path))
                .toList();
        return new OrRequestMatcher(matchers);
    }
}

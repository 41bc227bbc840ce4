package dev.billing.spring;

import dev.billing.core.error.BillingException;
import dev.billing.core.model.Identity;
import dev.billing.core.port.IdentityVerifier;
import dev.billing.core.servicekey.ServiceKeys;
import dev.billing.http.ErrorMapper;
import dev.billing.http.JsonCodec;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request by its Clerk session token ({@code Authorization: Bearer}, or the {@code __session}
 * cookie), as the billing routes do: a valid token makes a {@link ClerkAuthentication}; an invalid one is answered
 * 401 (503 when Clerk's keys cannot be fetched) with the API's error body; no token leaves the request anonymous
 * for the application's rules to decide. A cookie-borne token authenticates a write only from an allowed origin,
 * since the browser sends the cookie on cross-site requests too.
 */
final class ClerkAuthenticationFilter extends OncePerRequestFilter {
    static final String SESSION_COOKIE = "__session";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final IdentityVerifier identities;
    private final List<String> allowedOrigins;
    private final ErrorMapper errors = new ErrorMapper(new JsonCodec());
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    ClerkAuthenticationFilter(IdentityVerifier identities, List<String> allowedOrigins) {
        this.identities = identities;
        this.allowedOrigins = List.copyOf(allowedOrigins);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = token(request);
        if (token == null) {
            chain.doFilter(request, response);
            return;
        }
        Identity identity;
        try {
            identity = identities.verify(token);
        } catch (BillingException e) {
            contexts.clearContext();
            ServletExchange exchange = new ServletExchange(request, response, Map.of());
            errors.handle(e, exchange);
            exchange.commit();
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new ClerkAuthentication(BillingPrincipal.of(identity)));
        contexts.setContext(context);
        chain.doFilter(request, response);
    }

    /** The bearer token, or the session cookie where it may authenticate this request; null when there is none. */
    private String token(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).strip();
            // A service API key is no session token: the billing routes check it themselves (ApiDispatcher), and
            // to the application's own routes its caller stays anonymous.
            return token.isEmpty() || ServiceKeys.looksLikeKey(token) ? null : token;
        }
        if (authorization != null) {
            return null; // another scheme: for another filter (Basic, ...)
        }
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(SESSION_COOKIE) && !cookie.getValue().isBlank()) {
                boolean safe = SAFE_METHODS.contains(request.getMethod());
                String origin = request.getHeader("Origin");
                return safe || (origin != null && allowedOrigins.contains(origin)) ? cookie.getValue() : null;
            }
        }
        return null;
    }
}

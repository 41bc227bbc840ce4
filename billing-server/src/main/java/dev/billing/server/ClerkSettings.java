package dev.billing.server;

import dev.billing.clerk.ClerkConfig;
import java.util.List;

/**
 * Clerk's session-token settings read from the environment into the adapter's {@link ClerkConfig}:
 * {@code CLERK_PUBLISHABLE_KEY} (derives the issuer and the JWKS URL), {@code CLERK_ISSUER} and
 * {@code CLERK_JWKS_URL} (each overrides the derived value), {@code CLERK_JWT_KEY} (a PEM public key: networkless
 * verification) and {@code CLERK_AUTHORIZED_PARTIES} (comma-separated origins). Blank values count as unset.
 *
 * <p>Usage: {@code ClerkConfig clerk = ClerkSettings.read(reader);} (null, with the problems in the reader, when
 * they are missing or invalid)
 */
final class ClerkSettings {
    static final String PUBLISHABLE_KEY = "CLERK_PUBLISHABLE_KEY";
    static final String ISSUER = "CLERK_ISSUER";
    static final String JWKS_URL = "CLERK_JWKS_URL";
    static final String JWT_KEY = "CLERK_JWT_KEY";
    static final String AUTHORIZED_PARTIES = "CLERK_AUTHORIZED_PARTIES";

    private ClerkSettings() {}

    /**
     * The Clerk configuration, or null when a setting is missing or invalid; each problem is added to {@code r},
     * naming its variable (never repeating a key).
     */
    static ClerkConfig read(EnvReader r) {
        String pk = r.optional(PUBLISHABLE_KEY);
        String issuer = r.optional(ISSUER);
        String jwksUrl = r.optional(JWKS_URL);
        String jwtKey = r.optional(JWT_KEY);
        boolean hasIssuer = issuer != null || pk != null;
        boolean hasKeys = jwksUrl != null || pk != null || jwtKey != null;
        if (!hasIssuer) {
            r.problem(
                    ISSUER + " or " + PUBLISHABLE_KEY + " is required (the Clerk instance that signs session tokens)");
        }
        if (!hasKeys) {
            r.problem(JWT_KEY + ", " + JWKS_URL + " or " + PUBLISHABLE_KEY
                    + " is required (where Clerk's signing keys come from)");
        }
        if (!hasIssuer || !hasKeys) {
            return null;
        }
        ClerkConfig.Builder builder = ClerkConfig.builder();
        try {
            if (pk != null) {
                named(PUBLISHABLE_KEY, () -> builder.publishableKey(pk));
            }
            if (issuer != null) {
                builder.issuer(issuer);
            }
            if (jwksUrl != null) {
                named(JWKS_URL, () -> builder.jwksUrl(jwksUrl));
            }
            if (jwtKey != null) {
                named(JWT_KEY, () -> builder.jwtKey(jwtKey));
            }
            builder.authorizedParties(r.list(AUTHORIZED_PARTIES, List.of()));
            try {
                return builder.build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Clerk configuration: " + e.getMessage(), e);
            }
        } catch (IllegalArgumentException e) {
            r.problem(e.getMessage());
            return null;
        }
    }

    private static void named(String variable, Runnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + ": " + e.getMessage(), e);
        }
    }
}

package dev.billing.http;

import java.time.Instant;

/**
 * Local mode's token issuer behind {@code POST /local/token}: mints a real session token that the configured
 * verifier accepts. Only the local-mode composition root supplies one; without it the route does not exist.
 */
public interface LocalTokens {

    /** A signed session token for {@code userId}. */
    Issued issue(String userId);

    /** A minted token and when it expires. */
    record Issued(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }
}

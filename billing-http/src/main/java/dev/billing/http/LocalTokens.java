package dev.billing.http;

import java.time.Instant;

/**
 * Local mode's token issuer behind {@code POST /local/token}: mints a real session token that the configured
 * verifier accepts. Only the local-mode composition root supplies one; without it the route does not exist.
 */
public interface LocalTokens {

    /** A signed session token for {@code userId}. */
    default Issued issue(String userId) {
        return issue(userId, null);
    }

    /** A signed session token for {@code userId}, with {@code org} as the active organization (null: none). */
    Issued issue(String userId, Org org);

    /** The active organization a minted token names: its id, the user's role there, and their permissions. */
    record Org(String id, String role, java.util.List<String> permissions) {
        public Org {
            permissions = java.util.List.copyOf(permissions);
        }
    }

    /** A minted token and when it expires. */
    record Issued(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }
}

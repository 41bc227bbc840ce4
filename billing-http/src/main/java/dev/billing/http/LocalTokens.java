package dev.billing.http;

import java.time.Instant;

/**
 * Local mode's token issuer behind {@code POST /local/token}: mints a real session token that the configured
 * verifier accepts. Only the local-mode composition root supplies one; without it the route does not exist.
 */
public interface LocalTokens {

    /** A signed session token for {@code userId}. */
    default Issued issue(String userId) {
        return issue(userId, null, null);
    }

    /** A signed session token for {@code userId}, with {@code org} as the active organization (null: none). */
    default Issued issue(String userId, Org org) {
        return issue(userId, null, org);
    }

    /**
     * A signed session token for {@code userId} carrying {@code email} (null: none) and {@code org} as the active
     * organization (null: none), as a Clerk session token customized with the user's email carries them.
     */
    Issued issue(String userId, Email email, Org org);

    /** The user's email address and whether Clerk verified it (Clerk's {@code email}, {@code email_verified}). */
    record Email(String address, boolean verified) {
        public Email {
            java.util.Objects.requireNonNull(address, "address");
        }
    }

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

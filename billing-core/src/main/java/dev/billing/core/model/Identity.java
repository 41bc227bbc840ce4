package dev.billing.core.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A verified caller: who they are and which session they hold. {@code email} and {@code org} (the active
 * organization, with the caller's role and permissions there) may be null; {@code claims} holds the verified token's
 * other claims (never the token itself).
 */
public record Identity(UserId userId, String sessionId, String email, OrgMembership org, Map<String, Object> claims) {
    public Identity {
        Objects.requireNonNull(userId, "userId");
        Checks.text(sessionId, "sessionId");
        email = Checks.optionalText(email, "email");
        Map<String, Object> copy = new LinkedHashMap<>();
        if (claims != null) {
            claims.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.put(k, v);
                }
            });
        }
        claims = Map.copyOf(copy);
    }

    /** An identity with only a user and a session, for tests and local tools. */
    public static Identity of(String userId, String sessionId) {
        return new Identity(UserId.of(userId), sessionId, null, null, Map.of());
    }

    /**
     * The email Clerk verified for this user ({@code email_verified} in the session token), or null: what may find
     * the user's guest purchases and other records kept by email.
     */
    public String verifiedEmail() {
        return email != null && Boolean.TRUE.equals(claims.get("email_verified")) ? email : null;
    }

    /** The active organization's id, or null. */
    public String orgId() {
        return org == null ? null : org.orgId();
    }
}

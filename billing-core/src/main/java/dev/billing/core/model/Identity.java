package dev.billing.core.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A verified caller: who they are and which session they hold. {@code email} and {@code orgId} may be null;
 * {@code claims} holds the verified token's other claims (never the token itself).
 */
public record Identity(UserId userId, String sessionId, String email, String orgId, Map<String, Object> claims) {
    public Identity {
        Objects.requireNonNull(userId, "userId");
        Checks.text(sessionId, "sessionId");
        email = Checks.optionalText(email, "email");
        orgId = Checks.optionalText(orgId, "orgId");
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
}

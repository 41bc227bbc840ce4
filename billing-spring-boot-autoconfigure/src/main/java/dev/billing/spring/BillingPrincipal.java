package dev.billing.spring;

import dev.billing.core.model.Identity;
import java.security.Principal;
import java.util.Objects;

/**
 * The signed-in caller as Spring Security presents it ({@code @AuthenticationPrincipal BillingPrincipal me}): the
 * Clerk user, the session, the active organization (null without one) and the verified email (null when the token
 * carries none). Never the token itself.
 */
public record BillingPrincipal(String userId, String sessionId, String orgId, String email) implements Principal {
    public BillingPrincipal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
    }

    static BillingPrincipal of(Identity identity) {
        return new BillingPrincipal(
                identity.userId().value(), identity.sessionId(), identity.orgId(), identity.email());
    }

    /** The user id. */
    @Override
    public String getName() {
        return userId;
    }
}

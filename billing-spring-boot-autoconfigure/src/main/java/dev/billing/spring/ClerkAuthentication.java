package dev.billing.spring;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/** An authenticated Clerk session: the principal is a {@link BillingPrincipal}; no credentials are kept. */
public final class ClerkAuthentication extends AbstractAuthenticationToken {
    private final BillingPrincipal principal;

    ClerkAuthentication(BillingPrincipal principal) {
        super(AuthorityUtils.createAuthorityList("ROLE_USER"));
        this.principal = principal;
        setAuthenticated(true);
    }

    @Override
    public BillingPrincipal getPrincipal() {
        return principal;
    }

    /** The session token is not kept once verified. */
    @Override
    public Object getCredentials() {
        return null;
    }
}

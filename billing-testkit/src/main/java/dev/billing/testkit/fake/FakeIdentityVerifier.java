package dev.billing.testkit.fake;

import dev.billing.core.error.IdentityRejectedException;
import dev.billing.core.error.IdentityUnavailableException;
import dev.billing.core.model.Identity;
import dev.billing.core.port.IdentityVerifier;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link IdentityVerifier} that knows the tokens it issued. Real RSA-signed Clerk tokens are tested in
 * billing-http.
 *
 * <p>Usage: {@code String token = identities.issue(Identity.of("user_1", "sess_1"));}
 */
public final class FakeIdentityVerifier implements IdentityVerifier {
    private final Map<String, Identity> tokens = new ConcurrentHashMap<>();
    private volatile boolean unavailable;

    public String issue(Identity identity) {
        String token = "fake." + UUID.randomUUID();
        tokens.put(token, identity);
        return token;
    }

    public void revokeAll() {
        tokens.clear();
    }

    /** While true, every verification fails as if the key source were down. */
    public void unavailable(boolean value) {
        this.unavailable = value;
    }

    @Override
    public Identity verify(String token) {
        if (unavailable) {
            throw new IdentityUnavailableException("fake key source is down");
        }
        if (token == null || token.isBlank()) {
            throw new IdentityRejectedException(IdentityRejectedException.Reason.MISSING, "No token.");
        }
        Identity identity = tokens.get(token);
        if (identity == null) {
            throw new IdentityRejectedException(IdentityRejectedException.Reason.BAD_SIGNATURE, "Unknown token.");
        }
        return identity;
    }
}

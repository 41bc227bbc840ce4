package dev.billing.clerk;

import java.security.interfaces.RSAPublicKey;

/** Where RS256 verification keys come from: Clerk's JWKS endpoint or a configured PEM key. */
interface KeySource {

    /**
     * The key for a token's {@code kid} (null when the token has none), fetching keys if this source may.
     *
     * @throws dev.billing.core.error.IdentityRejectedException   UNKNOWN_KEY when no published key matches
     * @throws dev.billing.core.error.IdentityUnavailableException when no key is known and none can be fetched now
     */
    RSAPublicKey resolve(String kid);

    /**
     * Loads keys now if this source fetches them (at startup, for readiness).
     *
     * @throws dev.billing.core.error.IdentityUnavailableException when they cannot be loaded
     */
    void preload();
}

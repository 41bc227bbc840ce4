package dev.billing.clerk;

import java.security.interfaces.RSAPublicKey;
import java.util.Objects;

/**
 * Networkless mode ({@code CLERK_JWT_KEY}): one configured key verifies every token, whatever its {@code kid}, as
 * Clerk's own SDKs do with {@code jwtKey}. Never touches the network.
 */
final class PemKeySource implements KeySource {
    private final RSAPublicKey key;

    PemKeySource(RSAPublicKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public RSAPublicKey resolve(String kid) {
        return key;
    }

    @Override
    public void preload() {
        // nothing to load
    }
}

package dev.billing.core.model.servicekey;

import dev.billing.core.model.Checks;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A service API key as the store keeps it: never its secret, only the SHA-256 of the whole key
 * ({@code bsk_<16 hex>_<64 hex>}), compared in constant time. The id is the key's public prefix, so a key in a log
 * line or a support ticket can be found without its secret, and it names the key in the audit trail.
 *
 * <p>Usage: {@code ServiceKey key = stores.serviceKeys().find("bsk_0123456789abcdef").orElseThrow();}
 *
 * @param id         {@code bsk_} and 16 lowercase hex digits
 * @param name       what the operator called it (1-100 characters), e.g. the calling service's name
 * @param scopes     what it may do (at least one)
 * @param secretHash the SHA-256 of the whole key, 64 lowercase hex digits
 * @param createdAt  when it was created
 * @param expiresAt  when it stops working, or null (never)
 * @param rotatedAt  when its secret was last replaced, or null
 * @param revokedAt  when it was revoked, or null
 */
public record ServiceKey(
        String id,
        String name,
        Set<ServiceScope> scopes,
        String secretHash,
        Instant createdAt,
        Instant expiresAt,
        Instant rotatedAt,
        Instant revokedAt) {
    public static final String PREFIX = "bsk_";

    public ServiceKey {
        if (!isId(id)) {
            throw new IllegalArgumentException("id must be bsk_ and 16 lowercase hex digits");
        }
        Checks.text(name, "name", 100);
        Objects.requireNonNull(scopes, "scopes");
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a service key needs at least one scope");
        }
        scopes = Set.copyOf(EnumSet.copyOf(scopes));
        if (secretHash == null || !secretHash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("secretHash must be 64 lowercase hex digits");
        }
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether {@code text} has the form of a key id. */
    public static boolean isId(String text) {
        return text != null
                && text.length() == 20
                && text.startsWith(PREFIX)
                && text.substring(4).matches("[0-9a-f]{16}");
    }

    /** Whether it works at {@code at}: not revoked, not expired. */
    public boolean activeAt(Instant at) {
        return revokedAt == null && (expiresAt == null || at.isBefore(expiresAt));
    }

    public ServiceKey withSecretHash(String hash, Instant at) {
        return new ServiceKey(id, name, scopes, hash, createdAt, expiresAt, at, revokedAt);
    }

    public ServiceKey revoked(Instant at) {
        return new ServiceKey(id, name, scopes, secretHash, createdAt, expiresAt, rotatedAt, at);
    }

    @Override
    public String toString() { // the hash is as good as nothing to an attacker, but it belongs in no log either
        return "ServiceKey[" + id + ", " + name + ", " + scopes + "]";
    }
}

package dev.billing.clerk;

import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the usable keys from one JWKS fetch.
 *
 * @param byKid    keys that have a {@code kid}
 * @param all      every usable key, with or without {@code kid}
 * @param loadedAt when the snapshot was fetched (by the verifier's clock); null for the empty, never-loaded set
 */
record KeySet(Map<String, RSAPublicKey> byKid, List<RSAPublicKey> all, Instant loadedAt) {
    static final KeySet EMPTY = new KeySet(Map.of(), List.of(), null);

    KeySet {
        byKid = Map.copyOf(byKid);
        all = List.copyOf(all);
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    /**
     * The key for {@code kid}; for a token without {@code kid}, the only key if exactly one is known.
     *
     * @return null when there is no unambiguous match
     */
    RSAPublicKey find(String kid) {
        if (kid != null) {
            return byKid.get(kid);
        }
        return all.size() == 1 ? all.get(0) : null;
    }
}

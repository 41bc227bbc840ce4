package dev.billing.clerk;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.billing.core.model.Identity;
import java.time.Clock;
import java.time.Duration;

/**
 * Remembers tokens that passed full verification, keyed by {@link TokenHash}, so a hot token costs a hash and a
 * lookup instead of an RSA verification. It can only make verification cheaper, never more permissive:
 * <ul>
 *   <li>entries are created only after every check passed;</li>
 *   <li>an entry lives at most {@code maxTtl} and never past the token's {@code exp} (plus skew) by the verifier's
 *       clock at insertion;</li>
 *   <li>every hit re-checks {@code exp} against the verifier's clock with the same rule as a cold verification
 *       (the cache's own timer runs on {@link System#nanoTime()}, which a test clock does not move).</li>
 * </ul>
 */
final class VerifiedTokenCache {

    /** A verified identity and the token's {@code exp} in epoch milliseconds. */
    record Entry(Identity identity, long expMillis, long ttlNanos) {}

    private final Cache<TokenHash, Entry> cache;
    private final Duration maxTtl;
    private final long skewMillis;
    private final Clock clock;

    VerifiedTokenCache(long maxEntries, Duration maxTtl, long skewMillis, Clock clock) {
        this.maxTtl = maxTtl;
        this.skewMillis = skewMillis;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(Expiry.creating((TokenHash key, Entry entry) -> Duration.ofNanos(entry.ttlNanos())))
                .recordStats()
                .build();
    }

    /**
     * @return the identity for a still-valid cached token, null on a miss
     * @throws dev.billing.core.error.IdentityRejectedException EXPIRED when the cached token's {@code exp} has passed
     */
    Identity get(TokenHash hash) {
        Entry entry = cache.getIfPresent(hash);
        if (entry == null) {
            return null;
        }
        if (isExpired(entry.expMillis(), clock.millis())) {
            cache.invalidate(hash);
            throw TokenShape.reject(dev.billing.core.error.IdentityRejectedException.Reason.EXPIRED, "token expired");
        }
        return entry.identity();
    }

    void put(TokenHash hash, Identity identity, long expMillis) {
        long remainingMillis = expMillis + skewMillis - clock.millis();
        long ttlNanos = Math.min(
                maxTtl.toNanos(),
                Duration.ofMillis(Math.max(0, remainingMillis)).toNanos());
        if (ttlNanos <= 0) {
            return;
        }
        cache.put(hash, new Entry(identity, expMillis, ttlNanos));
    }

    /** Same rule as jjwt's: expired when {@code now - skew} is after {@code exp}. */
    boolean isExpired(long expMillis, long nowMillis) {
        return nowMillis - skewMillis > expMillis;
    }

    CacheStats stats() {
        return cache.stats();
    }

    long size() {
        return cache.estimatedSize();
    }
}

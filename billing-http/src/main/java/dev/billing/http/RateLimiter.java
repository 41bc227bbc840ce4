package dev.billing.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.Map;

/**
 * Token buckets per key (a user id or an IP), kept in a bounded Caffeine cache so that a flood of distinct keys
 * cannot exhaust memory. Each key may make {@code perMinute} requests in a burst, refilled evenly over a minute.
 * A refusal is {@code 429 rate_limited} with {@code Retry-After} in whole seconds.
 *
 * <p>Usage: {@code limiter.check("user:" + userId);}
 */
public final class RateLimiter {
    private final int perMinute;
    private final String what;
    private final Cache<String, Bucket> buckets;

    /**
     * @param perMinute requests per minute per key; 0 turns the limiter off
     * @param maxKeys   the most keys remembered at once
     * @param what      "user" or "IP", for the message
     */
    public RateLimiter(int perMinute, long maxKeys, String what) {
        this.perMinute = perMinute;
        this.what = what;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofMinutes(10))
                .build();
    }

    public boolean enabled() {
        return perMinute > 0;
    }

    /** Takes one token for {@code key}, or throws {@code 429 rate_limited}. */
    public void check(String key) {
        if (!enabled()) {
            return;
        }
        Bucket bucket = buckets.get(
                key,
                k -> Bucket.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(perMinute)
                                .refillGreedy(perMinute, Duration.ofMinutes(1))
                                .build())
                        // One key is rarely contended: a plain lock is cheaper than the lock-free default, which copies
                        // the bucket's state on every request.
                        .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
                        .build());
        if (!bucket.tryConsume(1)) {
            long wait = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
            long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
            throw ApiException.of(
                    429,
                    "rate_limited",
                    "Too many requests for this " + what + "; retry in " + seconds + " s.",
                    Map.of("Retry-After", Long.toString(seconds)));
        }
    }

    /** How many keys are remembered (after pending evictions ran). */
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}

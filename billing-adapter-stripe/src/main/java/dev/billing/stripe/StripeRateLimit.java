package dev.billing.stripe;

import dev.billing.core.error.GatewayRateLimitedException;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * Keeps this process's Stripe calls under {@link StripeConfig#effectiveRequestsPerSecond()}: Stripe answers 429 past
 * its own limit, and every call refused there still costs a round trip and, in the webhook worker, a retry. A call
 * beyond the limit waits for its turn up to {@code maxWait}, then fails as rate limited (not done, retried later by
 * the caller's rules). A token bucket (Bucket4j) refilled evenly over each second, with one second's burst.
 */
final class StripeRateLimit {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final int perSecond;
    private final Duration maxWait;
    private final Bucket bucket;

    private StripeRateLimit(int perSecond, Duration maxWait) {
        this.perSecond = perSecond;
        this.maxWait = maxWait;
        this.bucket = perSecond <= 0
                ? null
                : Bucket.builder()
                        .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                        .build();
    }

    /** {@code perSecond} requests per second (0: no limit), waiting up to {@code maxWait} for a turn. */
    static StripeRateLimit of(int perSecond, Duration maxWait) {
        return new StripeRateLimit(perSecond, maxWait);
    }

    /** The limit {@code config} sets, waiting {@link StripeConfig#RATE_LIMIT_WAIT} at most. */
    static StripeRateLimit of(StripeConfig config) {
        return of(config.effectiveRequestsPerSecond(), StripeConfig.RATE_LIMIT_WAIT);
    }

    /**
     * Takes a turn for one request, waiting for it if needed.
     *
     * @throws GatewayRateLimitedException when no turn came within the wait (or the wait was interrupted)
     */
    void acquire(String operation) {
        if (bucket == null) {
            return;
        }
        boolean turn;
        try {
            turn = maxWait.isZero() ? bucket.tryConsume(1) : bucket.asBlocking().tryConsume(1, maxWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            turn = false;
        }
        if (!turn) {
            throw new GatewayRateLimitedException(
                    "Cannot " + operation + " now: this process already sends Stripe " + perSecond
                            + " requests per second, its limit; try again shortly",
                    RETRY_AFTER);
        }
    }
}

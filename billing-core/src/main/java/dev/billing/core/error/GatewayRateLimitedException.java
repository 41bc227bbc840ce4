package dev.billing.core.error;

import java.time.Duration;

/**
 * The gateway refused the request for load (HTTP 429) or because the same idempotency key is still in flight
 * (409 {@code idempotency_key_in_use}). Not done; retry after {@link #retryAfter()} with the same key.
 */
public final class GatewayRateLimitedException extends GatewayException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public GatewayRateLimitedException(String message, Duration retryAfter, String requestId, Throwable cause) {
        super(message, requestId, cause);
        this.retryAfter = retryAfter == null || retryAfter.isNegative() ? Duration.ofSeconds(1) : retryAfter;
    }

    public GatewayRateLimitedException(String message, Duration retryAfter) {
        this(message, retryAfter, null, null);
    }

    /** How long to wait before retrying; never null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean certainlyNotDone() {
        return true;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    @Override
    public String code() {
        return "stripe_rate_limited";
    }
}

package dev.billing.core.error;

/**
 * The request may have been processed (read timeout, connection reset after sending, 5xx). Retrying with the
 * same idempotency key returns the first outcome; without one, the caller must reconcile.
 */
public final class GatewayOutcomeUnknownException extends GatewayException {
    private static final long serialVersionUID = 1L;

    public GatewayOutcomeUnknownException(String message, String requestId, Throwable cause) {
        super(message, requestId, cause);
    }

    public GatewayOutcomeUnknownException(String message) {
        this(message, null, null);
    }

    @Override
    public boolean certainlyNotDone() {
        return false;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    @Override
    public String code() {
        return "stripe_outcome_unknown";
    }
}

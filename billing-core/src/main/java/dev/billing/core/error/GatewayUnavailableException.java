package dev.billing.core.error;

/** The gateway could not be reached; the request was certainly not processed. */
public final class GatewayUnavailableException extends GatewayException {
    private static final long serialVersionUID = 1L;

    public GatewayUnavailableException(String message, Throwable cause) {
        super(message, null, cause);
    }

    public GatewayUnavailableException(String message) {
        this(message, null);
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
        return "stripe_unavailable";
    }
}

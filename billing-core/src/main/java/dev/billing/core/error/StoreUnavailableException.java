package dev.billing.core.error;

/**
 * The store cannot be reached right now (connection refused, pool timeout, 5xx from a REST store). Nothing
 * was written by the failed call; callers answer 503 and retry later.
 */
public final class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "store_unavailable";
    }
}

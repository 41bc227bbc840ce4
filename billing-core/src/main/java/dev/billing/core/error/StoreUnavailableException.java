package dev.billing.core.error;

/**
 * The store cannot be reached right now (connection refused, pool timeout, 5xx from a REST store). Callers
 * answer 503 and retry later. When the store died in the middle of a statement the write may or may not have
 * happened; every store operation is keyed or watermark-guarded, so retrying it is always safe.
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

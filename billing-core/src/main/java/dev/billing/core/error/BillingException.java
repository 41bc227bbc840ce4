package dev.billing.core.error;

/**
 * Root of every exception the billing core and its adapters throw. Unchecked; each subclass carries a
 * stable snake_case {@link #code()} that the HTTP layer puts in error bodies.
 *
 * <p>Usage: {@code catch (BillingException e) { log.warn("billing failed: {}", e.code()); }}
 */
public abstract class BillingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected BillingException(String message) {
        super(message);
    }

    protected BillingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A stable, snake_case machine-readable code, e.g. {@code store_unavailable}. */
    public abstract String code();
}

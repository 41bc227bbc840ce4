package dev.billing.core.error;

/**
 * A store (Postgres, Supabase, in-memory) failed. Adapters translate their vendor exceptions into this type
 * (or {@link StoreUnavailableException}) so that no JDBI/JDBC/HTTP type crosses a port.
 */
public class StoreException extends BillingException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "store_error";
    }
}

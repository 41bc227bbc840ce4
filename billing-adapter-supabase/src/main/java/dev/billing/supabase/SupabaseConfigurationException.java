package dev.billing.supabase;

import dev.billing.core.error.StoreException;

/**
 * Supabase answered, but the deployment is set up wrong: the key is rejected or is not the service-role key, the
 * URL does not serve {@code /rest/v1}, or the billing SQL has not been applied. Retrying does not help; the
 * message says what to fix. It never contains the key.
 */
public final class SupabaseConfigurationException extends StoreException {
    private static final long serialVersionUID = 1L;

    public SupabaseConfigurationException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "store_misconfigured";
    }
}

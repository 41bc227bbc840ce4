package dev.billing.core.error;

/**
 * Tokens cannot be verified right now because the key source (for example Clerk's JWKS endpoint) is
 * unreachable and no cached key applies. Not the caller's fault: HTTP 503 {@code auth_unavailable}.
 */
public final class IdentityUnavailableException extends BillingException {
    private static final long serialVersionUID = 1L;

    public IdentityUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public IdentityUnavailableException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "auth_unavailable";
    }
}

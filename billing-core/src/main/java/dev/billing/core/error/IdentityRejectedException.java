package dev.billing.core.error;

import java.util.Objects;

/**
 * A bearer token was presented and is not acceptable. {@link Reason#SESSION_PENDING} means the token is valid
 * but the session is not yet complete (HTTP 403); every other reason means unauthenticated (HTTP 401).
 * The message never contains the token.
 */
public final class IdentityRejectedException extends BillingException {
    private static final long serialVersionUID = 1L;

    /** Why a token was rejected. */
    public enum Reason {
        MISSING,
        MALFORMED,
        UNSUPPORTED_ALGORITHM,
        BAD_SIGNATURE,
        UNKNOWN_KEY,
        EXPIRED,
        NOT_YET_VALID,
        ISSUED_IN_FUTURE,
        WRONG_ISSUER,
        UNAUTHORIZED_PARTY,
        MISSING_CLAIM,
        TOO_LARGE,
        SESSION_PENDING
    }

    private final Reason reason;

    public IdentityRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String code() {
        return reason == Reason.SESSION_PENDING ? "session_pending" : "unauthenticated";
    }
}

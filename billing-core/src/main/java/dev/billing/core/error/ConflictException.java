package dev.billing.core.error;

import java.util.Objects;

/** The request conflicts with current state (HTTP 409), for example replaying an admin action on a busy event. */
public final class ConflictException extends BillingException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public ConflictException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    @Override
    public String code() {
        return code;
    }
}

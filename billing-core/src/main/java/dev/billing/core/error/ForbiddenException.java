package dev.billing.core.error;

import java.util.Objects;

/**
 * The caller may see the object but not do this to it (HTTP 403): a member of an organization without the right to
 * manage its billing. Never used to hide an object from someone who may not see it (that is a 404).
 */
public final class ForbiddenException extends BillingException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public ForbiddenException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    @Override
    public String code() {
        return code;
    }
}

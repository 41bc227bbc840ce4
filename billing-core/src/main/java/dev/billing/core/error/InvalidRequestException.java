package dev.billing.core.error;

import java.util.Objects;

/**
 * The caller asked for something invalid (unknown plan, a redirect URL outside the allowed origins, a bad
 * amount). HTTP 400 with {@link #code()}; {@link #field()} names the offending input when there is one.
 */
public final class InvalidRequestException extends BillingException {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final String field;

    public InvalidRequestException(String code, String field, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.field = field;
    }

    public InvalidRequestException(String code, String message) {
        this(code, null, message);
    }

    /** The input field at fault, or {@code null}. */
    public String field() {
        return field;
    }

    @Override
    public String code() {
        return code;
    }
}

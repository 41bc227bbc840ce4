package dev.billing.core.error;

import java.util.Objects;

/**
 * The object does not exist, or it belongs to someone else: both look the same to the caller (I5: another
 * user's object is a 404, never a 403 and never data). Code is {@code <resource>_not_found}.
 */
public final class NotFoundException extends BillingException {
    private static final long serialVersionUID = 1L;
    private final String resource;

    private static final int MAX_ID_IN_MESSAGE = 64;

    public NotFoundException(String resource, String id) {
        this(resource, "No " + Objects.requireNonNull(resource, "resource") + " with id " + shown(id) + ".", true);
    }

    private NotFoundException(String resource, String message, boolean unused) {
        super(message);
        this.resource = Objects.requireNonNull(resource, "resource");
    }

    /** The user has no Stripe customer yet (not: a customer with the user's id is missing). */
    public static NotFoundException noCustomerYet() {
        return new NotFoundException("customer", "This user has no billing customer yet; create one first.", true);
    }

    // The id comes from a request path: never echo an arbitrarily long or control-laden value back.
    private static String shown(String id) {
        if (id == null) {
            return "null";
        }
        String printable = id.codePoints()
                .limit(MAX_ID_IN_MESSAGE + 1L)
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() > MAX_ID_IN_MESSAGE ? printable.substring(0, MAX_ID_IN_MESSAGE) + "..." : printable;
    }

    public String resource() {
        return resource;
    }

    @Override
    public String code() {
        return resource + "_not_found";
    }
}

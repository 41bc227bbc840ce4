package dev.billing.core.error;

import java.util.Objects;

/**
 * The object does not exist, or it belongs to someone else: both look the same to the caller (I5: another
 * user's object is a 404, never a 403 and never data). Code is {@code <resource>_not_found}.
 */
public final class NotFoundException extends BillingException {
    private static final long serialVersionUID = 1L;
    private final String resource;

    public NotFoundException(String resource, String id) {
        super("No " + Objects.requireNonNull(resource, "resource") + " with id " + id + ".");
        this.resource = resource;
    }

    public String resource() {
        return resource;
    }

    @Override
    public String code() {
        return resource + "_not_found";
    }
}

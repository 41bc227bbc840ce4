package dev.billing.core.model;

/**
 * A billing account's id: the identity provider's user id (Clerk's {@code sub}, e.g. {@code user_2abc}), or an
 * organization's ({@code org_2abc}) when billing acts for the organization. Clerk's ids carry their kind in the
 * prefix, so the two never collide.
 */
public record UserId(String value) {
    private static final java.util.regex.Pattern ORGANIZATION = java.util.regex.Pattern.compile("org_[A-Za-z0-9]{1,64}");

    public UserId {
        Checks.text(value, "userId", 255);
    }

    public static UserId of(String value) {
        return new UserId(value);
    }

    /** What an erased account's records carry instead of its id ({@code erased_...}). */
    public static final String PSEUDONYM_PREFIX = "erased_";

    /** Whether this is the pseudonym of an erased account. */
    public boolean isPseudonym() {
        return value.startsWith(PSEUDONYM_PREFIX);
    }

    /** Whether this account is an organization's. */
    public boolean isOrganization() {
        return ORGANIZATION.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}

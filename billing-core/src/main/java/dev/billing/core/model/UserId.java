package dev.billing.core.model;

/**
 * A billing account's id: the identity provider's user id (Clerk's {@code sub}, e.g. {@code user_2abc}), or an
 * organization's ({@code org_2abc}) when billing acts for the organization. Clerk's ids carry their kind in the
 * prefix, so the two never collide.
 */
public record UserId(String value) {
    private static final java.util.regex.Pattern ORGANIZATION =
            java.util.regex.Pattern.compile("org_[A-Za-z0-9]{1,64}");

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

    /**
     * The pseudonym this account's records carry once it is erased: {@code erased_} and a hash of the id, the same
     * on every run and every instance, so a later event about the account can still find what erasure moved (an
     * organization membership). A pseudonym is its own.
     */
    public UserId pseudonym() {
        if (isPseudonym()) {
            return this;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new UserId(PSEUDONYM_PREFIX + java.util.HexFormat.of().formatHex(digest, 0, 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * The {@code n}th pseudonym of this account, {@code n} 2 or more: {@link #pseudonym()} and {@code _n}. One
     * pseudonym holds one customer link, so a customer linked after an earlier erasure is erased under the next.
     */
    public UserId pseudonym(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("a numbered pseudonym starts at 2, not " + n);
        }
        return new UserId(pseudonym().value + "_" + n);
    }

    /** Whether {@code other} is one of this account's pseudonyms: {@link #pseudonym()} or a numbered one. */
    public boolean hasPseudonym(UserId other) {
        String base = pseudonym().value;
        String candidate = other.value;
        if (candidate.equals(base)) {
            return true;
        }
        if (!candidate.startsWith(base + "_") || candidate.length() == base.length() + 1) {
            return false;
        }
        for (int i = base.length() + 1; i < candidate.length(); i++) {
            if (candidate.charAt(i) < '0' || candidate.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** What a link to a Stripe customer deleted at Stripe carries instead of its account's id, before the number. */
    public static final String RETIRED_MARK = "~deleted_";

    /**
     * What the {@code n}th link of this account whose Stripe customer was deleted at Stripe carries ({@code
     * user_2abc~deleted_1}): the account's id stays readable on it (its export and erasure find it), while the
     * account itself is free to get a customer of its own again (one link per user id). {@code n} is 1 or more.
     */
    public UserId retiredLink(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a retired link's number starts at 1, not " + n);
        }
        return new UserId(account().value + RETIRED_MARK + n);
    }

    /**
     * Whether this account's retired links fit a user id (255 characters, numbers up to 9999): an account id of more
     * than 242 characters cannot hold one, and its link then stays as it is.
     */
    public boolean retirable() {
        return !isRetiredLink() && value.length() + RETIRED_MARK.length() + 4 <= 255;
    }

    /** Whether this id is a retired link's ({@link #retiredLink}), not an account's. */
    public boolean isRetiredLink() {
        return value.contains(RETIRED_MARK);
    }

    /** The account this id stands for: the account of a {@link #retiredLink retired link}, else this id itself. */
    public UserId account() {
        int mark = value.indexOf(RETIRED_MARK);
        return mark < 0 ? this : new UserId(value.substring(0, mark));
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

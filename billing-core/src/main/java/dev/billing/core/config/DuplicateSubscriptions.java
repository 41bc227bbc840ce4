package dev.billing.core.config;

import java.util.Locale;
import java.util.Optional;

/**
 * What the core does when a party (a user or an organization) ends up holding more than one live subscription (a
 * status that {@link dev.billing.core.model.subscription.SubscriptionStatus#blocksNewSubscription() blocks a new one}): two
 * Checkout sessions paid before either could be expired. Either way the duplicate is logged, counted, audited once
 * and listed for admins; the older subscription is always kept.
 *
 * <p>Usage: {@code BillingOptions.builder().duplicateSubscriptions(DuplicateSubscriptions.FLAG).build()}
 */
public enum DuplicateSubscriptions {
    /** Cancel the newer subscription at once and refund what it charged (its paid invoices' payments). */
    CANCEL,
    /** Keep both, and flag the newer for an operator to settle. */
    FLAG;

    /** The setting's spelling: {@code cancel} or {@code flag}. */
    public String settingName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #settingName()}, without regard to case; anything else is empty. */
    public static Optional<DuplicateSubscriptions> parse(String value) {
        for (DuplicateSubscriptions handling : values()) {
            if (handling.settingName().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return Optional.of(handling);
            }
        }
        return Optional.empty();
    }
}

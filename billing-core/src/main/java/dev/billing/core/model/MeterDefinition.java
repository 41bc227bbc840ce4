package dev.billing.core.model;

/**
 * A usage meter. When {@code stripeEventName} is set, accepted usage is also reported to Stripe Billing Meters
 * under that event name (metered billing); otherwise usage only counts against quotas. A {@code shared} meter is a
 * team's pool: a member acting under an organization's plan counts against the organization's quota, not their own.
 */
public record MeterDefinition(String name, String stripeEventName, boolean shared) {
    public MeterDefinition {
        Checks.text(name, "meter name");
        if (!name.matches("[a-z][a-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("meter name must be lowercase letters, digits, '.', '-' or '_': " + name);
        }
        stripeEventName = Checks.optionalText(stripeEventName, "stripeEventName");
    }

    /** A meter counted per account (not shared). */
    public MeterDefinition(String name, String stripeEventName) {
        this(name, stripeEventName, false);
    }

    public boolean reportsToStripe() {
        return stripeEventName != null;
    }
}

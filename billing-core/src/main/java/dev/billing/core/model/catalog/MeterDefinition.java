package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;
import dev.billing.core.model.usage.UsagePeriod;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A usage meter. When {@code stripeEventName} is set, accepted usage is also reported to Stripe Billing Meters
 * under that event name (metered billing); otherwise usage only counts against quotas. A {@code shared} meter is a
 * team's pool: a member acting under an organization's plan counts against the organization's quota, not their own.
 * Its quotas start again each {@code period} ({@link QuotaPeriod#BILLING_PERIOD} unless set), days and months at
 * midnight in {@code timeZone}.
 */
public record MeterDefinition(
        String name, String stripeEventName, boolean shared, QuotaPeriod period, ZoneId timeZone) {
    public MeterDefinition {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(timeZone, "timeZone");
        Checks.text(name, "meter name");
        if (!name.matches("[a-z][a-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException(
                    "meter name must be lowercase letters, digits, '.', '-' or '_': " + name);
        }
        stripeEventName = Checks.optionalText(stripeEventName, "stripeEventName");
    }

    /** A meter whose quotas follow the billing period. */
    public MeterDefinition(String name, String stripeEventName, boolean shared) {
        this(name, stripeEventName, shared, QuotaPeriod.BILLING_PERIOD, ZoneOffset.UTC);
    }

    /** A meter counted per account (not shared), its quotas following the billing period. */
    public MeterDefinition(String name, String stripeEventName) {
        this(name, stripeEventName, false);
    }

    /** The period of this meter's quota containing {@code now}, given the plan's billing period. */
    public UsagePeriod periodAt(Instant now, UsagePeriod billing) {
        return period.at(now, timeZone, billing);
    }

    public boolean reportsToStripe() {
        return stripeEventName != null;
    }
}

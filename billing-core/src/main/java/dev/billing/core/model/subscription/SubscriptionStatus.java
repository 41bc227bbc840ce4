package dev.billing.core.model.subscription;

import java.util.Locale;

/**
 * Stripe's eight subscription statuses, plus {@link #UNRECOGNIZED} for a status this code does not know yet
 * (Stripe adds values over time; an unknown status must grant nothing rather than crash).
 */
public enum SubscriptionStatus {
    INCOMPLETE,
    INCOMPLETE_EXPIRED,
    TRIALING,
    ACTIVE,
    PAST_DUE,
    CANCELED,
    UNPAID,
    PAUSED,
    UNRECOGNIZED;

    /** Stripe's spelling, e.g. {@code past_due}. */
    public String stripeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses Stripe's spelling; anything else is {@link #UNRECOGNIZED}. */
    public static SubscriptionStatus fromStripe(String value) {
        if (value != null) {
            for (SubscriptionStatus status : values()) {
                if (status != UNRECOGNIZED && status.stripeName().equals(value)) {
                    return status;
                }
            }
        }
        return UNRECOGNIZED;
    }

    /** Active or trialing: the subscriber is in good standing. */
    public boolean isActive() {
        return this == ACTIVE || this == TRIALING;
    }

    public boolean isTrialing() {
        return this == TRIALING;
    }

    public boolean isPastDue() {
        return this == PAST_DUE;
    }

    /** The first payment has not succeeded yet. */
    public boolean isIncomplete() {
        return this == INCOMPLETE;
    }

    /** Terminal: the subscription will never be active again. */
    public boolean hasEnded() {
        return this == CANCELED || this == INCOMPLETE_EXPIRED;
    }

    /**
     * The subscription still occupies the customer's "one subscription" slot: starting another checkout would
     * double-charge them, so they should manage this one instead.
     */
    public boolean blocksNewSubscription() {
        return this == ACTIVE || this == TRIALING || this == PAST_DUE || this == UNPAID || this == PAUSED;
    }
}

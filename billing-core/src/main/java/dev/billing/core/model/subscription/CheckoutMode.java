package dev.billing.core.model.subscription;

import java.util.Locale;

/** Stripe Checkout's modes. */
public enum CheckoutMode {
    SUBSCRIPTION,
    PAYMENT,
    SETUP;

    public String stripeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static java.util.Optional<CheckoutMode> parse(String value) {
        for (CheckoutMode mode : values()) {
            if (mode.stripeName().equals(value)) {
                return java.util.Optional.of(mode);
            }
        }
        return java.util.Optional.empty();
    }
}

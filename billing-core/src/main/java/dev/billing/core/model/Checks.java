package dev.billing.core.model;

import dev.billing.core.annotation.Internal;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/** Validation helpers for compact constructors. */
@Internal
public final class Checks {
    private Checks() {}

    public static String text(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    public static String text(String value, String name, int maxLength) {
        text(value, name);
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(name + " must be at most " + maxLength + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(name + " must not contain control characters");
            }
        }
        return value;
    }

    /** Null stays null; anything else must be non-blank text. */
    public static String optionalText(String value, String name) {
        return value == null ? null : text(value, name);
    }

    public static long nonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    public static String currency(String currency) {
        text(currency, "currency");
        if (!currency.matches("[a-z]{3}")) {
            throw new IllegalArgumentException("currency must be a lowercase ISO 4217 code, was " + currency);
        }
        return currency;
    }

    public static Map<String, String> metadata(Map<String, String> metadata) {
        return metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static <T> void noNulls(Collection<T> values, String name) {
        Objects.requireNonNull(values, name);
        for (T value : values) {
            Objects.requireNonNull(value, name + " element");
        }
    }
}

package dev.billing.core.model.event;

import java.util.Locale;

/**
 * Where an inbox event stands. {@code PENDING} covers "never tried", "being processed under a lease" and
 * "retry scheduled"; {@code FAILED} is parked after the last attempt and waits for an admin replay.
 */
public enum InboxStatus {
    PENDING,
    PROCESSED,
    IGNORED,
    FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static java.util.Optional<InboxStatus> parse(String value) {
        for (InboxStatus status : values()) {
            if (status.wireName().equals(value)) {
                return java.util.Optional.of(status);
            }
        }
        return java.util.Optional.empty();
    }

    public boolean isDone() {
        return this == PROCESSED || this == IGNORED;
    }
}

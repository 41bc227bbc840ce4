package dev.billing.core.model.notice;

import java.util.Locale;
import java.util.Optional;

/**
 * What became of one attempt to send a notice: {@code SENT} (the mail server took it), {@code SKIPPED} (nothing a
 * retry could change: no address, an address refused for good) or {@code FAILED} (the event is retried).
 *
 * <p>Usage: {@code NoticeStatus.fromName("failed")} is {@code Optional.of(FAILED)}
 */
public enum NoticeStatus {
    SENT,
    SKIPPED,
    FAILED;

    /** The lowercase name the log and the API use. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status a lowercase name names, or empty. */
    public static Optional<NoticeStatus> fromName(String name) {
        for (NoticeStatus status : values()) {
            if (status.wireName().equals(name)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}

package dev.billing.core.model.notice;

import java.util.Objects;

/**
 * What a notifier did with a notice it did not throw for: sent (with the mail's message id when it has one) or
 * skipped (with the reason, never a full address). A thrown notifier failure is logged as {@link NoticeStatus#FAILED}
 * by the core.
 *
 * <p>Usage: {@code return NoticeDelivery.sent("<billing.evt_1@example.com>");}
 */
public record NoticeDelivery(NoticeStatus status, String messageId, String detail) {
    public NoticeDelivery {
        Objects.requireNonNull(status, "status");
        if (status == NoticeStatus.FAILED) {
            throw new IllegalArgumentException("a failed send is thrown, not returned");
        }
    }

    /** Sent; {@code messageId} may be null when the notifier has none. */
    public static NoticeDelivery sent(String messageId) {
        return new NoticeDelivery(NoticeStatus.SENT, messageId, null);
    }

    /** Not sent, for a reason a retry cannot change. */
    public static NoticeDelivery skipped(String reason) {
        return new NoticeDelivery(NoticeStatus.SKIPPED, null, reason);
    }
}

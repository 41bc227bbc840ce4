package dev.billing.core.model.notice;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * One attempt to send a notice, as the notice log keeps it. No email address: the log names the user and customer,
 * so erasing an account leaves nothing personal in it once the user id is pseudonymised.
 *
 * @param customerId null when the notice's customer is not known
 * @param messageId  the mail's {@code Message-ID} when sent and the notifier reports one
 * @param error      why the send failed or was skipped; null when sent
 */
public record NoticeRecord(
        String eventId,
        NoticeKind kind,
        UserId userId,
        CustomerId customerId,
        NoticeStatus status,
        String messageId,
        String error,
        Instant at) {
    public static final int MAX_ERROR_LENGTH = 1_000;

    public NoticeRecord {
        Checks.text(eventId, "eventId", 255);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        if (error != null && error.length() > MAX_ERROR_LENGTH) {
            error = error.substring(0, MAX_ERROR_LENGTH);
        }
    }
}

package dev.billing.core.port;

import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import java.time.Instant;
import java.util.List;

/**
 * The notice log: every attempt to send a notice (sent, skipped or failed, with the error and the mail's message id),
 * for admins to answer "did the user get it?". It holds no email address.
 *
 * <p>Usage: {@code Page<NoticeEntry> failed = stores.notices().list(NoticeQuery.all(50).withStatus(FAILED));}
 *
 * <p>Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 */
public interface NoticeLog {

    /** Appends one attempt; every attempt is its own row (a failure then a success of one event are two). */
    void record(NoticeRecord entry);

    /** Rows matching the query, newest first. */
    Page<NoticeEntry> list(NoticeQuery query);

    /** Every row naming the user, newest first (for an export). */
    List<NoticeEntry> forUser(UserId user);

    /**
     * Whether a notice of the event went out to the user (a row sent or skipped; a failed attempt does not count).
     * The sender asks before sending, so that an event recorded anew after retention deleted its inbox row (Stripe
     * sent it again) mails nothing twice: this log keeps its rows longer than the inbox. Read through the user's rows,
     * which a store indexes.
     *
     * <p>By default false: a store without it leaves that case to the inbox's mark alone.
     */
    default boolean wentOut(String eventId, UserId user) {
        return false;
    }

    /**
     * Replaces the user id on every row naming {@code user} with {@code pseudonym} and clears their error text (an
     * erasure: a mail server's refusal quotes the address it refused).
     *
     * @return how many rows changed
     */
    int pseudonymise(UserId user, UserId pseudonym);

    /**
     * Writes the row exactly as given (migration), with its id: inserts it, or replaces a stored row of the same id
     * that differs (an erasure in the source since the last copy); true when it wrote. Rows recorded afterwards get
     * higher ids.
     */
    boolean restore(NoticeEntry entry);

    /**
     * Migration: deletes the row of that id, because the source of a store-to-store copy does not have it.
     *
     * @return false when there is none
     */
    default boolean remove(long id) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    /**
     * Retention: deletes up to {@code max} of the oldest rows, those attempted before {@code before}.
     *
     * @return how many were deleted (fewer than {@code max}: none is left)
     */
    default int prune(Instant before, int max) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps every notice");
    }

    /** Stores that keep no notice log: records nothing, lists nothing. */
    NoticeLog NONE = new NoticeLog() {
        @Override
        public void record(NoticeRecord entry) {}

        @Override
        public Page<NoticeEntry> list(NoticeQuery query) {
            return Page.empty();
        }

        @Override
        public List<NoticeEntry> forUser(UserId user) {
            return List.of();
        }

        @Override
        public int pseudonymise(UserId user, UserId pseudonym) {
            return 0;
        }

        @Override
        public boolean restore(NoticeEntry entry) {
            return false;
        }

        @Override
        public int prune(Instant before, int max) {
            return 0;
        }
    };
}

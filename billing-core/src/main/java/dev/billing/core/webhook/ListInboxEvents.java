package dev.billing.core.webhook;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Page;
import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.port.EventInbox;
import java.util.EnumSet;

/**
 * Admin: inbox entries, newest first, optionally of one status (e.g. the parked {@code failed} ones), and the
 * count per status, each exact up to {@link #COUNT_CAP}.
 *
 * <p>Usage: {@code Page<InboxEntry> failed = listInboxEvents.list(InboxStatus.FAILED, null, 50);}
 */
public final class ListInboxEvents {
    /**
     * Beyond this many entries a status is shown as "10,000+": an exact count of the handled entries of a large inbox
     * reads all of them (seconds at ten million), on every page an admin opens.
     */
    public static final long COUNT_CAP = 10_000;

    private final EventInbox inbox;

    public ListInboxEvents(EventInbox inbox) {
        this.inbox = inbox;
    }

    public Page<InboxEntry> list(InboxStatus status, String cursor, int limit) {
        if (limit < 1 || limit > 100) {
            throw new InvalidRequestException("invalid_limit", "limit", "limit must be between 1 and 100.");
        }
        return inbox.list(status, cursor, limit);
    }

    /** Every status, each counted exactly up to {@link #COUNT_CAP} and as "at least" that beyond it. */
    public InboxCounts counts() {
        return inbox.countUpTo(EnumSet.allOf(InboxStatus.class), COUNT_CAP);
    }
}

package dev.billing.core.webhook;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Page;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.port.EventInbox;
import java.util.Map;

/**
 * Admin: inbox entries, newest first, optionally of one status (e.g. the parked {@code failed} ones), and the
 * count per status.
 *
 * <p>Usage: {@code Page<InboxEntry> failed = listInboxEvents.list(InboxStatus.FAILED, null, 50);}
 */
public final class ListInboxEvents {
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

    public Map<InboxStatus, Long> counts() {
        return inbox.countByStatus();
    }
}

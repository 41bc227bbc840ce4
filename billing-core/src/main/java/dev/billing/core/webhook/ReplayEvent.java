package dev.billing.core.webhook;

import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.ConflictException;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.EventInbox;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Admin: makes an inbox event due again (any status; not while a worker holds it) and processes it now. It is
 * requeued already leased to this call ({@link EventInbox#requeueLeased}), so a worker polling meanwhile cannot take it
 * and leave the admin an event still pending. Effects are idempotent, so replaying a processed event is safe.
 *
 * <p>Usage: {@code InboxEntry after = replayEvent.replay("evt_123");}
 */
public final class ReplayEvent {
    private final EventInbox inbox;
    private final ProcessInboxEvent processor;
    private final AuditLog audit;
    private final Clock clock;

    public ReplayEvent(EventInbox inbox, ProcessInboxEvent processor, AuditLog audit, Clock clock) {
        this.audit = audit;
        this.inbox = inbox;
        this.processor = processor;
        this.clock = clock;
    }

    public InboxEntry replay(String eventId) {
        Optional<InboxEntry> leased = processor.requeueLeased(eventId, clock.instant());
        if (leased.isEmpty()) {
            if (inbox.find(eventId).isEmpty()) {
                throw new NotFoundException("event", eventId);
            }
            throw new ConflictException(
                    "event_in_progress",
                    "Event " + eventId + " is being processed right now; try again when its lease ends.");
        }
        // Recorded before processing, so the entries the replay's effects record follow it.
        audit.record(new AuditRecord(
                AuditAction.EVENT_REPLAYED,
                eventId,
                null,
                null,
                AuditContext.currentOr(AuditCause.admin(null)),
                Map.of()));
        processor.processLeased(leased.get());
        return inbox.find(eventId).orElseThrow(() -> new NotFoundException("event", eventId));
    }
}

package dev.billing.core.webhook;

import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.WebhookVerifier;
import java.time.Instant;

/**
 * One inbox entry on its way through processing, carrying its event's object: decoded by the verifier while the
 * delivery was verified, or on first use when the entry was read back from the inbox, and never again (a failed
 * decoding is kept too, and thrown again where the object is needed). Handed from thread to thread only through
 * queues and futures, so one thread at a time reads or fills it.
 */
final class InboxWork {
    private final InboxEntry entry;
    private EventObject object;
    private RuntimeException undecodable;

    private InboxWork(InboxEntry entry, EventObject object) {
        this.entry = entry;
        this.object = object;
    }

    /** A delivery just recorded, with the object its verifier decoded (null when it did not). */
    static InboxWork received(InboxEntry entry, EventObject decodedWhileVerified) {
        return new InboxWork(entry, decodedWhileVerified);
    }

    /**
     * A delivery not recorded yet, to be recorded once processed ({@link EventInbox#linkAndRecordProcessed}): its
     * entry is what {@link InboxEntry#received} describes, held by nobody.
     */
    static InboxWork unrecorded(StripeEvent event, Instant receivedAt, EventObject decodedWhileVerified) {
        return new InboxWork(InboxEntry.received(event, receivedAt), decodedWhileVerified);
    }

    /** An entry read back from the inbox: its object is decoded when first needed. */
    static InboxWork stored(InboxEntry entry) {
        return new InboxWork(entry, null);
    }

    InboxEntry entry() {
        return entry;
    }

    StripeEvent event() {
        return entry.event();
    }

    String eventId() {
        return entry.eventId();
    }

    /** The lease this process holds the entry under. */
    String owner() {
        return entry.leaseOwner();
    }

    /**
     * The event's object.
     *
     * @throws dev.billing.core.error.WebhookRejectedException when the payload cannot be decoded (every time asked)
     */
    EventObject object(WebhookVerifier verifier) {
        if (object == null) {
            if (undecodable != null) {
                throw undecodable;
            }
            try {
                object = verifier.decode(entry.event());
            } catch (RuntimeException e) {
                undecodable = e;
                throw e;
            }
        }
        return object;
    }

    /** The event's object, or null when it cannot be decoded (where it is processed alone, that is recorded). */
    EventObject objectOrNull(WebhookVerifier verifier) {
        try {
            return object(verifier);
        } catch (RuntimeException e) {
            return null;
        }
    }
}

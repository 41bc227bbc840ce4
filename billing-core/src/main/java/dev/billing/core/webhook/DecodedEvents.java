package dev.billing.core.webhook;

import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.WebhookVerifier;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes events for processing, using the object the verifier decoded while it verified the delivery when there is
 * one: a webhook received by this process is then read once, not once to verify and again to process. An object is
 * kept only from the moment its event is recorded leased to this process until its processing ends, and only for
 * that very event instance (an event read back from the inbox is decoded anew).
 */
public final class DecodedEvents {
    private final WebhookVerifier verifier;
    private final ConcurrentHashMap<String, Decoded> kept = new ConcurrentHashMap<>();

    private record Decoded(StripeEvent event, EventObject object) {
    }

    public DecodedEvents(WebhookVerifier verifier) {
        this.verifier = verifier;
    }

    /** Keeps the object decoded with {@code event} until {@link #forget}; nothing when it was not decoded. */
    void keep(StripeEvent event, EventObject object) {
        if (object != null) {
            kept.put(event.id(), new Decoded(event, object));
        }
    }

    /** The kept object of this event instance, or the verifier's decoding (which throws when it cannot). */
    EventObject decode(StripeEvent event) {
        Decoded d = kept.get(event.id());
        return d != null && d.event() == event ? d.object() : verifier.decode(event);
    }

    /** Drops what {@link #keep} kept for this event instance, once its processing ended. */
    void forget(StripeEvent event) {
        Decoded d = kept.get(event.id());
        if (d != null && d.event() == event) {
            kept.remove(event.id(), d);
        }
    }

    /** How many objects are kept (for tests: none once every event was processed). */
    int size() {
        return kept.size();
    }
}

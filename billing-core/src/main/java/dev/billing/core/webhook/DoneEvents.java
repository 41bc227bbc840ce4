package dev.billing.core.webhook;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of the events this process last saw the inbox complete (processed or ignored), so that a redelivery of one
 * is answered as a duplicate without a write and a claim (DESIGN §4.2). An id goes in only once the store confirmed
 * the completion, and the inbox never deletes an entry, so a remembered event is durable. An admin's replay makes an
 * event due again whatever this set says, and the worker processes it; answering its redelivery from here loses
 * nothing. Bounded: past {@code capacity} ids the oldest go first.
 */
final class DoneEvents {
    /** About 2 MB of ids: a few seconds of history at full ingest speed, hours at ordinary rates. */
    static final int CAPACITY = 16_384;

    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    /** Insertion order for eviction, guarded by {@code this}; readers only look at {@link #ids}. */
    private final String[] order;

    private int next;

    DoneEvents() {
        this(CAPACITY);
    }

    DoneEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.order = new String[capacity];
    }

    boolean contains(String eventId) {
        return ids.contains(eventId);
    }

    /** Remembers an event the store confirmed done; the oldest id is forgotten when full. */
    synchronized void remember(String eventId) {
        if (!ids.add(eventId)) {
            return;
        }
        String oldest = order[next];
        order[next] = eventId;
        next = (next + 1) % order.length;
        if (oldest != null) {
            ids.remove(oldest);
        }
    }
}

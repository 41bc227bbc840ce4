package dev.billing.opentelemetry;

import io.opentelemetry.api.trace.SpanContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The span contexts of the latest receipts by event id, for the events' processing spans to link to. In memory and
 * bounded: the oldest receipt is forgotten first, and a restart forgets them all (the processing span then has no
 * link), which costs less than a column of stored trace context no query would ever read.
 */
final class ReceiptLinks {
    static final int DEFAULT_CAPACITY = 10_000;

    private final Map<String, SpanContext> byEvent;

    ReceiptLinks(int capacity) {
        this.byEvent = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SpanContext> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Kept only when valid: the context of a no-op span (no SDK) would link to nothing. */
    synchronized void remember(String eventId, SpanContext receipt) {
        if (receipt.isValid()) {
            byEvent.put(eventId, receipt);
        }
    }

    /** The receipt's context, or null when it was never seen here or was forgotten. */
    synchronized SpanContext receiptOf(String eventId) {
        return byEvent.get(eventId);
    }

    synchronized int size() {
        return byEvent.size();
    }
}

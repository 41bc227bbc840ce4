package dev.billing.emulator.state;

import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything the emulator knows, behind one lock. Every API call, control call and clock advance
 * runs inside {@link #tx}, so the emulator is consistent under concurrent requests; events emitted
 * during a transaction form one delivery batch handed to the webhook dispatcher in order.
 */
public final class EmulatorState {
    public final EmulatorOptions options;
    public final EmulatorClock clock;
    public final Store store = new Store();
    private final ReentrantLock lock = new ReentrantLock(true);
    private int depth;
    private List<Map<String, Object>> batch = new ArrayList<>();
    private final Map<String, Deque<String>> failNextPayment = new HashMap<>();
    private final List<Map<String, Object>> eventLog = new ArrayList<>();
    private boolean muted;
    private String currentRequestId;
    private String currentIdempotencyKey;
    private volatile String hostedBase = "";
    private volatile double taxRatePercent;
    private volatile int upcomingInvoiceDays;
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private Consumer<List<Map<String, Object>>> batchSink = b -> {};

    public EmulatorState(EmulatorOptions options, EmulatorClock clock) {
        this.options = options;
        this.clock = clock;
        this.upcomingInvoiceDays = options.upcomingInvoiceDays();
    }

    public void batchSink(Consumer<List<Map<String, Object>>> sink) {
        this.batchSink = Objects.requireNonNull(sink);
    }

    public void hostedBase(String base) {
        this.hostedBase = base;
    }

    public String hostedBase() {
        return hostedBase;
    }

    public long now() {
        return clock.nowSeconds();
    }

    public Instant nowInstant() {
        return clock.instant();
    }

    /** Runs {@code body} under the state lock; the outermost call publishes the event batch. */
    public <T> T tx(Supplier<T> body) {
        lock.lock();
        depth++;
        try {
            return body.get();
        } finally {
            depth--;
            if (depth == 0) {
                changes.incrementAndGet();
                List<Map<String, Object>> drained = batch;
                batch = new ArrayList<>();
                currentRequestId = null;
                currentIdempotencyKey = null;
                if (!drained.isEmpty()) {
                    batchSink.accept(drained);
                }
            }
            lock.unlock();
        }
    }

    /** Runs {@code body} without emitting events (seeding). */
    public void muted(Runnable body) {
        run(() -> {
            boolean was = muted;
            muted = true;
            try {
                body.run();
            } finally {
                muted = was;
            }
        });
    }

    public void run(Runnable body) {
        tx(() -> {
            body.run();
            return null;
        });
    }

    /** Associates events emitted in the current transaction with the API request. */
    public void requestContext(String requestId, String idempotencyKey) {
        this.currentRequestId = requestId;
        this.currentIdempotencyKey = idempotencyKey;
    }

    // ---------------------------------------------------------------- events

    public Map<String, Object> emit(String type, Map<String, Object> object) {
        return emit(type, object, null);
    }

    public Map<String, Object> emit(String type, Map<String, Object> object, Map<String, Object> previousAttributes) {
        if (muted) {
            return null;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("object", render(object));
        if (previousAttributes != null) {
            data.put("previous_attributes", Json.publicCopy(previousAttributes));
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", Ids.next("evt"));
        event.put("object", "event");
        event.put("api_version", options.apiVersion());
        event.put("created", now());
        event.put("data", data);
        event.put("livemode", false);
        event.put("pending_webhooks", matchingEndpoints(type).size());
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", currentRequestId);
        request.put("idempotency_key", currentIdempotencyKey);
        event.put("request", request);
        event.put("type", type);
        store.put(event);
        eventLog.add(event);
        batch.add(event);
        return event;
    }

    /** Emits {@code <type>} with {@code previous_attributes} if anything visible changed. */
    public void emitUpdated(String type, Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> previous = diff(before, after);
        if (!previous.isEmpty()) {
            emit(type, after, previous);
        }
    }

    /** Top-level public keys whose value differs, mapped to the old value. */
    public static Map<String, Object> diff(Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> previous = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : before.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("_")) {
                continue;
            }
            Object oldValue = Json.publicCopy(e.getValue());
            Object newValue = Json.publicCopy(after.get(key));
            if (!Objects.equals(oldValue, newValue)) {
                previous.put(key, oldValue);
            }
        }
        for (String key : after.keySet()) {
            if (!key.startsWith("_") && !before.containsKey(key)) {
                previous.put(key, null);
            }
        }
        return previous;
    }

    public List<Map<String, Object>> matchingEndpoints(String eventType) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> endpoint : store.all("webhook_endpoint")) {
            if (!"enabled".equals(endpoint.get("status"))) {
                continue;
            }
            @SuppressWarnings("unchecked")
            List<String> enabled = (List<String>) endpoint.get("enabled_events");
            if (enabled == null || enabled.contains("*") || enabled.contains(eventType)) {
                out.add(endpoint);
            }
        }
        return out;
    }

    public List<Map<String, Object>> eventLog() {
        return eventLog;
    }

    // ---------------------------------------------------------------- payments switches

    public void failNextPayment(String customerId, String declineCode) {
        failNextPayment.computeIfAbsent(customerId, c -> new ArrayDeque<>()).add(declineCode);
    }

    /** The decline code to fail the next payment of this customer with, consuming it; or null. */
    public String consumeFailNextPayment(String customerId) {
        Deque<String> queue = failNextPayment.get(customerId);
        if (queue == null || queue.isEmpty()) {
            return null;
        }
        return queue.poll();
    }

    /** The rate automatic tax applies, in percent (0 until set). */
    public double taxRatePercent() {
        return taxRatePercent;
    }

    public void taxRatePercent(double value) {
        if (!(value >= 0 && value <= 100)) {
            throw ApiError.invalid("rate_percent must be between 0 and 100.", "rate_percent");
        }
        taxRatePercent = value;
    }

    /** Days before a renewal that {@code invoice.upcoming} is sent; 0 for none. */
    public int upcomingInvoiceDays() {
        return upcomingInvoiceDays;
    }

    public void upcomingInvoiceDays(int days) {
        if (days < 0 || days > EmulatorOptions.MAX_UPCOMING_INVOICE_DAYS) {
            throw ApiError.invalid(
                    "days must be a whole number from 0 (no invoice.upcoming) to "
                            + EmulatorOptions.MAX_UPCOMING_INVOICE_DAYS + ".",
                    "days");
        }
        upcomingInvoiceDays = days;
    }

    // ---------------------------------------------------------------- reset

    /** Clears all data, logs and switches; webhook endpoints survive (they are configuration). */
    public void clear() {
        List<Map<String, Object>> endpoints = store.all("webhook_endpoint");
        store.clear();
        endpoints.forEach(store::put);
        failNextPayment.clear();
        eventLog.clear();
        taxRatePercent = 0;
        upcomingInvoiceDays = options.upcomingInvoiceDays();
    }

    // ---------------------------------------------------------------- snapshot

    /**
     * How many transactions have run: a state file is saved again only when this moved (reads count
     * too, which only costs an unneeded save).
     */
    long changes() {
        return changes.get();
    }

    /** Runs {@code body} under the state lock without counting it as a change (snapshots). */
    <T> T locked(Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    /** The state worth keeping across restarts, as snapshot roots (call under the lock). */
    Map<String, Object> snapshotRoots() {
        Map<String, Object> roots = new LinkedHashMap<>();
        roots.put("objects", store.everything());
        roots.put("event_log", eventLog);
        Map<String, Object> failNext = new LinkedHashMap<>();
        failNextPayment.forEach((customer, codes) -> failNext.put(customer, new ArrayList<>(codes)));
        roots.put("fail_next_payment", failNext);
        roots.put("tax_rate_percent", taxRatePercent);
        return roots;
    }

    /** Replaces everything with decoded snapshot roots (call under the lock). */
    @SuppressWarnings("unchecked")
    void restore(Map<String, Object> roots) {
        store.clear();
        for (Map<String, Object> object : (List<Map<String, Object>>) roots.get("objects")) {
            store.put(object);
        }
        eventLog.clear();
        eventLog.addAll((List<Map<String, Object>>) roots.get("event_log"));
        failNextPayment.clear();
        ((Map<String, Object>) roots.get("fail_next_payment"))
                .forEach((customer, codes) -> failNextPayment.put(customer, new ArrayDeque<>((List<String>) codes)));
        // State files written before the tax rate existed have none.
        taxRatePercent = roots.get("tax_rate_percent") instanceof Number rate ? rate.doubleValue() : 0;
    }

    // ---------------------------------------------------------------- rendering

    /** The public JSON shape of a stored object (deleted objects render as Stripe's stub). */
    public Map<String, Object> render(Map<String, Object> object) {
        if (Boolean.TRUE.equals(object.get("_deleted"))) {
            Map<String, Object> stub = new LinkedHashMap<>();
            stub.put("id", object.get("id"));
            stub.put("object", object.get("object"));
            stub.put("deleted", true);
            return stub;
        }
        return Json.publicCopy(object);
    }

    /** Renders and applies {@code expand[]} paths. */
    public Map<String, Object> render(Map<String, Object> object, List<String> expand) {
        Map<String, Object> out = render(object);
        return Expander.expand(this, out, expand);
    }
}

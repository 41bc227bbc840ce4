package dev.billing.emulator.state;

import dev.billing.emulator.wire.Json;
import java.util.HashMap;
import java.util.Map;

/**
 * Stripe's idempotency semantics for POST requests, keyed by (API key, Idempotency-Key): a saved
 * response replays for identical parameters, differing parameters are an {@code idempotency_error},
 * and a key whose first request is still running answers 409.
 */
public final class IdempotencyStore {
    /** A saved response. */
    public record Saved(String fingerprint, int status, String body, String requestId) {}

    /** What to do with an incoming request. */
    public sealed interface Decision permits Proceed, Replay, Conflict, InFlight {}

    public record Proceed() implements Decision {}

    public record Replay(Saved saved) implements Decision {}

    public record Conflict() implements Decision {}

    public record InFlight() implements Decision {}

    private final Map<String, Saved> saved = new HashMap<>();
    private final Map<String, String> inFlight = new HashMap<>();

    public static String scope(String apiKey, String idempotencyKey) {
        // The API key is part of the scope but is never stored in clear text.
        return Integer.toHexString(apiKey.hashCode()) + ":" + idempotencyKey;
    }

    public synchronized Decision begin(String scopedKey, String fingerprint) {
        Saved s = saved.get(scopedKey);
        if (s != null) {
            return s.fingerprint().equals(fingerprint) ? new Replay(s) : new Conflict();
        }
        String running = inFlight.get(scopedKey);
        if (running != null) {
            return running.equals(fingerprint) ? new InFlight() : new Conflict();
        }
        inFlight.put(scopedKey, fingerprint);
        return new Proceed();
    }

    public synchronized void save(String scopedKey, Saved response) {
        saved.put(scopedKey, response);
    }

    public synchronized void end(String scopedKey) {
        inFlight.remove(scopedKey);
    }

    public synchronized void clear() {
        saved.clear();
    }

    /** The saved responses, for a state file. */
    synchronized Map<String, Object> snapshot() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        saved.forEach((key, s) -> out.put(
                key,
                Json.obj(
                        "fingerprint",
                        s.fingerprint(),
                        "status",
                        (long) s.status(),
                        "body",
                        s.body(),
                        "request_id",
                        s.requestId())));
        return out;
    }

    /** Replaces the saved responses with a state file's. */
    @SuppressWarnings("unchecked")
    synchronized void restore(Map<String, Object> snapshot) {
        saved.clear();
        snapshot.forEach((key, value) -> {
            Map<String, Object> s = (Map<String, Object>) value;
            saved.put(
                    key,
                    new Saved(
                            (String) s.get("fingerprint"),
                            ((Number) s.get("status")).intValue(),
                            (String) s.get("body"),
                            (String) s.get("request_id")));
        });
    }
}

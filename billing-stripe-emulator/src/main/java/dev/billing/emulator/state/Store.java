package dev.billing.emulator.state;

import dev.billing.emulator.wire.ApiError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * All emulated Stripe objects, keyed by id, with a per-type insertion order. Not thread-safe by
 * itself: every access happens under the emulator state lock.
 */
public final class Store {
    private final Map<String, Map<String, Object>> byId = new HashMap<>();
    private final Map<String, List<String>> idsByType = new HashMap<>();

    public void put(Map<String, Object> object) {
        String id = (String) object.get("id");
        String type = type(object);
        if (byId.put(id, object) == null) {
            idsByType.computeIfAbsent(type, t -> new ArrayList<>()).add(id);
        }
    }

    static String type(Map<String, Object> object) {
        Object t = object.get("_type");
        return t != null ? (String) t : (String) object.get("object");
    }

    public Map<String, Object> get(String id) {
        return id == null ? null : byId.get(id);
    }

    /** The object if it exists with the given type and is not deleted. */
    public Map<String, Object> find(String type, String id) {
        Map<String, Object> o = get(id);
        if (o == null || !type.equals(type(o)) || Boolean.TRUE.equals(o.get("_deleted"))) {
            return null;
        }
        return o;
    }

    public Map<String, Object> require(String type, String id, String param) {
        Map<String, Object> o = find(type, id);
        if (o == null) {
            throw ApiError.noSuch(noun(type), id, param);
        }
        return o;
    }

    static String noun(String type) {
        return switch (type) {
            case "payment_method" -> "PaymentMethod";
            case "setup_intent" -> "setupintent";
            case "payment_intent" -> "payment_intent";
            case "webhook_endpoint" -> "webhook endpoint";
            default -> type;
        };
    }

    public void remove(String id) {
        Map<String, Object> o = byId.remove(id);
        if (o != null) {
            List<String> ids = idsByType.get(type(o));
            if (ids != null) {
                ids.remove(id);
            }
        }
    }

    /** Objects of a type, oldest first, deleted ones excluded. */
    public List<Map<String, Object>> all(String type) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : idsByType.getOrDefault(type, List.of())) {
            Map<String, Object> o = byId.get(id);
            if (o != null && !Boolean.TRUE.equals(o.get("_deleted"))) {
                out.add(o);
            }
        }
        return out;
    }

    /** Objects of a type, newest first (Stripe list order), filtered. */
    public List<Map<String, Object>> newestFirst(String type, Predicate<Map<String, Object>> filter) {
        List<Map<String, Object>> all = all(type);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (filter.test(all.get(i))) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    void clear() {
        byId.clear();
        idsByType.clear();
    }

    /** Every stored object (deleted ones included), each type in insertion order: what {@link #put} rebuilds. */
    List<Map<String, Object>> everything() {
        List<Map<String, Object>> out = new ArrayList<>(byId.size());
        idsByType.forEach((type, ids) -> ids.forEach(id -> out.add(byId.get(id))));
        return out;
    }

    Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        idsByType.forEach((type, ids) -> counts.put(type, ids.size()));
        return counts;
    }
}

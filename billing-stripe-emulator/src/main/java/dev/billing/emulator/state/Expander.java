package dev.billing.emulator.state;

import dev.billing.emulator.wire.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Applies Stripe's {@code expand[]} to a rendered object: ids become the objects they name. */
final class Expander {
    private static final int MAX_DEPTH = 4;

    private Expander() {}

    static Map<String, Object> expand(EmulatorState state, Map<String, Object> root, List<String> paths) {
        if (paths == null) {
            return root;
        }
        for (String path : paths) {
            if (path == null || path.isBlank()) {
                continue;
            }
            String[] segments = path.split("\\.");
            int depth = 0;
            for (String s : segments) {
                if (!"data".equals(s)) {
                    depth++;
                }
            }
            if (depth > MAX_DEPTH) {
                throw ApiError.invalid(
                        "You cannot expand more than 4 levels of a property. Property: " + path, "expand");
            }
            walk(state, root, segments, 0, path);
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    private static void walk(EmulatorState state, Object node, String[] segments, int index, String path) {
        if (node instanceof List<?> list) {
            for (Object element : list) {
                walk(state, element, segments, index, path);
            }
            return;
        }
        if (!(node instanceof Map)) {
            return;
        }
        Map<String, Object> map = (Map<String, Object>) node;
        String key = segments[index];
        if (!map.containsKey(key)) {
            Object virtual = virtualField(state, map, key);
            if (virtual == null) {
                throw ApiError.invalid("This property cannot be expanded (" + path + ").", "expand");
            }
            map.put(key, virtual);
        }
        Object value = expandValue(state, map.get(key), path);
        map.put(key, value);
        if (index + 1 < segments.length && value != null) {
            walk(state, value, segments, index + 1, path);
        }
    }

    private static Object expandValue(EmulatorState state, Object value, String path) {
        if (value instanceof String id) {
            Map<String, Object> target = state.store.get(id);
            if (target == null) {
                throw ApiError.invalid("This property cannot be expanded (" + path + ").", "expand");
            }
            return state.render(target);
        }
        if (value instanceof List<?> list) {
            boolean allIds = !list.isEmpty() && list.stream().allMatch(v -> v instanceof String);
            if (allIds) {
                List<Object> out = new ArrayList<>();
                for (Object v : list) {
                    Map<String, Object> target = state.store.get((String) v);
                    out.add(target == null ? v : state.render(target));
                }
                return out;
            }
        }
        return value;
    }

    /**
     * Fields Stripe only includes when expanded ("includable" properties): whole lists read straight
     * from the store, so rendering an object needs no resource class (their routes page the same lists).
     */
    @SuppressWarnings("unchecked")
    private static Object virtualField(EmulatorState state, Map<String, Object> node, String key) {
        Object type = node.get("object");
        Object id = node.get("id");
        if (!(id instanceof String objectId)) {
            return null;
        }
        if ("checkout.session".equals(type) && "line_items".equals(key)) {
            List<Map<String, Object>> items =
                    (List<Map<String, Object>>) state.store.get(objectId).get("_line_items");
            return Lists.fullList(state, "/v1/checkout/sessions/" + objectId + "/line_items", items);
        }
        if ("charge".equals(type) && "refunds".equals(key)) {
            // Only on request since API 2022-11-15: the whole list, newest first.
            return Lists.fullList(
                    state,
                    "/v1/charges/" + objectId + "/refunds",
                    state.store.newestFirst("refund", r -> objectId.equals(r.get("charge"))));
        }
        if ("invoice".equals(type) && "payments".equals(key)) {
            return Lists.fullList(
                    state,
                    "/v1/invoice_payments?invoice=" + objectId,
                    state.store.newestFirst("invoice_payment", p -> objectId.equals(p.get("invoice"))));
        }
        if ("customer".equals(type) && "subscriptions".equals(key)) {
            List<Map<String, Object>> subs = state.store.newestFirst(
                    "subscription", s -> objectId.equals(s.get("customer")) && !"canceled".equals(s.get("status")));
            return Lists.fullList(state, "/v1/customers/" + objectId + "/subscriptions", subs);
        }
        return null;
    }
}

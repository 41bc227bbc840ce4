package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The audit trail as {@code GET /admin/audit} lists it, and the checks that each change has one entry. */
final class AuditTrail {
    private AuditTrail() {}

    /** Every entry matching the query ({@code userId=...}, {@code type=...}), oldest first. */
    static List<JsonNode> of(Run r, String query) {
        List<JsonNode> entries = new ArrayList<>(r.adminList("/admin/audit?" + query));
        entries.sort(Comparator.comparingLong(e -> e.path("id").asLong()));
        return entries;
    }

    /** How many entries of one type name each entity. */
    static Map<String, Integer> countByEntity(Run r, String type) {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode e : of(r, "type=" + type)) {
            counts.merge(e.path("entityId").asText(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Replays a subscription's entries from its creation: each change's "from" must be the state the entries before
     * it left (a second entry for one change, or a missing one, breaks the chain), and the end is the state the API
     * shows.
     */
    static void replay(Party p, String subscription, List<JsonNode> entries, JsonNode shown) {
        String what = p + "'s subscription " + subscription;
        if (entries.isEmpty() || !entries.get(0).path("type").asText().equals("subscription.created")) {
            throw new AssertionError(what + " has no subscription.created as its first audit entry: " + entries);
        }
        String status = null;
        String price = null;
        String quantity = null;
        boolean scheduled = false;
        for (JsonNode e : entries) {
            JsonNode d = e.path("detail");
            String type = e.path("type").asText();
            switch (type) {
                case "subscription.created" -> {
                    if (status != null) {
                        throw new AssertionError(what + " was created twice in the audit trail: " + entries);
                    }
                    status = d.path("new_status").asText();
                    price = d.path("price_id").asText(null);
                    quantity = d.path("quantity").asText();
                }
                case "subscription.status_changed", "subscription.canceled" -> {
                    expect(what, type, status, d.path("old_status").asText(), entries);
                    status = d.path("new_status").asText();
                }
                case "subscription.plan_changed" -> {
                    expect(what, type, price, d.path("old_price_id").asText(null), entries);
                    price = d.path("new_price_id").asText(null);
                }
                case "subscription.quantity_changed" -> {
                    expect(what, type, quantity, d.path("old_quantity").asText(), entries);
                    quantity = d.path("new_quantity").asText();
                }
                case "subscription.cancel_scheduled", "subscription.resumed" -> {
                    boolean to = type.endsWith("cancel_scheduled");
                    if (scheduled == to) {
                        throw new AssertionError(what + ": " + type + " twice in a row in the audit trail: " + entries);
                    }
                    scheduled = to;
                }
                default -> {
                    // other entries about the subscription (a duplicate flagged, ...) change none of these
                }
            }
        }
        String end = status + " " + price + " x" + quantity;
        String api = shown.path("status").asText() + " " + shown.path("priceId").asText(null) + " x"
                + shown.path("quantity").asLong();
        if (!end.equals(api)) {
            throw new AssertionError(
                    what + ": the audit trail ends at " + end + " but the API shows " + api + ": " + entries);
        }
        boolean ended = status.equals("canceled") || status.equals("incomplete_expired");
        boolean shownScheduled = shown.path("cancelAtPeriodEnd").asBoolean()
                || !shown.path("cancelAt").isNull() && !shown.path("cancelAt").isMissingNode();
        if (!ended && scheduled != shownScheduled) {
            throw new AssertionError(what + ": the audit trail says cancellation scheduled " + scheduled
                    + " but the API shows " + shownScheduled + ": " + entries);
        }
    }

    private static void expect(String what, String type, String state, String from, List<JsonNode> entries) {
        if (!Objects.equals(state, from)) {
            throw new AssertionError(what + ": " + type + " from " + from + " but the entries before left " + state
                    + " (an entry twice, or one missing): " + entries);
        }
    }
}

package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.model.CustomerId;
import dev.billing.core.port.ProjectionChanges;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * {@link ProjectionChanges} on {@code billing_projection_changes}: a batch is one POST of an array; pruning is the
 * function {@code billing_changes_prune}. Calls are retried: an append sent twice only tells readers twice.
 */
final class SupabaseProjectionChanges implements ProjectionChanges {
    static final String TABLE = "billing_projection_changes";

    private final PostgrestClient client;

    SupabaseProjectionChanges(PostgrestClient client) {
        this.client = client;
    }

    @Override
    public void append(String origin, Collection<CustomerId> customers, Instant at) {
        if (customers.isEmpty()) {
            return;
        }
        ArrayNode rows = PostgrestClient.JSON.createArrayNode();
        for (CustomerId customer : customers) {
            ObjectNode row = rows.addObject();
            row.put("origin", origin);
            row.put("customer_id", customer.value());
            Rows.put(row, "changed_at", at);
        }
        client.post(TABLE).json(rows).prefer("return=minimal").retryable().send();
    }

    @Override
    public List<Change> after(long position, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        JsonNode rows = client.get(TABLE)
                .param("select", "position,origin,customer_id,changed_at")
                .param("position", "gt." + position)
                .param("order", "position.asc")
                .param("limit", Integer.toString(limit))
                .retryable()
                .send()
                .json();
        return Rows.map(
                rows,
                row -> new Change(
                        Rows.longValue(row, "position"),
                        Rows.requiredText(row, "origin"),
                        CustomerId.of(Rows.requiredText(row, "customer_id")),
                        Rows.requiredInstant(row, "changed_at")));
    }

    @Override
    public long head() {
        JsonNode rows = client.get(TABLE)
                .param("select", "position")
                .param("order", "position.desc")
                .param("limit", "1")
                .retryable()
                .send()
                .json();
        return rows.isEmpty() ? 0 : Rows.longValue(rows.get(0), "position");
    }

    @Override
    public int prune(Instant before) {
        ObjectNode args = Rows.object();
        Rows.put(args, "p_before", before);
        return client.rpc("billing_changes_prune", args)
                .retryable()
                .send()
                .json()
                .asInt();
    }
}

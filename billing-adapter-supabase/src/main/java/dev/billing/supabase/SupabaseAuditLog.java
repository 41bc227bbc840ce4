package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.port.AuditLog;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link AuditLog} on {@code billing_audit_log}: the projection's changes are written there by 011's triggers (with
 * the cause each write's request carried); explicit entries through {@code billing_audit_record} (once per entity,
 * action, entity id and cause; a refund's creation once per refund, a request's taking over its webhook's, 038); the
 * listing through {@code billing_audit_list}, newest first below the cursor's id;
 * a copy's entries through 016's {@code billing_audit_restore}, with their own ids.
 */
final class SupabaseAuditLog implements AuditLog {
    private final PostgrestClient client;

    SupabaseAuditLog(PostgrestClient client) {
        this.client = client;
    }

    /** Idempotent by its unique index, so it may be retried. */
    @Override
    public boolean record(AuditRecord entry) {
        ObjectNode args = Rows.object();
        args.put("p_entity", entry.action().entity());
        args.put("p_entity_id", entry.entityId());
        args.put("p_action", entry.action().action());
        args.put("p_user_id", entry.userId() == null ? null : entry.userId().value());
        args.put(
                "p_customer_id",
                entry.customerId() == null ? null : entry.customerId().value());
        args.put("p_cause", entry.cause().text());
        ObjectNode detail = args.putObject("p_detail");
        entry.detail().forEach(detail::put);
        return client.rpc("billing_audit_record", args)
                .retryable()
                .send()
                .json()
                .asBoolean();
    }

    /** Through 016's {@code billing_audit_restore}: idempotent (an identical entry is not written again): retried. */
    @Override
    public boolean restore(AuditEntry entry) {
        ObjectNode args = Rows.object();
        args.put("p_id", entry.id());
        args.put("p_recorded_at", Rows.timestamp(entry.recordedAt()));
        args.put("p_entity", entry.action().entity());
        args.put("p_entity_id", entry.entityId());
        args.put("p_action", entry.action().action());
        args.put("p_user_id", entry.userId() == null ? null : entry.userId().value());
        args.put(
                "p_customer_id",
                entry.customerId() == null ? null : entry.customerId().value());
        args.put("p_cause", entry.cause() == null ? null : entry.cause().text());
        ObjectNode detail = args.putObject("p_detail");
        entry.detail().forEach(detail::put);
        args.put("p_explicit", entry.action().explicit());
        return client.rpc("billing_audit_restore", args)
                .retryable()
                .send()
                .json()
                .asBoolean();
    }

    @Override
    public Page<AuditEntry> list(AuditQuery q) {
        ObjectNode args = Rows.object();
        args.put("p_user_id", q.userId() == null ? null : q.userId().value());
        args.put("p_customer_id", q.customerId() == null ? null : q.customerId().value());
        args.put("p_entity", q.action() == null ? null : q.action().entity());
        args.put("p_action", q.action() == null ? null : q.action().action());
        args.put("p_from", q.from() == null ? null : Rows.timestamp(q.from()));
        args.put("p_to", q.to() == null ? null : Rows.timestamp(q.to()));
        args.put("p_before_id", q.beforeId());
        args.put("p_limit", q.limit() + 1);
        List<AuditEntry> rows = Rows.map(
                client.rpc("billing_audit_list", args).retryable().send().json(), SupabaseAuditLog::entry);
        if (rows.size() <= q.limit()) {
            return Page.last(rows);
        }
        List<AuditEntry> items = rows.subList(0, q.limit());
        return new Page<>(
                items, true, AuditQuery.cursorAfter(items.get(items.size() - 1).id()));
    }

    private static AuditEntry entry(JsonNode row) {
        String entity = Rows.requiredText(row, "entity");
        String action = Rows.requiredText(row, "action");
        AuditAction type = AuditAction.of(entity, action)
                .orElseThrow(() -> new StoreException("An audit row has the unknown action " + entity + "." + action));
        String user = Rows.text(row, "user_id");
        String customer = Rows.text(row, "customer_id");
        Map<String, String> detail = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = row.path("detail").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            detail.put(field.getKey(), field.getValue().asText());
        }
        return new AuditEntry(
                Rows.longValue(row, "id"),
                Rows.requiredInstant(row, "recorded_at"),
                type,
                Rows.requiredText(row, "entity_id"),
                user == null ? null : UserId.of(user),
                customer == null ? null : CustomerId.of(customer),
                cause(Rows.text(row, "cause")),
                detail);
    }

    private static AuditCause cause(String text) {
        try {
            return AuditCause.parse(text);
        } catch (IllegalArgumentException e) {
            return AuditCause.system(text); // a cause some other tool wrote: shown as it is
        }
    }

    @Override
    public boolean remove(long id) {
        return SupabaseRemovals.delete(client, "billing_audit_log", "id", Long.toString(id));
    }
}

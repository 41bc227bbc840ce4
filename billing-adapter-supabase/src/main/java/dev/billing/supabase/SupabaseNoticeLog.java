package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.port.NoticeLog;
import java.time.Instant;
import java.util.List;

/**
 * {@link NoticeLog} on 013's {@code billing_notice_log} over PostgREST: one insert per attempt, a keyset listing on
 * the id (newest first, {@code id=lt.} the cursor's), the erasure one {@code PATCH} of the user's rows.
 */
final class SupabaseNoticeLog implements NoticeLog {
    static final String TABLE = "billing_notice_log";
    private static final String COLUMNS = "id,event_id,kind,user_id,customer_id,status,message_id,error,at";

    private final PostgrestClient client;

    SupabaseNoticeLog(PostgrestClient client) {
        this.client = client;
    }

    /** Not retried: a lost answer could otherwise write the attempt twice. */
    @Override
    public void record(NoticeRecord entry) {
        ObjectNode row = Rows.object();
        row.put("event_id", entry.eventId());
        row.put("kind", entry.kind().wireName());
        row.put("user_id", entry.userId().value());
        row.put(
                "customer_id",
                entry.customerId() == null ? null : entry.customerId().value());
        row.put("status", entry.status().wireName());
        row.put("message_id", entry.messageId());
        row.put("error", entry.error());
        Rows.put(row, "at", entry.at());
        client.post(TABLE).json(row).prefer("return=minimal").send();
    }

    /**
     * Through 016's {@code billing_notice_restore} (the id column is generated, so a plain insert cannot set it);
     * idempotent, so retried.
     */
    @Override
    public boolean restore(NoticeEntry entry) {
        NoticeRecord r = entry.record();
        ObjectNode args = Rows.object();
        args.put("p_id", entry.id());
        args.put("p_event_id", r.eventId());
        args.put("p_kind", r.kind().wireName());
        args.put("p_user_id", r.userId().value());
        args.put("p_customer_id", r.customerId() == null ? null : r.customerId().value());
        args.put("p_status", r.status().wireName());
        args.put("p_message_id", r.messageId());
        args.put("p_error", r.error());
        args.put("p_at", Rows.timestamp(r.at()));
        return client.rpc("billing_notice_restore", args)
                .retryable()
                .send()
                .json()
                .asBoolean();
    }

    @Override
    public Page<NoticeEntry> list(NoticeQuery q) {
        PostgrestClient.Request request = client.get(TABLE)
                .param("select", COLUMNS)
                .param("order", "id.desc")
                .param("limit", Integer.toString(q.limit() + 1));
        if (q.cursor() != null) {
            request.param("id", "lt." + q.beforeId());
        }
        if (q.userId() != null) {
            request.param("user_id", "eq." + q.userId().value());
        }
        if (q.kind() != null) {
            request.param("kind", "eq." + q.kind().wireName());
        }
        if (q.status() != null) {
            request.param("status", "eq." + q.status().wireName());
        }
        List<NoticeEntry> rows = Rows.map(request.retryable().send().json(), SupabaseNoticeLog::entry);
        if (rows.size() <= q.limit()) {
            return Page.last(rows);
        }
        List<NoticeEntry> items = rows.subList(0, q.limit());
        return new Page<>(
                items, true, NoticeQuery.cursorAfter(items.get(items.size() - 1).id()));
    }

    @Override
    public List<NoticeEntry> forUser(UserId user) {
        return Rows.map(
                client.get(TABLE)
                        .param("select", COLUMNS)
                        .param("user_id", "eq." + user.value())
                        .param("order", "id.desc")
                        .retryable()
                        .send()
                        .json(),
                SupabaseNoticeLog::entry);
    }

    @Override
    public boolean wentOut(String eventId, UserId user) {
        return !client.get(TABLE)
                .param("select", "id")
                .param("user_id", "eq." + user.value())
                .param("event_id", "eq." + eventId)
                .param("status", "neq.failed")
                .param("limit", "1")
                .retryable()
                .send()
                .json()
                .isEmpty();
    }

    /** Not retried, like the other erasure calls: a repeat after a lost answer would answer 0. */
    @Override
    public int pseudonymise(UserId user, UserId pseudonym) {
        ObjectNode change = Rows.object();
        change.put("user_id", pseudonym.value());
        // A failure's text can quote the address a mail server refused: it goes with the user id.
        change.putNull("error");
        return client.patch(TABLE)
                .param("user_id", "eq." + user.value())
                .param("select", "id")
                .json(change)
                .prefer("return=representation")
                .send()
                .json()
                .size();
    }

    private static NoticeEntry entry(JsonNode row) {
        String kind = Rows.requiredText(row, "kind");
        String status = Rows.requiredText(row, "status");
        String customer = Rows.text(row, "customer_id");
        return new NoticeEntry(
                Rows.longValue(row, "id"),
                new NoticeRecord(
                        Rows.requiredText(row, "event_id"),
                        NoticeKind.fromName(kind)
                                .orElseThrow(() -> new StoreException("A notice row has the unknown kind " + kind)),
                        UserId.of(Rows.requiredText(row, "user_id")),
                        customer == null ? null : CustomerId.of(customer),
                        NoticeStatus.fromName(status)
                                .orElseThrow(
                                        () -> new StoreException("A notice row has the unknown " + "status " + status)),
                        Rows.text(row, "message_id"),
                        Rows.text(row, "error"),
                        Rows.requiredInstant(row, "at")));
    }

    @Override
    public int prune(Instant before, int max) {
        return SupabaseRetention.prune(client, "billing_notices_prune", before, max);
    }

    @Override
    public boolean remove(long id) {
        return SupabaseRemovals.delete(client, TABLE, "id", Long.toString(id));
    }
}

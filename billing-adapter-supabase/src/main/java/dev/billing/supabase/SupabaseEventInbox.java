package dev.billing.supabase;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.Page;
import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link EventInbox} on the legacy {@code stripe_webhook_events} table (extended by the billing SQL). Recording
 * and restoring are one insert with {@code resolution=ignore-duplicates}; marking notified is one conditional
 * PATCH; claims, completion, failure, requeue, listing (also {@code about}) and counting are the
 * {@code billing_inbox_*} functions (one transaction each: a claim's lease and attempt count, owner fencing,
 * {@code FOR UPDATE SKIP LOCKED}); erasure is {@code billing_inbox_redact_subjects} and
 * {@code billing_inbox_redact_event} (018), which write {@link EventInbox#redactedPayload} as jsonb. Whom an event is
 * about is its own column, {@code subject_id} (018), written with the row from {@link StripeEvent#subjectId}.
 *
 * <p>The payload is stored as {@code jsonb} and read back as jsonb's text ({@code payload::text}): the same JSON
 * value with keys reordered and whitespace normalised, which is also what the Postgres adapter returns.
 *
 * <p>Rows the earlier Node backend wrote have no payload. They still read as valid entries (so listings,
 * counts and migration keep them, and a redelivery of such an event is still a duplicate): status as stored
 * ({@code processed} by default), created and received when processed, and the payload
 * {@link #legacyPayload a minimal envelope} flagged {@code "legacy": true}. They are never claimed or requeued:
 * there is nothing to process.
 */
final class SupabaseEventInbox implements EventInbox {
    static final String TABLE = "stripe_webhook_events";
    private static final String COLUMNS = "stripe_event_id,event_type,event_created,livemode,api_version,object_id,"
            + "object_type,status,attempts,last_error,received_at,next_attempt_at,lease_owner,lease_expires_at,"
            + "processed_at,notified_at,subject_id,payload_text:payload::text";
    private static final String CLAIM_ORDER = "event_created.asc,stripe_event_id.asc";
    /** Newest received first, then by event id: the order of billing_inbox_list and billing_inbox_about. */
    private static final String LIST_ORDER = "received_at.desc,stripe_event_id.asc";

    private final PostgrestClient client;

    SupabaseEventInbox(PostgrestClient client) {
        this.client = client;
    }

    @Override
    public RecordOutcome record(StripeEvent event, Instant receivedAt) {
        ObjectNode row = eventRow(event);
        row.put("status", InboxStatus.PENDING.wireName());
        row.put("attempts", 0);
        Rows.put(row, "received_at", receivedAt);
        return insertIfAbsent(row) ? RecordOutcome.RECORDED : RecordOutcome.DUPLICATE;
    }

    @Override
    public Optional<InboxEntry> claim(String eventId, String owner, Instant now, Duration lease) {
        return leaseOne("billing_inbox_claim", eventId, owner, now, lease);
    }

    /** Calls {@code function}, which leases the one entry {@code eventId} to {@code owner} and returns it if it did. */
    private Optional<InboxEntry> leaseOne(String function, String eventId, String owner, Instant now, Duration lease) {
        ObjectNode args = Rows.object();
        args.put("p_event_id", eventId);
        args.put("p_owner", owner);
        Rows.put(args, "p_now", now);
        Rows.put(args, "p_lease_until", leaseEnd(now, lease));
        List<InboxEntry> leased = Rows.map(
                client.rpc(function, args).param("select", COLUMNS).send().json(), SupabaseEventInbox::entry);
        return leased.isEmpty() ? Optional.empty() : Optional.of(leased.get(0));
    }

    @Override
    public List<InboxEntry> claimDue(int max, String owner, Instant now, Duration lease) {
        if (max < 1) {
            return List.of();
        }
        ObjectNode args = Rows.object();
        args.put("p_max", max);
        args.put("p_owner", owner);
        Rows.put(args, "p_now", now);
        Rows.put(args, "p_lease_until", leaseEnd(now, lease));
        return Rows.map(
                client.rpc("billing_inbox_claim_due", args)
                        .param("select", COLUMNS)
                        .param("order", CLAIM_ORDER)
                        .send()
                        .json(),
                SupabaseEventInbox::entry);
    }

    @Override
    public boolean complete(String eventId, String owner, InboxStatus outcome, Instant now) {
        if (!outcome.isDone()) {
            throw new IllegalArgumentException("complete needs PROCESSED or IGNORED, not " + outcome);
        }
        ObjectNode args = Rows.object();
        args.put("p_event_id", eventId);
        args.put("p_owner", owner);
        args.put("p_status", outcome.wireName());
        Rows.put(args, "p_now", now);
        return client.rpc("billing_inbox_complete", args).send().json().asBoolean();
    }

    @Override
    public boolean fail(String eventId, String owner, String error, Instant nextAttemptAt, Instant now) {
        ObjectNode args = Rows.object();
        args.put("p_event_id", eventId);
        args.put("p_owner", owner);
        args.put("p_error", error);
        Rows.put(args, "p_next_attempt_at", nextAttemptAt);
        Rows.put(args, "p_now", now);
        return client.rpc("billing_inbox_fail", args).send().json().asBoolean();
    }

    @Override
    public boolean renewLease(String eventId, String owner, Instant until) {
        ObjectNode row = Rows.object();
        Rows.put(row, "lease_expires_at", until);
        // Retried: a repeat by the same owner sets the same end again.
        return client.patch(TABLE)
                        .param("stripe_event_id", "eq." + eventId)
                        .param("lease_owner", "eq." + owner)
                        .param("status", "eq." + InboxStatus.PENDING.wireName())
                        .param("select", "stripe_event_id")
                        .prefer("return=representation")
                        .json(row)
                        .retryable()
                        .send()
                        .json()
                        .size()
                > 0;
    }

    @Override
    public boolean markNotified(String eventId, Instant now) {
        ObjectNode row = Rows.object();
        Rows.put(row, "notified_at", now);
        JsonNode updated = client.patch(TABLE)
                .param("stripe_event_id", "eq." + eventId)
                .param("notified_at", "is.null")
                .param("select", "stripe_event_id")
                .prefer("return=representation")
                .json(row)
                .send()
                .json();
        return updated.size() > 0;
    }

    @Override
    public Optional<InboxEntry> find(String eventId) {
        List<InboxEntry> found = Rows.map(
                client.get(TABLE)
                        .param("select", COLUMNS)
                        .param("stripe_event_id", "eq." + eventId)
                        .retryable()
                        .send()
                        .json(),
                SupabaseEventInbox::entry);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public Page<InboxEntry> list(InboxStatus status, String cursor, int limit) {
        int size = Keyset.pageSize(limit);
        ObjectNode args = Rows.object();
        args.put("p_status", status == null ? null : status.wireName());
        if (cursor == null) {
            args.putNull("p_after_received");
            args.putNull("p_after_event_id");
        } else {
            List<String> parts = Keyset.decode(cursor, 2);
            args.put("p_after_received", parts.get(0));
            args.put("p_after_event_id", parts.get(1));
        }
        args.put("p_limit", size + 1);
        List<InboxEntry> rows = Rows.map(
                client.rpc("billing_inbox_list", args)
                        .param("select", COLUMNS)
                        .param("order", LIST_ORDER)
                        .retryable()
                        .send()
                        .json(),
                SupabaseEventInbox::entry);
        return Keyset.page(rows, size, e -> Keyset.encode(Rows.timestamp(e.receivedAt()), e.eventId()));
    }

    /**
     * The function billing_inbox_about_subjects (018): list's order and keyset over the entries whose subject_id is
     * one of the ids, found through stripe_webhook_events_subject_idx. A function rather than a GET with
     * {@code subject_id=in.(...)}: the ids go in the POST body, where an account with hundreds of ids cannot make a
     * URL longer than Supabase's gateway takes (414), and need no quoting.
     */
    @Override
    public List<InboxEntry> about(Set<String> subjects, int max) {
        ArrayNode ids = PostgrestClient.JSON.createArrayNode();
        subjects.stream().filter(Objects::nonNull).forEach(ids::add);
        if (ids.isEmpty() || max < 1) {
            return List.of();
        }
        return Keyset.collect(max, Keyset.MAX_PAGE, (last, limit) -> {
            ObjectNode args = Rows.object();
            args.set("p_subjects", ids);
            args.put("p_after_received", last == null ? null : Rows.timestamp(last.receivedAt()));
            args.put("p_after_event_id", last == null ? null : last.eventId());
            args.put("p_limit", limit);
            return Rows.map(
                    client.rpc("billing_inbox_about_subjects", args)
                            .param("select", COLUMNS)
                            .param("order", LIST_ORDER)
                            .retryable()
                            .send()
                            .json(),
                    SupabaseEventInbox::entry);
        });
    }

    /**
     * The function billing_inbox_redact_subjects (018): the ids go as one array in the POST body, like
     * {@link #about}'s, so any number of them fit. Not retried: a repeat after a lost answer would count none of the
     * entries it redacted.
     */
    @Override
    public int redact(Set<String> subjects) {
        ArrayNode ids = PostgrestClient.JSON.createArrayNode();
        subjects.stream().filter(Objects::nonNull).forEach(ids::add);
        if (ids.isEmpty()) {
            return 0;
        }
        ObjectNode args = Rows.object();
        args.set("p_subjects", ids);
        return client.rpc("billing_inbox_redact_subjects", args).send().json().asInt();
    }

    @Override
    public boolean redactEvent(String eventId) {
        ObjectNode args = Rows.object();
        args.put("p_event_id", eventId);
        return client.rpc("billing_inbox_redact_event", args).send().json().asBoolean();
    }

    @Override
    public boolean requeue(String eventId, Instant now) {
        ObjectNode args = Rows.object();
        args.put("p_event_id", eventId);
        Rows.put(args, "p_now", now);
        return client.rpc("billing_inbox_requeue", args).send().json().asBoolean();
    }

    @Override
    public Optional<InboxEntry> requeueLeased(String eventId, Instant now, String owner, Duration lease) {
        return leaseOne("billing_inbox_requeue_leased", eventId, owner, now, lease);
    }

    @Override
    public Map<InboxStatus, Long> countByStatus() {
        Map<InboxStatus, Long> counts = new EnumMap<>(InboxStatus.class);
        for (InboxStatus status : InboxStatus.values()) {
            counts.put(status, 0L);
        }
        for (JsonNode row : client.rpc("billing_inbox_counts", Rows.object())
                .retryable()
                .send()
                .json()) {
            InboxStatus.parse(Rows.text(row, "status"))
                    .ifPresent(status -> counts.merge(status, Rows.longValue(row, "entries"), Long::sum));
        }
        return counts;
    }

    /** billing_inbox_count_up_to (023): at most {@code cap + 1} rows of each asked status read and counted. */
    @Override
    public InboxCounts countUpTo(Set<InboxStatus> statuses, long cap) {
        Long rows = InboxCounts.rowsToRead(cap);
        Map<InboxStatus, Long> found = new EnumMap<>(InboxStatus.class);
        if (statuses.isEmpty()) {
            return InboxCounts.upTo(cap, statuses, found);
        }
        ObjectNode args = Rows.object();
        ArrayNode names = args.putArray("p_statuses");
        statuses.forEach(status -> names.add(status.wireName()));
        args.put("p_rows", rows);
        for (JsonNode row :
                client.rpc("billing_inbox_count_up_to", args).retryable().send().json()) {
            InboxStatus.parse(Rows.text(row, "status"))
                    .ifPresent(status -> found.put(status, Rows.longValue(row, "entries")));
        }
        return InboxCounts.upTo(cap, statuses, found);
    }

    @Override
    public boolean restore(InboxEntry entry) {
        ObjectNode row = eventRow(entry.event());
        row.put("status", entry.status().wireName());
        row.put("attempts", entry.attempts());
        row.put("last_error", entry.lastError());
        Rows.put(row, "received_at", entry.receivedAt());
        Rows.put(row, "next_attempt_at", entry.nextAttemptAt());
        row.put("lease_owner", entry.leaseOwner());
        Rows.put(row, "lease_expires_at", entry.leaseExpiresAt());
        Rows.put(row, "processed_at", entry.processedAt());
        Rows.put(row, "notified_at", entry.notifiedAt());
        ObjectNode args = Rows.object();
        args.set("p_entry", row);
        return client.rpc("billing_inbox_restore", args).send().json().asBoolean();
    }

    private boolean insertIfAbsent(ObjectNode row) {
        JsonNode inserted = client.post(TABLE)
                .param("on_conflict", "stripe_event_id")
                .param("select", "stripe_event_id")
                .prefer("resolution=ignore-duplicates")
                .prefer("return=representation")
                .json(row)
                .send()
                .json();
        return inserted.size() == 1;
    }

    private static ObjectNode eventRow(StripeEvent event) {
        ObjectNode row = Rows.object();
        row.put("stripe_event_id", event.id());
        row.put("event_type", event.type());
        Rows.put(row, "event_created", event.created());
        row.put("livemode", event.livemode());
        row.put("api_version", event.apiVersion());
        row.put("object_id", event.objectId());
        row.put("object_type", event.objectType());
        row.put("subject_id", event.subjectId());
        // The payload goes into the jsonb column as JSON, verbatim; it must be one JSON object and nothing else.
        row.putRawValue("payload", new RawValue(requireJsonObject(event)));
        return row;
    }

    static String requireJsonObject(StripeEvent event) {
        String payload = event.payload();
        try (JsonParser parser = PostgrestClient.JSON.createParser(payload)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                parser.skipChildren();
                if (parser.nextToken() == null) {
                    return payload;
                }
            }
        } catch (IOException e) {
            // not JSON
        }
        throw new StoreException("The payload of event " + event.id() + " is not one JSON object; not stored");
    }

    private static Instant leaseEnd(Instant now, Duration lease) {
        return now.truncatedTo(ChronoUnit.MICROS).plus(lease);
    }

    static InboxEntry entry(JsonNode row) {
        String id = Rows.requiredText(row, "stripe_event_id");
        String type = Rows.text(row, "event_type");
        if (type == null || type.isBlank()) {
            type = "unknown";
        }
        Instant processedAt = Rows.instant(row, "processed_at");
        Instant receivedAt = Rows.instant(row, "received_at");
        if (receivedAt == null) {
            receivedAt = processedAt != null ? processedAt : Instant.EPOCH;
        }
        Instant created = Rows.instant(row, "event_created");
        if (created == null) {
            created = processedAt != null ? processedAt : receivedAt;
        }
        String payload = Rows.text(row, "payload_text");
        if (payload == null) {
            payload = legacyPayload(id, type);
        }
        StripeEvent event = new StripeEvent(
                id,
                type,
                created,
                Rows.bool(row, "livemode"),
                Rows.text(row, "api_version"),
                Rows.text(row, "object_id"),
                Rows.text(row, "object_type"),
                payload,
                Rows.text(row, "subject_id"));
        InboxStatus status = InboxStatus.parse(Rows.text(row, "status"))
                .orElseThrow(() -> new StoreException("Inbox row " + id + " has an unknown status"));
        JsonNode attempts = row.get("attempts");
        return new InboxEntry(
                event,
                status,
                attempts == null || attempts.isNull() ? 0 : attempts.intValue(),
                Rows.text(row, "last_error"),
                receivedAt,
                Rows.instant(row, "next_attempt_at"),
                Rows.text(row, "lease_owner"),
                Rows.instant(row, "lease_expires_at"),
                processedAt,
                Rows.instant(row, "notified_at"));
    }

    /**
     * The payload of a row the earlier backend stored without one: {@code {"id": .., "type": .., "legacy": true,
     * "object": "event"}}, written exactly as Postgres prints it as jsonb (keys by length then bytes, ", " and
     * ": "), so that every store that keeps it returns the same text.
     */
    static String legacyPayload(String id, String type) {
        return "{\"id\": " + quote(id) + ", \"type\": " + quote(type) + ", \"legacy\": true, \"object\": \"event\"}";
    }

    private static String quote(String text) {
        try {
            return PostgrestClient.JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new StoreException("Could not write an event id as JSON", e);
        }
    }

    @Override
    public int prune(Instant receivedBefore, int max) {
        return SupabaseRetention.prune(client, "billing_inbox_prune", receivedBefore, max);
    }

    @Override
    public boolean remove(String eventId) {
        return SupabaseRemovals.delete(client, TABLE, "stripe_event_id", eventId);
    }
}

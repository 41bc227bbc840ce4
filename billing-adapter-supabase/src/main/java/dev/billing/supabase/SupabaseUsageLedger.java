package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsageKey;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.port.UsageLedger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link UsageLedger} on {@code billing_usage_counters}, {@code billing_usage_keys} and
 * {@code billing_meter_reports}. The increment (key, conditional add, outbox row) is the function
 * {@code billing_usage_increment}, one transaction, never retried; claiming reports is
 * {@code billing_usage_claim_reports} ({@code FOR UPDATE SKIP LOCKED}); erasure is {@code billing_usage_pseudonymise}
 * (008: keys and counters in one transaction); the rest is plain REST.
 */
final class SupabaseUsageLedger implements UsageLedger {
    static final String COUNTERS = "billing_usage_counters";
    static final String KEYS = "billing_usage_keys";
    static final String REPORTS = "billing_meter_reports";
    private static final String COUNTER_COLUMNS = "user_id,meter,period_start,period_end,used,updated_at";
    private static final String KEY_COLUMNS =
            "user_id,idempotency_key,meter,period_start,fingerprint,amount," + "used_after,usage_limit,created_at";
    private static final String REPORT_COLUMNS = "identifier,event_name,customer_id,value,event_timestamp,attempts,"
            + "last_error,next_attempt_at,reported_at";

    private final PostgrestClient client;

    SupabaseUsageLedger(PostgrestClient client) {
        this.client = client;
    }

    @Override
    public UsageResult increment(UsageIncrement inc) {
        ObjectNode args = Rows.object();
        args.put("p_user_id", inc.userId().value());
        args.put("p_meter", inc.meter());
        Rows.put(args, "p_period_start", inc.period().start());
        Rows.put(args, "p_period_end", inc.period().end());
        args.put("p_amount", inc.amount());
        args.put("p_limit", inc.limit());
        args.put("p_idempotency_key", inc.idempotencyKey());
        args.put("p_fingerprint", inc.fingerprint());
        Rows.put(args, "p_at", inc.at());
        if (inc.report() == null) {
            args.putNull("p_report");
        } else {
            args.set("p_report", reportRow(inc.report()));
        }
        // Never retried: an answer lost on the way would come back as Replayed, not as what happened.
        JsonNode answer = client.rpc("billing_usage_increment", args).send().json();
        String outcome = Rows.requiredText(answer, "outcome");
        return switch (outcome) {
            case "accepted" ->
                new UsageResult.Accepted(Rows.longValue(answer, "used"), Rows.longValue(answer, "limit"));
            case "replayed" ->
                new UsageResult.Replayed(
                        new UsageResult.Accepted(Rows.longValue(answer, "used"), Rows.longValue(answer, "limit")));
            case "key_reused" -> new UsageResult.KeyReused();
            case "quota_exceeded" ->
                new UsageResult.QuotaExceeded(
                        Rows.longValue(answer, "used"),
                        Rows.longValue(answer, "limit"),
                        Rows.longValue(answer, "requested"));
            default -> throw new StoreException("Supabase answered an unknown usage outcome: " + outcome);
        };
    }

    @Override
    public long used(UserId userId, String meter, Instant periodStart) {
        JsonNode rows = client.get(COUNTERS)
                .param("select", "used")
                .param("user_id", "eq." + userId.value())
                .param("meter", "eq." + meter)
                .param("period_start", "eq." + Rows.timestamp(periodStart))
                .retryable()
                .send()
                .json();
        return rows.isEmpty() ? 0 : Rows.longValue(rows.get(0), "used");
    }

    @Override
    public Map<String, Long> usage(UserId userId, Instant periodStart) {
        JsonNode rows = client.get(COUNTERS)
                .param("select", "meter,used")
                .param("user_id", "eq." + userId.value())
                .param("period_start", "eq." + Rows.timestamp(periodStart))
                .param("order", "meter.asc")
                .retryable()
                .send()
                .json();
        Map<String, Long> usage = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            usage.put(Rows.requiredText(row, "meter"), Rows.longValue(row, "used"));
        }
        return usage;
    }

    @Override
    public List<MeterReport> claimReports(int max, Instant now, Duration lease) {
        if (max < 1) {
            return List.of();
        }
        ObjectNode args = Rows.object();
        args.put("p_max", max);
        Rows.put(args, "p_now", now);
        Rows.put(args, "p_lease_until", now.truncatedTo(ChronoUnit.MICROS).plus(lease));
        return Rows.map(
                client.rpc("billing_usage_claim_reports", args)
                        .param("select", REPORT_COLUMNS)
                        .param("order", "event_timestamp.asc,identifier.asc")
                        .send()
                        .json(),
                SupabaseUsageLedger::report);
    }

    @Override
    public void markReported(String identifier, Instant now) {
        ObjectNode row = Rows.object();
        Rows.put(row, "reported_at", now);
        row.putNull("next_attempt_at");
        client.patch(REPORTS)
                .param("identifier", "eq." + identifier)
                .prefer("return=minimal")
                .json(row)
                .retryable()
                .send();
    }

    @Override
    public void retryReport(String identifier, String error, Instant nextAttemptAt) {
        ObjectNode row = Rows.object();
        row.put("last_error", error);
        Rows.put(row, "next_attempt_at", nextAttemptAt);
        client.patch(REPORTS)
                .param("identifier", "eq." + identifier)
                .param("reported_at", "is.null")
                .prefer("return=minimal")
                .json(row)
                .retryable()
                .send();
    }

    @Override
    public long pendingReports() {
        return client.head(REPORTS)
                .param("reported_at", "is.null")
                .prefer("count=exact")
                .retryable()
                .send()
                .count();
    }

    @Override
    public long pendingReportsCountedBefore(Instant before) {
        // A range of billing_meter_reports_due_idx, from its start.
        return client.head(REPORTS)
                .param("reported_at", "is.null")
                .param("event_timestamp", "lt." + Rows.timestamp(before))
                .prefer("count=exact")
                .retryable()
                .send()
                .count();
    }

    @Override
    public Page<UsageCounter> listCounters(String cursor, int limit) {
        int size = Keyset.pageSize(limit);
        ObjectNode args = Rows.object();
        if (cursor == null) {
            args.putNull("p_after_user");
            args.putNull("p_after_meter");
            args.putNull("p_after_period_start");
        } else {
            List<String> parts = Keyset.decode(cursor, 3);
            args.put("p_after_user", parts.get(0));
            args.put("p_after_meter", parts.get(1));
            args.put("p_after_period_start", parts.get(2));
        }
        args.put("p_limit", size + 1);
        List<UsageCounter> rows = Rows.map(
                client.rpc("billing_usage_list_counters", args)
                        .param("select", COUNTER_COLUMNS)
                        .param("order", "user_id.asc,meter.asc,period_start.asc")
                        .retryable()
                        .send()
                        .json(),
                SupabaseUsageLedger::counter);
        return Keyset.page(
                rows,
                size,
                c -> Keyset.encode(
                        c.userId().value(), c.meter(), Rows.timestamp(c.period().start())));
    }

    /**
     * One range of the primary key (user_id, meter, period_start), a page at a time: after the first page, the next
     * starts after the last (meter, period start) read.
     */
    @Override
    public List<UsageCounter> countersOf(UserId userId) {
        return Keyset.collect(Integer.MAX_VALUE, Keyset.MAX_PAGE, (last, limit) -> {
            PostgrestClient.Request request = client.get(COUNTERS)
                    .param("select", COUNTER_COLUMNS)
                    .param("user_id", "eq." + userId.value())
                    .param("order", "meter.asc,period_start.asc")
                    .param("limit", Integer.toString(limit));
            if (last != null) {
                String meter = Rows.quoted(last.meter());
                String start = Rows.quoted(Rows.timestamp(last.period().start()));
                request.param(
                        "or", "(meter.gt." + meter + ",and(meter.eq." + meter + ",period_start.gt." + start + "))");
            }
            return Rows.map(request.retryable().send().json(), SupabaseUsageLedger::counter);
        });
    }

    /** One user's keys through billing_usage_keys' primary key, by key, in keyset pages. */
    @Override
    public List<UsageKey> keysOf(UserId userId) {
        return Keyset.collect(Integer.MAX_VALUE, Keyset.MAX_PAGE, (last, limit) -> {
            PostgrestClient.Request request = client.get(KEYS)
                    .param("select", KEY_COLUMNS)
                    .param("user_id", "eq." + userId.value())
                    .param("order", "idempotency_key.asc")
                    .param("limit", Integer.toString(limit));
            if (last != null) {
                request.param("or", "(idempotency_key.gt." + Rows.quoted(last.idempotencyKey()) + ")");
            }
            return Rows.map(request.retryable().send().json(), SupabaseUsageLedger::key);
        });
    }

    /**
     * One customer's reports, by identifier, in keyset pages: a filter without an index of its own (an export is
     * rare; every metered increment would write to one).
     */
    @Override
    public List<MeterReport> reportsOf(CustomerId customerId) {
        return Keyset.collect(Integer.MAX_VALUE, Keyset.MAX_PAGE, (last, limit) -> {
            PostgrestClient.Request request = client.get(REPORTS)
                    .param("select", REPORT_COLUMNS)
                    .param("customer_id", "eq." + customerId.value())
                    .param("order", "identifier.asc")
                    .param("limit", Integer.toString(limit));
            if (last != null) {
                request.param("identifier", "gt." + last.identifier());
            }
            return Rows.map(request.retryable().send().json(), SupabaseUsageLedger::report);
        });
    }

    /** Not retried: a repeat after a lost answer would count none of the rows this call moved. */
    @Override
    public int pseudonymise(UserId user, UserId pseudonym) {
        ObjectNode args = Rows.object();
        args.put("p_user_id", user.value());
        args.put("p_pseudonym", pseudonym.value());
        return client.rpc("billing_usage_pseudonymise", args).send().json().asInt();
    }

    @Override
    public Page<UsageKey> listKeys(String cursor, int limit) {
        int size = Keyset.pageSize(limit);
        ObjectNode args = Rows.object();
        if (cursor == null) {
            args.putNull("p_after_user");
            args.putNull("p_after_key");
        } else {
            List<String> parts = Keyset.decode(cursor, 2);
            args.put("p_after_user", parts.get(0));
            args.put("p_after_key", parts.get(1));
        }
        args.put("p_limit", size + 1);
        List<UsageKey> rows = Rows.map(
                client.rpc("billing_usage_list_keys", args)
                        .param("select", KEY_COLUMNS)
                        .param("order", "user_id.asc,idempotency_key.asc")
                        .retryable()
                        .send()
                        .json(),
                SupabaseUsageLedger::key);
        return Keyset.page(rows, size, k -> Keyset.encode(k.userId().value(), k.idempotencyKey()));
    }

    @Override
    public Page<MeterReport> listReports(String cursor, int limit) {
        int size = Keyset.pageSize(limit);
        PostgrestClient.Request request = client.get(REPORTS)
                .param("select", REPORT_COLUMNS)
                .param("order", "identifier.asc")
                .param("limit", Integer.toString(size + 1));
        if (cursor != null) {
            request.param("identifier", "gt." + Keyset.decode(cursor, 1).get(0));
        }
        List<MeterReport> rows = Rows.map(request.retryable().send().json(), SupabaseUsageLedger::report);
        return Keyset.page(rows, size, r -> Keyset.encode(r.identifier()));
    }

    @Override
    public boolean restoreCounter(UsageCounter counter) {
        ObjectNode row = Rows.object();
        row.put("user_id", counter.userId().value());
        row.put("meter", counter.meter());
        Rows.put(row, "period_start", counter.period().start());
        Rows.put(row, "period_end", counter.period().end());
        row.put("used", counter.used());
        Rows.put(row, "updated_at", counter.updatedAt());
        ObjectNode args = Rows.object();
        args.set("p_counter", row);
        return client.rpc("billing_usage_restore_counter", args).send().json().asBoolean();
    }

    @Override
    public boolean restoreKey(UsageKey key) {
        ObjectNode row = Rows.object();
        row.put("user_id", key.userId().value());
        row.put("idempotency_key", key.idempotencyKey());
        row.put("meter", key.meter());
        Rows.put(row, "period_start", key.periodStart());
        row.put("fingerprint", key.fingerprint());
        row.put("amount", key.amount());
        row.put("used_after", key.usedAfter());
        row.put("usage_limit", key.limit());
        Rows.put(row, "created_at", key.createdAt());
        return insertIfAbsent(KEYS, "user_id,idempotency_key", row);
    }

    @Override
    public boolean restoreReport(MeterReport report) {
        ObjectNode row = reportRow(report.event());
        row.put("attempts", report.attempts());
        row.put("last_error", report.lastError());
        Rows.put(row, "next_attempt_at", report.nextAttemptAt());
        Rows.put(row, "reported_at", report.reportedAt());
        ObjectNode args = Rows.object();
        args.set("p_report", row);
        return client.rpc("billing_usage_restore_report", args).send().json().asBoolean();
    }

    private boolean insertIfAbsent(String table, String key, ObjectNode row) {
        String firstColumn = key.split(",")[0];
        JsonNode inserted = client.post(table)
                .param("on_conflict", key)
                .param("select", firstColumn)
                .prefer("resolution=ignore-duplicates")
                .prefer("return=representation")
                .json(row)
                .send()
                .json();
        return inserted.size() == 1;
    }

    private static ObjectNode reportRow(MeterEvent event) {
        ObjectNode row = Rows.object();
        row.put("identifier", event.identifier());
        row.put("event_name", event.eventName());
        row.put("customer_id", event.customerId().value());
        row.put("value", event.value());
        Rows.put(row, "event_timestamp", event.timestamp());
        return row;
    }

    static UsageCounter counter(JsonNode row) {
        return new UsageCounter(
                UserId.of(Rows.requiredText(row, "user_id")),
                Rows.requiredText(row, "meter"),
                new UsagePeriod(Rows.requiredInstant(row, "period_start"), Rows.requiredInstant(row, "period_end")),
                Rows.longValue(row, "used"),
                Rows.requiredInstant(row, "updated_at"));
    }

    static UsageKey key(JsonNode row) {
        return new UsageKey(
                UserId.of(Rows.requiredText(row, "user_id")),
                Rows.requiredText(row, "idempotency_key"),
                Rows.requiredText(row, "meter"),
                Rows.requiredInstant(row, "period_start"),
                Rows.requiredText(row, "fingerprint"),
                Rows.longValue(row, "amount"),
                Rows.longValue(row, "used_after"),
                Rows.longValue(row, "usage_limit"),
                Rows.requiredInstant(row, "created_at"));
    }

    static MeterReport report(JsonNode row) {
        MeterEvent event = new MeterEvent(
                Rows.requiredText(row, "event_name"),
                CustomerId.of(Rows.requiredText(row, "customer_id")),
                Rows.longValue(row, "value"),
                Rows.requiredText(row, "identifier"),
                Rows.requiredInstant(row, "event_timestamp"));
        return new MeterReport(
                event,
                Rows.intValue(row, "attempts"),
                Rows.text(row, "last_error"),
                Rows.instant(row, "next_attempt_at"),
                Rows.instant(row, "reported_at"));
    }

    @Override
    public boolean removeCounter(UserId user, String meter, Instant periodStart) {
        return SupabaseRemovals.delete(
                client, COUNTERS, "user_id", user.value(), "meter", meter, "period_start", Rows.timestamp(periodStart));
    }

    @Override
    public int pruneKeys(Instant before, int max) {
        return SupabaseRetention.prune(client, "billing_usage_prune_keys", before, max);
    }

    @Override
    public int pruneReports(Instant before, int max) {
        return SupabaseRetention.prune(client, "billing_usage_prune_reports", before, max);
    }

    @Override
    public int pruneCounters(Instant before, int max) {
        return SupabaseRetention.prune(client, "billing_usage_prune_counters", before, max);
    }

    @Override
    public boolean removeKey(UserId user, String idempotencyKey) {
        return SupabaseRemovals.delete(client, KEYS, "user_id", user.value(), "idempotency_key", idempotencyKey);
    }

    @Override
    public boolean removeReport(String identifier) {
        return SupabaseRemovals.delete(client, REPORTS, "identifier", identifier);
    }
}

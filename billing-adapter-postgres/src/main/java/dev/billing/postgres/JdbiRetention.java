package dev.billing.postgres;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * The ports' retention methods on Postgres (docs/OPERATIONS.md, "Retention"): each deletes one batch in one
 * statement, read along an index so a pass never scans a table. {@code SKIP LOCKED} leaves a row a writer holds to the
 * next pass instead of waiting for it. A delete fires no audit trigger (those of V8, V11 and V17 watch inserts and
 * updates).
 */
final class JdbiRetention {
    private final Db db;
    private final String inbox;
    private final String keys;
    private final String notices;
    private final String reports;
    private final String counters;

    JdbiRetention(Db db) {
        this.db = db;
        // Along webhook_inbox_status_received_idx, one range per handled status.
        this.inbox = db.sql("""
                DELETE FROM {schema}.webhook_inbox WHERE event_id IN (
                    SELECT event_id FROM {schema}.webhook_inbox
                     WHERE status IN ('processed', 'ignored') AND received_at < :before
                     LIMIT :max FOR UPDATE SKIP LOCKED)
                """);
        // Along usage_keys_created_idx (V23).
        this.keys = db.sql("""
                DELETE FROM {schema}.usage_keys WHERE (user_id, idempotency_key) IN (
                    SELECT user_id, idempotency_key FROM {schema}.usage_keys
                     WHERE created_at < :before
                     LIMIT :max FOR UPDATE SKIP LOCKED)
                """);
        // The log is appended in time order, so its oldest ids are its oldest rows: the batch reads the first ids
        // of the primary key and keeps those old enough, without an index on the time.
        this.notices = db.sql("""
                DELETE FROM {schema}.notice_log WHERE id IN (
                    SELECT id FROM (SELECT id, at FROM {schema}.notice_log ORDER BY id LIMIT :max) oldest
                     WHERE at < :before)
                """);
        // Along meter_reports_reported_idx (V26): only reports Stripe accepted; unsent ones are still to be billed.
        this.reports = db.sql("""
                DELETE FROM {schema}.meter_reports WHERE identifier IN (
                    SELECT identifier FROM {schema}.meter_reports
                     WHERE reported_at < :before
                     LIMIT :max FOR UPDATE SKIP LOCKED)
                """);
        // Along usage_counters_period_end_idx (V10): periods long over, which no quota reads any more.
        this.counters = db.sql("""
                DELETE FROM {schema}.usage_counters WHERE (user_id, meter, period_start) IN (
                    SELECT user_id, meter, period_start FROM {schema}.usage_counters
                     WHERE period_end < :before
                     LIMIT :max FOR UPDATE SKIP LOCKED)
                """);
    }

    int inboxEvents(Instant before, int max) {
        return delete("inbox.prune", inbox, before, max);
    }

    int usageKeys(Instant before, int max) {
        return delete("usage.pruneKeys", keys, before, max);
    }

    int notices(Instant before, int max) {
        return delete("notices.prune", notices, before, max);
    }

    int meterReports(Instant before, int max) {
        return delete("usage.pruneReports", reports, before, max);
    }

    int usageCounters(Instant before, int max) {
        return delete("usage.pruneCounters", counters, before, max);
    }

    private int delete(String operation, String sql, Instant before, int max) {
        return db.call(
                operation,
                h -> h.createUpdate(sql)
                        .bindByType("before", Db.ts(before), OffsetDateTime.class)
                        .bind("max", max)
                        .execute());
    }
}

package dev.billing.postgres;

import dev.billing.core.model.usage.MeterReport;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The meter-report outbox's worker side for {@link JdbiUsageLedger}: claiming due reports with {@code FOR UPDATE
 * SKIP LOCKED} (a claim leases a report by pushing its {@code next_attempt_at}; its scan of
 * {@code meter_reports_pending_idx} starts at the claim horizon), marking them reported or due again, and counting
 * those not reported. The reports are written with their increments, by the ledger.
 */
final class JdbiMeterOutbox {
    private final Db db;
    private final String claimReports;
    private final String markReported;
    private final String retryReport;
    private final String pendingReports;
    private final String pendingReportsBefore;

    JdbiMeterOutbox(Db db) {
        this.db = db;
        this.claimReports = db.sql("""
                UPDATE {schema}.meter_reports AS r
                SET attempts = r.attempts + 1, next_attempt_at = :leaseUntil
                FROM (
                    SELECT identifier FROM {schema}.meter_reports
                    WHERE reported_at IS NULL AND event_timestamp >= :horizon
                      AND (next_attempt_at IS NULL OR next_attempt_at <= :now)
                    ORDER BY event_timestamp, identifier
                    LIMIT :max
                    FOR UPDATE SKIP LOCKED
                ) AS due
                WHERE r.identifier = due.identifier
                RETURNING\s""" + JdbiUsageLedger.REPORT_COLUMNS.formatted("r."));
        this.markReported = db.sql("""
                UPDATE {schema}.meter_reports SET reported_at = :now, next_attempt_at = NULL
                WHERE identifier = :identifier
                """);
        // The unreported test spelled so the planner cannot prove it implies meter_reports_pending_idx's predicate:
        // as with the inbox's lookups by id (JdbiEventInbox.PENDING_BY_ID), that partial index would otherwise be
        // read whole instead of probing the primary key (PartialIndexLookupsIT).
        this.retryReport = db.sql("""
                UPDATE {schema}.meter_reports SET last_error = :error, next_attempt_at = :nextAttemptAt
                WHERE identifier = :identifier AND {unreported}
                """.replace("{unreported}", JdbiUsageLedger.UNREPORTED_BY_ID));
        this.pendingReports = db.sql("SELECT count(*) FROM {schema}.meter_reports WHERE reported_at IS NULL");
        // A range of meter_reports_pending_idx, from its start.
        this.pendingReportsBefore = db.sql("""
                SELECT count(*) FROM {schema}.meter_reports WHERE reported_at IS NULL AND event_timestamp < :before
                """);
    }

    List<MeterReport> claim(int max, Instant now, Duration lease) {
        if (max < 1) {
            return List.of();
        }
        List<MeterReport> claimed = db.call(
                "usage.claimReports",
                h -> h.createQuery(claimReports)
                        .bindByType("now", Db.ts(now), OffsetDateTime.class)
                        .bindByType("leaseUntil", Db.ts(now.plus(lease)), OffsetDateTime.class)
                        .bindByType("horizon", Db.ts(now.minus(MeterReport.CLAIM_HORIZON)), OffsetDateTime.class)
                        .bind("max", max)
                        .map(JdbiUsageLedger.REPORT)
                        .list());
        List<MeterReport> ordered = new ArrayList<>(claimed); // RETURNING has no order
        ordered.sort(JdbiUsageLedger.REPORT_ORDER);
        return ordered;
    }

    void markReported(String identifier, Instant now) {
        db.call(
                "usage.markReported",
                h -> h.createUpdate(markReported)
                        .bind("identifier", identifier)
                        .bindByType("now", Db.ts(now), OffsetDateTime.class)
                        .execute());
    }

    void retry(String identifier, String error, Instant nextAttemptAt) {
        db.call(
                "usage.retryReport",
                h -> h.createUpdate(retryReport)
                        .bind("identifier", identifier)
                        .bind("error", error)
                        .bindByType("nextAttemptAt", Db.ts(nextAttemptAt), OffsetDateTime.class)
                        .execute());
    }

    long pending() {
        return db.call(
                "usage.pendingReports",
                h -> h.createQuery(pendingReports).mapTo(Long.class).one());
    }

    long pendingCountedBefore(Instant before) {
        return db.call(
                "usage.pendingReportsCountedBefore",
                h -> h.createQuery(pendingReportsBefore)
                        .bindByType("before", Db.ts(before), OffsetDateTime.class)
                        .mapTo(Long.class)
                        .one());
    }
}

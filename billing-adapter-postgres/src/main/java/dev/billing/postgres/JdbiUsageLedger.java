package dev.billing.postgres;

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link UsageLedger} on Postgres. An increment is one transaction with no read-then-write race: the idempotency
 * key is claimed by its primary key (a concurrent request with the same key waits for ours and then sees it), and
 * the counter moves by one conditional upsert whose row lock serializes racing increments, so the limit is never
 * passed. A refused increment rolls back, leaving its key unused, and an accepted one enqueues its meter report in
 * the same transaction; {@link JdbiMeterOutbox} claims and marks the reports. Erasure moves a user's counters and
 * keys to the pseudonym in one transaction.
 */
final class JdbiUsageLedger implements UsageLedger {
    /** {@code reported_at IS NULL}, as the lookups by identifier spell it (see {@code retryReport}). */
    static final String UNREPORTED_BY_ID = "(reported_at IS NULL) IS TRUE";

    static final String REPORT_COLUMNS = """
            %1$sidentifier, %1$sevent_name, %1$scustomer_id, %1$svalue, %1$sevent_timestamp, %1$sattempts,
            %1$slast_error, %1$snext_attempt_at, %1$sreported_at""";
    private static final String COUNTER_COLUMNS = "user_id, meter, period_start, period_end, used, updated_at";
    private static final String KEY_COLUMNS = """
            user_id, idempotency_key, meter, period_start, fingerprint, amount, used_after, usage_limit, created_at""";

    static final RowMapper<MeterReport> REPORT = JdbiUsageLedger::report;
    private static final RowMapper<UsageCounter> COUNTER = JdbiUsageLedger::counter;
    private static final RowMapper<UsageKey> KEY = JdbiUsageLedger::key;
    /** Inserts of one key that may each meet a key removed before it is read; more means churn, not a race. */
    private static final int KEY_ATTEMPTS = 3;

    static final Comparator<MeterReport> REPORT_ORDER =
            Comparator.comparing((MeterReport r) -> r.event().timestamp()).thenComparing(MeterReport::identifier);

    private final Db db;
    private final JdbiRemovals removals;
    private final JdbiRetention retention;
    private final JdbiMeterOutbox outbox;
    private final String claimKey;
    private final String findKey;
    private final String addToCounter;
    private final String answerKey;
    private final String used;
    private final String usage;
    private final String insertReport;
    private final String enqueueReport;
    private final String countersFirst;
    private final String countersAfter;
    private final String countersOf;
    private final String keysOf;
    private final String reportsOf;
    private final String keysFirst;
    private final String keysAfter;
    private final String reportsFirst;
    private final String reportsAfter;
    private final String restoreCounter;
    private final String restoreKey;
    private final String pseudonymiseCounters;
    private final String pseudonymiseKeys;

    JdbiUsageLedger(Db db) {
        this.db = db;
        this.removals = new JdbiRemovals(db);
        this.retention = new JdbiRetention(db);
        this.outbox = new JdbiMeterOutbox(db);
        this.claimKey = db.sql("""
                INSERT INTO {schema}.usage_keys (user_id, idempotency_key, meter, period_start, fingerprint, amount,
                    used_after, usage_limit, created_at)
                VALUES (:userId, :key, :meter, :periodStart, :fingerprint, :amount, :usedAfter, :limit, :at)
                ON CONFLICT (user_id, idempotency_key) DO NOTHING
                """);
        this.findKey = db.sql("SELECT " + KEY_COLUMNS
                + " FROM {schema}.usage_keys WHERE user_id = :userId AND idempotency_key = :key");
        // Never passes the limit, and cannot overflow: the test is used <= limit - amount (limit >= 0, amount >= 1).
        this.addToCounter = db.sql("""
                INSERT INTO {schema}.usage_counters AS c (user_id, meter, period_start, period_end, used, updated_at)
                SELECT :userId, :meter, :periodStart, :periodEnd, :amount, :at
                WHERE :amount <= :limit
                ON CONFLICT (user_id, meter, period_start) DO UPDATE
                    SET used = c.used + EXCLUDED.used, updated_at = EXCLUDED.updated_at
                    WHERE c.used <= :limit - EXCLUDED.used
                RETURNING used
                """);
        this.answerKey = db.sql("""
                UPDATE {schema}.usage_keys SET used_after = :usedAfter
                WHERE user_id = :userId AND idempotency_key = :key
                """);
        this.used = db.sql("""
                SELECT used FROM {schema}.usage_counters
                WHERE user_id = :userId AND meter = :meter AND period_start = :periodStart
                """);
        this.usage = db.sql("""
                SELECT meter, used FROM {schema}.usage_counters
                WHERE user_id = :userId AND period_start = :periodStart ORDER BY meter
                """);
        String reportRow = """
                INSERT INTO {schema}.meter_reports (identifier, event_name, customer_id, value, event_timestamp,
                    attempts, last_error, next_attempt_at, reported_at)
                VALUES (:identifier, :eventName, :customerId, :value, :timestamp, :attempts, :lastError,
                    :nextAttemptAt, :reportedAt)
                """;
        this.insertReport = db.sql(reportRow + """
                ON CONFLICT (identifier) DO UPDATE SET event_name = EXCLUDED.event_name,
                    customer_id = EXCLUDED.customer_id, value = EXCLUDED.value,
                    event_timestamp = EXCLUDED.event_timestamp, attempts = EXCLUDED.attempts,
                    last_error = EXCLUDED.last_error, next_attempt_at = EXCLUDED.next_attempt_at,
                    reported_at = EXCLUDED.reported_at
                WHERE (meter_reports.event_name, meter_reports.customer_id, meter_reports.value,
                       meter_reports.event_timestamp, meter_reports.attempts, meter_reports.last_error,
                       meter_reports.next_attempt_at, meter_reports.reported_at)
                    IS DISTINCT FROM
                      (EXCLUDED.event_name, EXCLUDED.customer_id, EXCLUDED.value, EXCLUDED.event_timestamp,
                       EXCLUDED.attempts, EXCLUDED.last_error, EXCLUDED.next_attempt_at, EXCLUDED.reported_at)
                """);
        // An increment's report: one already stored under its identifier stays as it is (never pending again).
        this.enqueueReport = db.sql(reportRow + "ON CONFLICT (identifier) DO NOTHING");
        this.countersFirst = db.sql("SELECT " + COUNTER_COLUMNS + """
                 FROM {schema}.usage_counters
                ORDER BY user_id COLLATE "C", meter COLLATE "C", period_start LIMIT :limit
                """);
        this.countersAfter = db.sql("SELECT " + COUNTER_COLUMNS + """
                 FROM {schema}.usage_counters
                WHERE (user_id COLLATE "C", meter COLLATE "C", period_start) > (:userId, :meter, :periodStart)
                ORDER BY user_id COLLATE "C", meter COLLATE "C", period_start LIMIT :limit
                """);
        // The primary key starts with user_id: one user's counters are one range of it, in this order (QueryPlansIT).
        this.countersOf = db.sql("SELECT " + COUNTER_COLUMNS + """
                 FROM {schema}.usage_counters WHERE user_id = :userId
                ORDER BY meter COLLATE "C", period_start
                """);
        // The same range of usage_keys' primary key.
        this.keysOf = db.sql("SELECT " + KEY_COLUMNS + """
                 FROM {schema}.usage_keys WHERE user_id = :userId ORDER BY idempotency_key COLLATE "C"
                """);
        // No index of its own: an export reads the outbox once (a sequential scan), while every metered increment
        // would write to such an index.
        this.reportsOf = db.sql("SELECT " + REPORT_COLUMNS.formatted("") + """
                 FROM {schema}.meter_reports WHERE customer_id = :customerId ORDER BY identifier COLLATE "C"
                """);
        this.keysFirst = db.sql("SELECT " + KEY_COLUMNS + """
                 FROM {schema}.usage_keys
                ORDER BY user_id COLLATE "C", idempotency_key COLLATE "C" LIMIT :limit
                """);
        this.keysAfter = db.sql("SELECT " + KEY_COLUMNS + """
                 FROM {schema}.usage_keys
                WHERE (user_id COLLATE "C", idempotency_key COLLATE "C") > (:userId, :key)
                ORDER BY user_id COLLATE "C", idempotency_key COLLATE "C" LIMIT :limit
                """);
        this.reportsFirst = db.sql("SELECT " + REPORT_COLUMNS.formatted("") + """
                 FROM {schema}.meter_reports ORDER BY identifier COLLATE "C" LIMIT :limit
                """);
        this.reportsAfter = db.sql("SELECT " + REPORT_COLUMNS.formatted("") + """
                 FROM {schema}.meter_reports WHERE identifier COLLATE "C" > :after
                ORDER BY identifier COLLATE "C" LIMIT :limit
                """);
        this.restoreCounter = db.sql("""
                INSERT INTO {schema}.usage_counters (user_id, meter, period_start, period_end, used, updated_at)
                VALUES (:userId, :meter, :periodStart, :periodEnd, :used, :updatedAt)
                ON CONFLICT (user_id, meter, period_start) DO UPDATE SET period_end = EXCLUDED.period_end,
                    used = EXCLUDED.used, updated_at = EXCLUDED.updated_at
                WHERE (usage_counters.period_end, usage_counters.used, usage_counters.updated_at)
                    IS DISTINCT FROM (EXCLUDED.period_end, EXCLUDED.used, EXCLUDED.updated_at)
                """);
        this.restoreKey = claimKey;
        // Moved as delete-and-insert rather than an UPDATE of the key, so that rows the pseudonym already has (an
        // account erased again after it came back in the same period) merge instead of failing the erasure on the
        // primary key: a counter adds up, a key the pseudonym already holds keeps its first answer. The count is
        // the user's rows, all of which are gone. Both DELETEs read a range of their primary key (QueryPlansIT).
        this.pseudonymiseCounters = db.sql("""
                WITH gone AS (
                    DELETE FROM {schema}.usage_counters WHERE user_id = :user
                    RETURNING meter, period_start, period_end, used, updated_at
                ), moved AS (
                    INSERT INTO {schema}.usage_counters AS c (user_id, meter, period_start, period_end, used,
                        updated_at)
                    SELECT CAST(:pseudonym AS text), meter, period_start, period_end, used, updated_at FROM gone
                    ON CONFLICT (user_id, meter, period_start) DO UPDATE
                        SET used = c.used + EXCLUDED.used, updated_at = greatest(c.updated_at, EXCLUDED.updated_at)
                )
                SELECT count(*) FROM gone
                """);
        this.pseudonymiseKeys = db.sql("""
                WITH gone AS (
                    DELETE FROM {schema}.usage_keys WHERE user_id = :user
                    RETURNING idempotency_key, meter, period_start, fingerprint, amount, used_after, usage_limit,
                        created_at
                ), moved AS (
                    INSERT INTO {schema}.usage_keys (user_id, idempotency_key, meter, period_start, fingerprint, amount,
                        used_after, usage_limit, created_at)
                    SELECT CAST(:pseudonym AS text), idempotency_key, meter, period_start, fingerprint, amount,
                        used_after, usage_limit, created_at FROM gone
                    ON CONFLICT (user_id, idempotency_key) DO NOTHING
                )
                SELECT count(*) FROM gone
                """);
    }

    @Override
    public UsageResult increment(UsageIncrement inc) {
        return db.transaction("usage.increment", h -> {
            Optional<UsageResult> answered = claimKey(h, inc);
            if (answered.isPresent()) {
                return answered.get();
            }
            Optional<Long> after = h.createQuery(addToCounter)
                    .bind("userId", inc.userId().value())
                    .bind("meter", inc.meter())
                    .bindByType("periodStart", Db.ts(inc.period().start()), OffsetDateTime.class)
                    .bindByType("periodEnd", Db.ts(inc.period().end()), OffsetDateTime.class)
                    .bind("amount", inc.amount())
                    .bind("limit", inc.limit())
                    .bindByType("at", Db.ts(inc.at()), OffsetDateTime.class)
                    .mapTo(Long.class)
                    .findOne();
            if (after.isEmpty()) {
                h.rollback(); // the key stays unused: the same request may succeed after an upgrade
                return new UsageResult.QuotaExceeded(
                        usedNow(h, inc.userId(), inc.meter(), inc.period().start()), inc.limit(), inc.amount());
            }
            h.createUpdate(answerKey)
                    .bind("usedAfter", after.get())
                    .bind("userId", inc.userId().value())
                    .bind("key", inc.idempotencyKey())
                    .execute();
            if (inc.report() != null) {
                bindReport(h.createUpdate(enqueueReport), MeterReport.pending(inc.report()))
                        .execute();
            }
            return new UsageResult.Accepted(after.get(), inc.limit());
        });
    }

    /**
     * Takes the request's key, or answers from the key already taken. A key met on insert may be gone when it is
     * read back (pruned past its window, or moved by an erasure): it is then taken again, as a retry after that
     * would.
     */
    private Optional<UsageResult> claimKey(Handle h, UsageIncrement inc) {
        for (int attempt = 1; ; attempt++) {
            boolean fresh = h.createUpdate(claimKey)
                            .bind("userId", inc.userId().value())
                            .bind("key", inc.idempotencyKey())
                            .bind("meter", inc.meter())
                            .bindByType("periodStart", Db.ts(inc.period().start()), OffsetDateTime.class)
                            .bind("fingerprint", inc.fingerprint())
                            .bind("amount", inc.amount())
                            .bind("usedAfter", 0L) // answered by the caller, in this transaction, before anyone sees it
                            .bind("limit", inc.limit())
                            .bindByType("at", Db.ts(inc.at()), OffsetDateTime.class)
                            .execute()
                    == 1;
            if (fresh) {
                return Optional.empty();
            }
            Optional<UsageKey> existing = h.createQuery(findKey)
                    .bind("userId", inc.userId().value())
                    .bind("key", inc.idempotencyKey())
                    .map(KEY)
                    .findOne();
            if (existing.isPresent()) {
                UsageKey key = existing.get();
                return Optional.of(
                        key.fingerprint().equals(inc.fingerprint())
                                ? new UsageResult.Replayed(new UsageResult.Accepted(key.usedAfter(), key.limit()))
                                : new UsageResult.KeyReused());
            }
            if (attempt == KEY_ATTEMPTS) {
                throw Db.corrupt("an idempotency key conflicted " + KEY_ATTEMPTS + " times but did not stay stored");
            }
        }
    }

    @Override
    public long used(UserId userId, String meter, Instant periodStart) {
        return db.call("usage.used", h -> usedNow(h, userId, meter, periodStart));
    }

    @Override
    public Map<String, Long> usage(UserId userId, Instant periodStart) {
        return db.call("usage.usage", h -> {
            Map<String, Long> result = new LinkedHashMap<>();
            h.createQuery(usage)
                    .bind("userId", userId.value())
                    .bindByType("periodStart", Db.ts(periodStart), OffsetDateTime.class)
                    .map((rs, ctx) -> Map.entry(rs.getString("meter"), rs.getLong("used")))
                    .forEach(e -> result.put(e.getKey(), e.getValue()));
            return result;
        });
    }

    @Override
    public List<MeterReport> claimReports(int max, Instant now, Duration lease) {
        return outbox.claim(max, now, lease);
    }

    @Override
    public void markReported(String identifier, Instant now) {
        outbox.markReported(identifier, now);
    }

    @Override
    public void retryReport(String identifier, String error, Instant nextAttemptAt) {
        outbox.retry(identifier, error, nextAttemptAt);
    }

    @Override
    public long pendingReports() {
        return outbox.pending();
    }

    @Override
    public long pendingReportsCountedBefore(Instant before) {
        return outbox.pendingCountedBefore(before);
    }

    @Override
    public Page<UsageCounter> listCounters(String cursor, int limit) {
        Cursors.checkLimit(limit);
        List<String> position = Cursors.decode(cursor, 3);
        return db.call("usage.listCounters", h -> {
            Query query = h.createQuery(position == null ? countersFirst : countersAfter);
            if (position != null) {
                query.bind("userId", position.get(0))
                        .bind("meter", position.get(1))
                        .bindByType(
                                "periodStart", Db.ts(Cursors.instantFromMicros(position.get(2))), OffsetDateTime.class);
            }
            return Pages.of(
                    query.bind("limit", limit + 1).map(COUNTER).list(),
                    limit,
                    c -> Cursors.encode(
                            c.userId().value(),
                            c.meter(),
                            Cursors.micros(c.period().start())));
        });
    }

    /** One range of the primary key, by meter then period. */
    @Override
    public List<UsageCounter> countersOf(UserId userId) {
        return db.call(
                "usage.countersOf",
                h -> h.createQuery(countersOf)
                        .bind("userId", userId.value())
                        .map(COUNTER)
                        .list());
    }

    /** One range of usage_keys' primary key, by key. */
    @Override
    public List<UsageKey> keysOf(UserId userId) {
        return db.call(
                "usage.keysOf",
                h -> h.createQuery(keysOf)
                        .bind("userId", userId.value())
                        .map(KEY)
                        .list());
    }

    /** One read of the outbox: an export is rare, and an index would cost every metered increment. */
    @Override
    public List<MeterReport> reportsOf(CustomerId customerId) {
        return db.call(
                "usage.reportsOf",
                h -> h.createQuery(reportsOf)
                        .bind("customerId", customerId.value())
                        .map(REPORT)
                        .list());
    }

    /**
     * Counters and keys in one transaction, so a retried increment under the pseudonym finds its key with its counter
     * (and replays), and no increment can see one moved without the other.
     */
    @Override
    public int pseudonymise(UserId user, UserId pseudonym) {
        if (user.equals(pseudonym)) {
            return 0;
        }
        // Keys, then counters: the order in which an increment locks them.
        return db.transaction("usage.pseudonymise", h -> {
            long keys = h.createQuery(pseudonymiseKeys)
                    .bind("user", user.value())
                    .bind("pseudonym", pseudonym.value())
                    .mapTo(Long.class)
                    .one();
            long counters = h.createQuery(pseudonymiseCounters)
                    .bind("user", user.value())
                    .bind("pseudonym", pseudonym.value())
                    .mapTo(Long.class)
                    .one();
            return Math.toIntExact(keys + counters);
        });
    }

    @Override
    public Page<UsageKey> listKeys(String cursor, int limit) {
        Cursors.checkLimit(limit);
        List<String> position = Cursors.decode(cursor, 2);
        return db.call("usage.listKeys", h -> {
            Query query = h.createQuery(position == null ? keysFirst : keysAfter);
            if (position != null) {
                query.bind("userId", position.get(0)).bind("key", position.get(1));
            }
            return Pages.of(
                    query.bind("limit", limit + 1).map(KEY).list(),
                    limit,
                    k -> Cursors.encode(k.userId().value(), k.idempotencyKey()));
        });
    }

    @Override
    public Page<MeterReport> listReports(String cursor, int limit) {
        Cursors.checkLimit(limit);
        List<String> position = Cursors.decode(cursor, 1);
        return db.call("usage.listReports", h -> {
            Query query = position == null
                    ? h.createQuery(reportsFirst)
                    : h.createQuery(reportsAfter).bind("after", position.get(0));
            return Pages.of(
                    query.bind("limit", limit + 1).map(REPORT).list(), limit, r -> Cursors.encode(r.identifier()));
        });
    }

    @Override
    public boolean restoreCounter(UsageCounter counter) {
        return db.call(
                "usage.restoreCounter",
                h -> h.createUpdate(restoreCounter)
                                .bind("userId", counter.userId().value())
                                .bind("meter", counter.meter())
                                .bindByType(
                                        "periodStart", Db.ts(counter.period().start()), OffsetDateTime.class)
                                .bindByType("periodEnd", Db.ts(counter.period().end()), OffsetDateTime.class)
                                .bind("used", counter.used())
                                .bindByType("updatedAt", Db.ts(counter.updatedAt()), OffsetDateTime.class)
                                .execute()
                        == 1);
    }

    @Override
    public boolean restoreKey(UsageKey key) {
        return db.call(
                "usage.restoreKey",
                h -> h.createUpdate(restoreKey)
                                .bind("userId", key.userId().value())
                                .bind("key", key.idempotencyKey())
                                .bind("meter", key.meter())
                                .bindByType("periodStart", Db.ts(key.periodStart()), OffsetDateTime.class)
                                .bind("fingerprint", key.fingerprint())
                                .bind("amount", key.amount())
                                .bind("usedAfter", key.usedAfter())
                                .bind("limit", key.limit())
                                .bindByType("at", Db.ts(key.createdAt()), OffsetDateTime.class)
                                .execute()
                        == 1);
    }

    @Override
    public boolean restoreReport(MeterReport report) {
        return db.call(
                "usage.restoreReport",
                h -> bindReport(h.createUpdate(insertReport), report).execute() == 1);
    }

    private long usedNow(Handle h, UserId userId, String meter, Instant periodStart) {
        return h.createQuery(used)
                .bind("userId", userId.value())
                .bind("meter", meter)
                .bindByType("periodStart", Db.ts(periodStart), OffsetDateTime.class)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    private static org.jdbi.v3.core.statement.Update bindReport(
            org.jdbi.v3.core.statement.Update update, MeterReport report) {
        MeterEvent event = report.event();
        return update.bind("identifier", event.identifier())
                .bind("eventName", event.eventName())
                .bind("customerId", event.customerId().value())
                .bind("value", event.value())
                .bindByType("timestamp", Db.ts(event.timestamp()), OffsetDateTime.class)
                .bind("attempts", report.attempts())
                .bind("lastError", report.lastError())
                .bindByType("nextAttemptAt", Db.ts(report.nextAttemptAt()), OffsetDateTime.class)
                .bindByType("reportedAt", Db.ts(report.reportedAt()), OffsetDateTime.class);
    }

    private static MeterReport report(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws SQLException {
        MeterEvent event = new MeterEvent(
                rs.getString("event_name"),
                CustomerId.of(rs.getString("customer_id")),
                rs.getLong("value"),
                rs.getString("identifier"),
                Db.instant(rs, "event_timestamp"));
        return new MeterReport(
                event,
                rs.getInt("attempts"),
                rs.getString("last_error"),
                Db.instant(rs, "next_attempt_at"),
                Db.instant(rs, "reported_at"));
    }

    private static UsageCounter counter(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws SQLException {
        return new UsageCounter(
                UserId.of(rs.getString("user_id")),
                rs.getString("meter"),
                new UsagePeriod(Db.instant(rs, "period_start"), Db.instant(rs, "period_end")),
                rs.getLong("used"),
                Db.instant(rs, "updated_at"));
    }

    private static UsageKey key(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        return new UsageKey(
                UserId.of(rs.getString("user_id")),
                rs.getString("idempotency_key"),
                rs.getString("meter"),
                Db.instant(rs, "period_start"),
                rs.getString("fingerprint"),
                rs.getLong("amount"),
                rs.getLong("used_after"),
                rs.getLong("usage_limit"),
                Db.instant(rs, "created_at"));
    }

    @Override
    public boolean removeCounter(UserId user, String meter, Instant periodStart) {
        return removals.counter(user, meter, periodStart);
    }

    @Override
    public int pruneKeys(Instant before, int max) {
        return retention.usageKeys(before, max);
    }

    @Override
    public int pruneReports(Instant before, int max) {
        return retention.meterReports(before, max);
    }

    @Override
    public int pruneCounters(Instant before, int max) {
        return retention.usageCounters(before, max);
    }

    @Override
    public boolean removeKey(UserId user, String idempotencyKey) {
        return removals.key(user, idempotencyKey);
    }

    @Override
    public boolean removeReport(String identifier) {
        return removals.report(identifier);
    }
}

package dev.billing.postgres;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link EventInbox} on Postgres. Every state change is one conditional statement, so the row itself arbitrates
 * between racing claimers in any number of processes: {@code claim} is an {@code UPDATE ... WHERE claimable},
 * {@code claimDue} locks its batch with {@code FOR UPDATE SKIP LOCKED} (concurrent workers take disjoint batches
 * without waiting on each other), {@code complete}/{@code fail} are fenced on the lease owner.
 * The payload is kept as text, exactly the bytes that were verified (V4): nothing queries inside it, and the
 * endpoint has already read it as strict JSON. Whom an event is about is its own column, {@code subject_id} (V19),
 * written with the row from {@link StripeEvent#subjectId}, which erasures and exports look up. Erasure replaces the
 * payload by {@link EventInbox#redactedPayload} and clears what names the person.
 */
final class JdbiEventInbox implements EventInbox {
    /**
     * The pending test of the statements that find their row by event id. Spelled in the "C" collation (the same
     * equality for text) so the planner cannot prove it implies webhook_inbox_due_idx's {@code status = 'pending'}:
     * that partial index holds few live entries and many dead ones, so its estimate is tiny and a lookup by id would
     * otherwise scan all of it rather than probe the primary key (PartialIndexLookupsIT).
     */
    static final String PENDING_BY_ID = "status COLLATE \"C\" = 'pending'";

    private static final String DUE = """
            (next_attempt_at IS NULL OR next_attempt_at <= :now)
            AND (lease_expires_at IS NULL OR lease_expires_at <= :now)""";
    private static final String CLAIMABLE = "status = 'pending'\nAND " + DUE;
    /**
     * {@link EventInbox#redactedPayload} built from the row ({@code to_json} quotes the id and type: for Stripe's
     * plain ids that is the port's text byte for byte, and odd ones still make valid JSON), and
     * {@link EventInbox#isRedacted}'s test: both spacings, so an entry copied from a jsonb store counts as redacted.
     */
    private static final String REDACTED_PAYLOAD = """
            '{"id":' || to_json(event_id)::text || ',"type":' || to_json(event_type)::text
                || ',"billing_redacted":true}'""";
    /**
     * What a redaction writes: the payload, and the subject, the last error (an error can quote the payload) and an
     * object id that names the subject itself (a customer, a Clerk user) cleared. SET sees the row's old values.
     */
    private static final String REDACTED = "payload = " + REDACTED_PAYLOAD + """
            , subject_id = NULL, last_error = NULL,
                object_id = CASE WHEN object_id = subject_id THEN NULL ELSE object_id END""";

    private static final String NOT_REDACTED = """
            strpos(payload, '"billing_redacted":true') = 0 AND strpos(payload, '"billing_redacted": true') = 0""";
    private static final Comparator<InboxEntry> CLAIM_ORDER =
            Comparator.comparing((InboxEntry e) -> e.event().created()).thenComparing(InboxEntry::eventId);

    /** The most rows one group-committed statement writes. */
    static final int MAX_BATCH = 64;
    /**
     * How many group-committed inserts may be in flight at once: with one, every delivery waits for the batch in
     * flight and then its own; with two, a batch forms and goes while the other one commits, and Postgres flushes
     * both commits together. Two deliveries of one event are still never in flight together.
     */
    static final int INSERT_WRITERS = 2;
    /**
     * A batch that would go while the other is in flight with fewer than 8 rows waits for them, at most 500 µs (less
     * than the commit beside it takes), and goes as soon as they are there or the other batch has committed. A steady
     * stream of deliveries then shares statements and commits instead of sending one or two rows each; on a quiet
     * server nothing is in flight and a lone delivery is written at once.
     */
    static final Coalescer.Company INSERT_COMPANY = new Coalescer.Company(Duration.of(500, ChronoUnit.MICROS), 8);

    private final Db db;
    private final JdbiRemovals removals;
    private final JdbiRetention retention;
    private final JdbiInboxCounts counts;
    private final JdbiInboxReads reads;
    private final Coalescer<NewRow, Boolean> inserts;
    private final Coalescer<Completion, Boolean> completions;
    private final MultiRowSql insertBatch;
    private final MultiRowSql completeBatch;
    private final JdbiProcessedEntries processed;
    private final String restore;
    private final String claim;
    private final String claimDue;
    private final String complete;
    private final String fail;
    private final String markNotified;
    private final String renewLease;
    private final String requeue;
    private final String requeueLeased;
    private final String redact;
    private final String redactEvent;

    JdbiEventInbox(Db db) {
        this.db = db;
        this.removals = new JdbiRemovals(db);
        this.retention = new JdbiRetention(db);
        this.counts = new JdbiInboxCounts(db);
        this.reads = new JdbiInboxReads(db);
        this.inserts = new Coalescer<>(
                MAX_BATCH, INSERT_WRITERS, INSERT_COMPANY, row -> row.event().id(), this::insertRows);
        this.completions = new Coalescer<>(MAX_BATCH, Completion::eventId, this::completeRows);
        this.insertBatch = new MultiRowSql(
                MAX_BATCH,
                db.sql("""
                INSERT INTO {schema}.webhook_inbox (event_id, event_type, event_created, livemode, api_version,
                    object_id, object_type, payload, status, attempts, received_at, lease_owner, lease_expires_at,
                    subject_id)
                VALUES """),
                "(?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
                "\nON CONFLICT (event_id) DO NOTHING\nRETURNING event_id");
        this.processed = new JdbiProcessedEntries(db);
        this.completeBatch = new MultiRowSql(
                MAX_BATCH,
                db.sql("""
                UPDATE {schema}.webhook_inbox AS i
                SET status = v.outcome, processed_at = v.now, next_attempt_at = NULL, lease_owner = NULL,
                    lease_expires_at = NULL
                FROM (VALUES """),
                "(CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS timestamptz))",
                """
                ) AS v (event_id, owner, outcome, now)
                WHERE i.event_id = v.event_id AND i.lease_owner = v.owner AND i.{pending}
                RETURNING i.event_id""".replace("{pending}", PENDING_BY_ID));
        String columns = JdbiInboxReads.COLUMNS.formatted("");
        String leased = JdbiInboxReads.COLUMNS.formatted("i.");
        this.restore = db.sql("""
                INSERT INTO {schema}.webhook_inbox (event_id, event_type, event_created, livemode, api_version,
                    object_id, object_type, payload, status, attempts, last_error, received_at, next_attempt_at,
                    lease_owner, lease_expires_at, processed_at, notified_at, subject_id)
                VALUES (:eventId, :type, :created, :livemode, :apiVersion, :objectId, :objectType,
                    :payload, :status, :attempts, :lastError, :receivedAt, :nextAttemptAt,
                    :leaseOwner, :leaseExpiresAt, :processedAt, :notifiedAt, :subjectId)
                ON CONFLICT (event_id) DO UPDATE SET event_type = EXCLUDED.event_type,
                    event_created = EXCLUDED.event_created, livemode = EXCLUDED.livemode,
                    api_version = EXCLUDED.api_version, object_id = EXCLUDED.object_id,
                    object_type = EXCLUDED.object_type, payload = EXCLUDED.payload, status = EXCLUDED.status,
                    attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
                    received_at = EXCLUDED.received_at, next_attempt_at = EXCLUDED.next_attempt_at,
                    lease_owner = EXCLUDED.lease_owner, lease_expires_at = EXCLUDED.lease_expires_at,
                    processed_at = EXCLUDED.processed_at, notified_at = EXCLUDED.notified_at,
                    subject_id = EXCLUDED.subject_id
                WHERE (webhook_inbox.event_type, webhook_inbox.event_created, webhook_inbox.livemode,
                       webhook_inbox.api_version, webhook_inbox.object_id, webhook_inbox.object_type,
                       webhook_inbox.payload, webhook_inbox.status, webhook_inbox.attempts, webhook_inbox.last_error,
                       webhook_inbox.received_at, webhook_inbox.next_attempt_at, webhook_inbox.lease_owner,
                       webhook_inbox.lease_expires_at, webhook_inbox.processed_at, webhook_inbox.notified_at,
                       webhook_inbox.subject_id)
                    IS DISTINCT FROM
                      (EXCLUDED.event_type, EXCLUDED.event_created, EXCLUDED.livemode, EXCLUDED.api_version,
                       EXCLUDED.object_id, EXCLUDED.object_type, EXCLUDED.payload, EXCLUDED.status,
                       EXCLUDED.attempts, EXCLUDED.last_error, EXCLUDED.received_at, EXCLUDED.next_attempt_at,
                       EXCLUDED.lease_owner, EXCLUDED.lease_expires_at, EXCLUDED.processed_at,
                       EXCLUDED.notified_at, EXCLUDED.subject_id)
                """);
        this.claim = db.sql(
                """
                UPDATE {schema}.webhook_inbox
                SET attempts = attempts + 1, lease_owner = :owner, lease_expires_at = :leaseUntil,
                    processed_at = NULL
                WHERE event_id = :eventId AND {pending} AND {due}
                RETURNING {columns}
                """.replace("{pending}", PENDING_BY_ID).replace("{due}", DUE).replace("{columns}", columns));
        this.claimDue = db.sql("""
                UPDATE {schema}.webhook_inbox AS i
                SET attempts = i.attempts + 1, lease_owner = :owner, lease_expires_at = :leaseUntil,
                    processed_at = NULL
                FROM (
                    SELECT event_id FROM {schema}.webhook_inbox
                    WHERE {claimable}
                    ORDER BY event_created, event_id
                    LIMIT :max
                    FOR UPDATE SKIP LOCKED
                ) AS due
                WHERE i.event_id = due.event_id
                RETURNING {columns}
                """.replace("{claimable}", CLAIMABLE).replace("{columns}", leased));
        this.complete = db.sql("""
                UPDATE {schema}.webhook_inbox
                SET status = :outcome, processed_at = :now, next_attempt_at = NULL, lease_owner = NULL,
                    lease_expires_at = NULL
                WHERE event_id = :eventId AND lease_owner = :owner AND {pending}
                """.replace("{pending}", PENDING_BY_ID));
        this.fail = db.sql("""
                UPDATE {schema}.webhook_inbox
                SET status = :status, last_error = :error, next_attempt_at = :nextAttemptAt, lease_owner = NULL,
                    lease_expires_at = NULL, processed_at = NULL
                WHERE event_id = :eventId AND lease_owner = :owner AND {pending}
                """.replace("{pending}", PENDING_BY_ID));
        this.markNotified = db.sql("""
                UPDATE {schema}.webhook_inbox SET notified_at = :now
                WHERE event_id = :eventId AND notified_at IS NULL
                """);
        this.renewLease = db.sql("""
                UPDATE {schema}.webhook_inbox SET lease_expires_at = :until
                WHERE event_id = :eventId AND lease_owner = :owner AND {pending}
                """.replace("{pending}", PENDING_BY_ID));
        this.requeue = db.sql("""
                UPDATE {schema}.webhook_inbox
                SET status = 'pending', attempts = 0, next_attempt_at = NULL, lease_owner = NULL,
                    lease_expires_at = NULL, processed_at = NULL
                WHERE event_id = :eventId
                  AND NOT (status = 'pending' AND lease_expires_at IS NOT NULL AND lease_expires_at > :now)
                """);
        this.requeueLeased = db.sql("""
                UPDATE {schema}.webhook_inbox
                SET status = 'pending', attempts = 1, next_attempt_at = NULL, lease_owner = :owner,
                    lease_expires_at = :leaseUntil, processed_at = NULL
                WHERE event_id = :eventId
                  AND NOT (status = 'pending' AND lease_expires_at IS NOT NULL AND lease_expires_at > :now)
                RETURNING {columns}
                """.replace("{columns}", columns));
        // Status, lease, attempts and times stay, so a worker holding the entry still completes it. The entries come
        // from webhook_inbox_subject_idx (V19) or the primary key (QueryPlansIT).
        this.redact = db.sql("UPDATE {schema}.webhook_inbox SET " + REDACTED
                + "\nWHERE subject_id = ANY(:subjects) AND " + NOT_REDACTED);
        this.redactEvent = db.sql(
                "UPDATE {schema}.webhook_inbox SET " + REDACTED + "\nWHERE event_id = :eventId AND " + NOT_REDACTED);
    }

    /**
     * Group-committed with concurrent {@code record} and {@code recordLeased} calls ({@link Coalescer}): returns once
     * the row is committed, like a single INSERT would.
     */
    @Override
    public RecordOutcome record(StripeEvent event, Instant receivedAt) {
        return inserts.submit(new NewRow(event, receivedAt, null, null))
                ? RecordOutcome.RECORDED
                : RecordOutcome.DUPLICATE;
    }

    /** A row to insert unless its id exists; leased when {@code owner} is set. */
    private record NewRow(StripeEvent event, Instant receivedAt, String owner, Instant leaseUntil) {}

    /** {@code INSERT ... VALUES (...), (...) ON CONFLICT DO NOTHING RETURNING event_id}, rows in id order. */
    private List<Boolean> insertRows(List<NewRow> rows) {
        return JdbiProcessedEntries.insertInIdOrder(
                db, "inbox.record", insertBatch, rows, NewRow::event, (statement, last, row) -> {
                    int i = last;
                    statement.setInt(++i, row.owner() == null ? 0 : 1);
                    Db.setInstant(statement, ++i, row.receivedAt());
                    Db.setText(statement, ++i, row.owner());
                    Db.setInstant(statement, ++i, row.leaseUntil());
                    Db.setText(statement, ++i, row.event().subjectId());
                    return i;
                });
    }

    /**
     * One INSERT (group-committed like {@link #record}) that records the event already leased; the entry is built from
     * what was written.
     */
    @Override
    public Recorded recordLeased(StripeEvent event, Instant receivedAt, String owner, Duration lease) {
        Instant leaseUntil = receivedAt.plus(lease);
        boolean inserted = inserts.submit(new NewRow(event, receivedAt, owner, leaseUntil));
        if (!inserted) {
            return Recorded.duplicate();
        }
        return new Recorded(
                RecordOutcome.RECORDED,
                Optional.of(new InboxEntry(
                        event,
                        InboxStatus.PENDING,
                        1,
                        null,
                        micros(receivedAt),
                        null,
                        owner,
                        micros(leaseUntil),
                        null,
                        null)));
    }

    /** An instant as Postgres keeps it (microseconds), so the returned entry equals what {@link #find} reads. */
    private static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public Optional<InboxEntry> claim(String eventId, String owner, Instant now, Duration lease) {
        return leaseOne("inbox.claim", claim, eventId, owner, now, lease);
    }

    /** Runs {@code sql}, which leases the one entry {@code eventId} to {@code owner} and returns it if it did. */
    private Optional<InboxEntry> leaseOne(
            String name, String sql, String eventId, String owner, Instant now, Duration lease) {
        return db.call(
                name,
                h -> h.createQuery(sql)
                        .bind("eventId", eventId)
                        .bind("owner", owner)
                        .bindByType("now", Db.ts(now), OffsetDateTime.class)
                        .bindByType("leaseUntil", Db.ts(now.plus(lease)), OffsetDateTime.class)
                        .map(JdbiInboxReads.ENTRY)
                        .findOne());
    }

    @Override
    public List<InboxEntry> claimDue(int max, String owner, Instant now, Duration lease) {
        if (max < 1) {
            return List.of();
        }
        List<InboxEntry> claimed = db.call(
                "inbox.claimDue",
                h -> h.createQuery(claimDue)
                        .bind("owner", owner)
                        .bindByType("now", Db.ts(now), OffsetDateTime.class)
                        .bindByType("leaseUntil", Db.ts(now.plus(lease)), OffsetDateTime.class)
                        .bind("max", max)
                        .map(JdbiInboxReads.ENTRY)
                        .list());
        List<InboxEntry> ordered = new ArrayList<>(claimed); // RETURNING has no order
        ordered.sort(CLAIM_ORDER);
        return ordered;
    }

    @Override
    public boolean complete(String eventId, String owner, InboxStatus outcome, Instant now) {
        return completions.submit(new Completion(eventId, owner, outcome, now));
    }

    /** One write per entry ({@link JdbiProcessedEntries}). */
    @Override
    public List<Boolean> recordProcessed(List<Processed> events) {
        return processed.record(events);
    }

    /** One statement per round when {@code customers} writes to this database ({@link JdbiProcessedEntries}). */
    @Override
    public List<Boolean> linkAndRecordProcessed(
            CustomerStore customers, List<Processed> events, List<CustomerLink> links, List<AuditCause> causes) {
        return customers instanceof JdbiCustomerStore mine && mine.writesTo(db)
                ? processed.linkAndRecord(events, links, causes)
                : EventInbox.super.linkAndRecordProcessed(customers, events, links, causes);
    }

    /** One statement per round of the batch. */
    @Override
    public boolean linksAndRecordsInOneWrite() {
        return true;
    }

    /** The caller's batch written directly (not through the group commit), up to {@value #MAX_BATCH} rows each. */
    @Override
    public List<Boolean> completeAll(List<Completion> batch) {
        return MultiRowSql.inRounds(batch, c -> List.of(c.eventId()), MAX_BATCH, this::completeRows);
    }

    /** {@code UPDATE ... FROM (VALUES ...) WHERE owner holds the lease RETURNING event_id}, rows in id order. */
    private List<Boolean> completeRows(List<Completion> rows) {
        if (rows.size() == 1) {
            Completion c = rows.get(0);
            return List.<Boolean>of(db.<Boolean>call(
                    "inbox.complete",
                    h -> h.createUpdate(complete)
                                    .bind("eventId", c.eventId())
                                    .bind("owner", c.owner())
                                    .bind("outcome", c.outcome().wireName())
                                    .bindByType("now", Db.ts(c.now()), OffsetDateTime.class)
                                    .execute()
                            == 1));
        }
        List<Completion> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Completion::eventId));
        List<String> completed = db.jdbc(
                "inbox.complete",
                connection -> Db.strings(connection, completeBatch.forRows(sorted.size()), statement -> {
                    int i = 0;
                    for (Completion c : sorted) {
                        statement.setString(++i, c.eventId());
                        statement.setString(++i, c.owner());
                        statement.setString(++i, c.outcome().wireName());
                        Db.setInstant(statement, ++i, c.now());
                    }
                }));
        return MultiRowSql.returned(rows, Completion::eventId, completed);
    }

    @Override
    public boolean fail(String eventId, String owner, String error, Instant nextAttemptAt, Instant now) {
        InboxStatus status = nextAttemptAt == null ? InboxStatus.FAILED : InboxStatus.PENDING;
        return db.call(
                "inbox.fail",
                h -> h.createUpdate(fail)
                                .bind("eventId", eventId)
                                .bind("owner", owner)
                                .bind("status", status.wireName())
                                .bind("error", error)
                                .bindByType("nextAttemptAt", Db.ts(nextAttemptAt), OffsetDateTime.class)
                                .execute()
                        == 1);
    }

    @Override
    public boolean renewLease(String eventId, String owner, Instant until) {
        return db.call(
                "inbox.renewLease",
                h -> h.createUpdate(renewLease)
                                .bind("eventId", eventId)
                                .bind("owner", owner)
                                .bindByType("until", Db.ts(until), OffsetDateTime.class)
                                .execute()
                        == 1);
    }

    @Override
    public boolean markNotified(String eventId, Instant now) {
        return db.call(
                "inbox.markNotified",
                h -> h.createUpdate(markNotified)
                                .bind("eventId", eventId)
                                .bindByType("now", Db.ts(now), OffsetDateTime.class)
                                .execute()
                        == 1);
    }

    @Override
    public Optional<InboxEntry> find(String eventId) {
        return reads.find(eventId);
    }

    @Override
    public Page<InboxEntry> list(InboxStatus status, String cursor, int limit) {
        return reads.list(status, cursor, limit);
    }

    @Override
    public List<InboxEntry> about(Set<String> subjects, int max) {
        return reads.about(subjects, max);
    }

    /** One UPDATE over the subjects' entries, the set bound as one array (any number of ids). */
    @Override
    public int redact(Set<String> subjects) {
        List<String> ids = subjects.stream().filter(Objects::nonNull).toList();
        if (ids.isEmpty()) {
            return 0;
        }
        return db.call(
                "inbox.redact",
                h -> h.createUpdate(redact)
                        .bindArray("subjects", String.class, ids)
                        .execute());
    }

    @Override
    public boolean redactEvent(String eventId) {
        return db.call(
                "inbox.redactEvent",
                h -> h.createUpdate(redactEvent).bind("eventId", eventId).execute() == 1);
    }

    @Override
    public boolean requeue(String eventId, Instant now) {
        return db.call(
                "inbox.requeue",
                h -> h.createUpdate(requeue)
                                .bind("eventId", eventId)
                                .bindByType("now", Db.ts(now), OffsetDateTime.class)
                                .execute()
                        == 1);
    }

    @Override
    public Optional<InboxEntry> requeueLeased(String eventId, Instant now, String owner, Duration lease) {
        return leaseOne("inbox.requeueLeased", requeueLeased, eventId, owner, now, lease);
    }

    @Override
    public Map<InboxStatus, Long> countByStatus() {
        return counts.byStatus();
    }

    @Override
    public InboxCounts countUpTo(Set<InboxStatus> statuses, long cap) {
        return counts.countUpTo(statuses, cap);
    }

    @Override
    public boolean restore(InboxEntry entry) {
        StripeEvent event = entry.event();
        return db.call(
                "inbox.restore",
                h -> h.createUpdate(restore)
                                .bind("eventId", event.id())
                                .bind("type", event.type())
                                .bindByType("created", Db.ts(event.created()), OffsetDateTime.class)
                                .bind("livemode", event.livemode())
                                .bind("apiVersion", event.apiVersion())
                                .bind("objectId", event.objectId())
                                .bind("objectType", event.objectType())
                                .bind("payload", event.payload())
                                .bind("status", entry.status().wireName())
                                .bind("attempts", entry.attempts())
                                .bind("lastError", entry.lastError())
                                .bindByType("receivedAt", Db.ts(entry.receivedAt()), OffsetDateTime.class)
                                .bindByType("nextAttemptAt", Db.ts(entry.nextAttemptAt()), OffsetDateTime.class)
                                .bind("leaseOwner", entry.leaseOwner())
                                .bindByType("leaseExpiresAt", Db.ts(entry.leaseExpiresAt()), OffsetDateTime.class)
                                .bindByType("processedAt", Db.ts(entry.processedAt()), OffsetDateTime.class)
                                .bindByType("notifiedAt", Db.ts(entry.notifiedAt()), OffsetDateTime.class)
                                .bind("subjectId", event.subjectId())
                                .execute()
                        == 1);
    }

    @Override
    public int prune(Instant receivedBefore, int max) {
        return retention.inboxEvents(receivedBefore, max);
    }

    @Override
    public boolean remove(String eventId) {
        return removals.inboxEntry(eventId);
    }
}

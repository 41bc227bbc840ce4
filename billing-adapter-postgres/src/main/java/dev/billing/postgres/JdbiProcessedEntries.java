package dev.billing.postgres;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox.Processed;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * {@link dev.billing.core.port.EventInbox#recordProcessed} on Postgres: one multi-row insert per round of distinct
 * ids, in the caller's batch (not group-committed). The row is written done, so it never enters
 * {@code webhook_inbox_due_idx} and is not updated again: one heap row and three index entries per event, where a
 * receipt and its completion write two rows and seven entries. Events whose whole effect is a customer link have
 * the links written in the same statement ({@link #linkAndRecord}).
 */
final class JdbiProcessedEntries {
    private final Db db;
    private final MultiRowSql insert;
    /** The links' insert ({@code ... ON CONFLICT DO NOTHING}), the head of {@link #linkedStatement}. */
    private final MultiRowSql links;
    /** By row count: the links and the entries in one statement (a data-modifying {@code WITH}). */
    private final String[] linked = new String[JdbiEventInbox.MAX_BATCH + 1];

    JdbiProcessedEntries(Db db) {
        this.db = db;
        this.insert = new MultiRowSql(
                JdbiEventInbox.MAX_BATCH,
                db.sql("""
                INSERT INTO {schema}.webhook_inbox (event_id, event_type, event_created, livemode, api_version,
                    object_id, object_type, payload, status, attempts, received_at, processed_at, subject_id)
                VALUES """),
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                "\nON CONFLICT (event_id) DO NOTHING\nRETURNING event_id");
        this.links = new MultiRowSql(
                JdbiEventInbox.MAX_BATCH, db.sql("""
                WITH linked AS (
                INSERT INTO {schema}.customers (user_id, customer_id, email, created_at, cause)
                VALUES """), "(?, ?, ?, ?, ?)", "\nON CONFLICT DO NOTHING)\n");
    }

    /**
     * Binds the event's own columns, in the order both inbox inserts list them (event_id, event_type, event_created,
     * livemode, api_version, object_id, object_type, payload), after parameter {@code last}; returns the last bound.
     */
    static int bindEvent(PreparedStatement statement, int last, StripeEvent event) throws SQLException {
        int i = last;
        statement.setString(++i, event.id());
        statement.setString(++i, event.type());
        Db.setInstant(statement, ++i, event.created());
        statement.setBoolean(++i, event.livemode());
        Db.setText(statement, ++i, event.apiVersion());
        Db.setText(statement, ++i, event.objectId());
        Db.setText(statement, ++i, event.objectType());
        statement.setString(++i, event.payload());
        return i;
    }

    /** Binds a row's own columns after its event's, after parameter {@code last}; returns the last bound. */
    @FunctionalInterface
    interface RowColumns<R> {
        int bind(PreparedStatement statement, int last, R row) throws SQLException;
    }

    /**
     * Inserts {@code rows} with one of the inbox's multi-row inserts ({@code ... RETURNING event_id}), each row's event
     * columns ({@link #bindEvent}) and then its own, in event id order: one lock order for every instance's batches.
     * Answers in the rows' order whether each was inserted.
     */
    static <R> List<Boolean> insertInIdOrder(
            Db db,
            String operation,
            MultiRowSql sql,
            List<R> rows,
            Function<R, StripeEvent> eventOf,
            RowColumns<R> own) {
        List<R> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(r -> eventOf.apply(r).id()));
        List<String> inserted = db.jdbc(
                operation,
                connection -> Db.strings(connection, sql.forRows(sorted.size()), statement -> {
                    int i = 0;
                    for (R row : sorted) {
                        i = own.bind(statement, bindEvent(statement, i, eventOf.apply(row)), row);
                    }
                }));
        return MultiRowSql.returned(rows, r -> eventOf.apply(r).id(), inserted);
    }

    List<Boolean> record(List<Processed> events) {
        return MultiRowSql.inRounds(events, p -> List.of(p.event().id()), JdbiEventInbox.MAX_BATCH, this::round);
    }

    /** An event whose whole effect is a link, and the text of the link's audit cause ({@code null} for none). */
    private record Linked(Processed entry, CustomerLink link, String cause) {}

    /**
     * {@link dev.billing.core.port.EventInbox#linkAndRecordProcessed} on Postgres: per round of distinct event ids,
     * users and customers, the links' insert (V11's trigger audits each with its cause) and the entries' in one
     * statement, so one round trip and one commit, and a failure writes neither. The links are bound in user order
     * and the entries in event id order, so every instance's rounds take their locks in the same order.
     */
    List<Boolean> linkAndRecord(List<Processed> events, List<CustomerLink> links, List<AuditCause> causes) {
        if (links.size() != events.size() || causes.size() != events.size()) {
            throw new IllegalArgumentException("one link and one cause per event");
        }
        List<Linked> rows = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            AuditCause cause = causes.get(i);
            rows.add(new Linked(events.get(i), links.get(i), cause == null ? null : cause.text()));
        }
        return MultiRowSql.inRounds(
                rows,
                r -> List.of(r.entry().event().id(), r.link().userId(), r.link().customerId()),
                JdbiEventInbox.MAX_BATCH,
                this::linkedRound);
    }

    private List<Boolean> linkedRound(List<Linked> rows) {
        List<Linked> byUser = new ArrayList<>(rows);
        byUser.sort(Comparator.comparing(r -> r.link().userId().value()));
        List<Linked> byEvent = new ArrayList<>(rows);
        byEvent.sort(Comparator.comparing(r -> r.entry().event().id()));
        List<String> inserted = db.jdbc(
                "inbox.linkAndRecordProcessed",
                connection -> Db.strings(connection, linkedStatement(rows.size()), statement -> {
                    int i = 0;
                    for (Linked row : byUser) {
                        CustomerLink link = row.link();
                        statement.setString(++i, link.userId().value());
                        statement.setString(++i, link.customerId().value());
                        Db.setText(statement, ++i, link.email());
                        Db.setInstant(statement, ++i, link.createdAt());
                        Db.setText(statement, ++i, row.cause());
                    }
                    for (Linked row : byEvent) {
                        i = bindDone(
                                statement, bindEvent(statement, i, row.entry().event()), row.entry());
                    }
                }));
        return MultiRowSql.returned(rows, r -> r.entry().event().id(), inserted);
    }

    private String linkedStatement(int rows) {
        String sql = linked[rows]; // a race builds the same immutable string twice: harmless
        if (sql == null) {
            sql = links.forRows(rows) + insert.forRows(rows);
            linked[rows] = sql;
        }
        return sql;
    }

    private List<Boolean> round(List<Processed> rows) {
        return insertInIdOrder(
                db, "inbox.recordProcessed", insert, rows, Processed::event, JdbiProcessedEntries::bindDone);
    }

    /** Binds an entry's columns after its event's: outcome, received_at, processed_at, subject_id. */
    private static int bindDone(PreparedStatement statement, int last, Processed row) throws SQLException {
        int i = last;
        statement.setString(++i, row.outcome().wireName());
        Db.setInstant(statement, ++i, row.receivedAt());
        Db.setInstant(statement, ++i, row.processedAt());
        Db.setText(statement, ++i, row.event().subjectId());
        return i;
    }
}

package dev.billing.postgres;

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
 * receipt and its completion write two rows and seven entries.
 */
final class JdbiProcessedEntries {
    private final Db db;
    private final MultiRowSql insert;

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

    private List<Boolean> round(List<Processed> rows) {
        return insertInIdOrder(db, "inbox.recordProcessed", insert, rows, Processed::event, (statement, last, row) -> {
            int i = last;
            statement.setString(++i, row.outcome().wireName());
            Db.setInstant(statement, ++i, row.receivedAt());
            Db.setInstant(statement, ++i, row.processedAt());
            Db.setText(statement, ++i, row.event().subjectId());
            return i;
        });
    }
}

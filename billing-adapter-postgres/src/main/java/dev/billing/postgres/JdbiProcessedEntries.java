package dev.billing.postgres;

import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox.Processed;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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

    List<Boolean> record(List<Processed> events) {
        return MultiRowSql.inRounds(events, p -> List.of(p.event().id()), JdbiEventInbox.MAX_BATCH, this::round);
    }

    private List<Boolean> round(List<Processed> rows) {
        List<Processed> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(p -> p.event().id())); // one lock order for every instance's batches
        List<String> inserted = db.jdbc(
                "inbox.recordProcessed",
                connection -> Db.strings(connection, insert.forRows(sorted.size()), statement -> {
                    int i = 0;
                    for (Processed row : sorted) {
                        StripeEvent event = row.event();
                        i = JdbiProcessedEntries.bindEvent(statement, i, event);
                        statement.setString(++i, row.outcome().wireName());
                        Db.setInstant(statement, ++i, row.receivedAt());
                        Db.setInstant(statement, ++i, row.processedAt());
                        Db.setText(statement, ++i, event.subjectId());
                    }
                }));
        return MultiRowSql.returned(rows, p -> p.event().id(), inserted);
    }
}

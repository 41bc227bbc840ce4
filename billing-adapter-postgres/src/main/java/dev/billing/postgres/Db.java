package dev.billing.postgres;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.jdbi.v3.core.statement.Update;

/**
 * The one way the stores reach the database: a configured {@link Jdbi}, the schema substituted into SQL, every
 * failure translated at this boundary ({@link StoreErrors}), and the column conversions the stores share.
 */
final class Db {
    private final DataSource dataSource;
    private final Jdbi jdbi;
    private final String schema;
    private final AtomicBoolean closed = new AtomicBoolean();

    Db(DataSource dataSource, String schema) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.jdbi = Jdbi.create(dataSource);
        // SQL is written with its schema already substituted: no <template> processing of '<' in comparisons.
        jdbi.getConfig(SqlStatements.class).setTemplateEngine(TemplateEngine.NOP);
        // Exception messages carry neither SQL nor bound values (e-mails, payloads): they end up in logs.
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
    }

    /** The schema the stores work in. */
    String schema() {
        return schema;
    }

    /** {@code template} with every {@code {schema}} replaced by this store's schema. */
    String sql(String template) {
        return template.replace("{schema}", schema);
    }

    /** Runs {@code work} on a handle in autocommit mode. */
    <T> T call(String operation, HandleCallback<T, RuntimeException> work) {
        checkOpen(operation);
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw StoreErrors.translate(operation, e);
        }
    }

    /** Runs {@code work} in one transaction (READ COMMITTED), committed unless it throws or rolls back. */
    <T> T transaction(String operation, HandleCallback<T, RuntimeException> work) {
        checkOpen(operation);
        try {
            return jdbi.inTransaction(work);
        } catch (JdbiException e) {
            throw StoreErrors.translate(operation, e);
        }
    }

    /** Work with plain JDBC on a pooled connection. */
    @FunctionalInterface
    interface JdbcWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} with plain JDBC on a pooled connection in autocommit mode, failures translated as for
     * {@link #call}. For the statements webhook ingest runs for every batch and group commit (the inbox's inserts, the
     * batch's links and their entries, the batch's snapshots and its read of links), most binding up to a thousand
     * arguments: there JDBI's per-argument binding and its handle cost more than the driver's work
     * (docs/BENCHMARKS_HISTORY.md, "Webhooks and fixed-path reads beside Javalin"). Everything else stays on JDBI,
     * {@code CustomerStore.linkAll} too: measured on plain JDBC it cost the same (docs/BENCHMARKS.md, "the links'
     * insert and the projection changes on plain JDBC"). {@code Migrations.appliedVersion} takes a connection too.
     */
    <T> T jdbc(String operation, JdbcWork<T> work) {
        checkOpen(operation);
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw StoreErrors.translate(operation, e);
        }
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /**
     * Prepares {@code sql} on {@code connection}, binds it and returns the strings its single-column result holds, in
     * order (e.g. {@code RETURNING event_id}).
     */
    static List<String> strings(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    /** Binds a string or SQL NULL. */
    static void setText(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    /** Binds an instant as {@code timestamptz} (truncated as by {@link #ts}) or SQL NULL. */
    static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, ts(value));
        }
    }

    void markClosed() {
        closed.set(true);
    }

    private void checkOpen(String operation) {
        if (closed.get()) {
            throw new StoreUnavailableException("Postgres store is closed: " + operation + " refused");
        }
    }

    /**
     * Writes a row under its own id, in the caller's transaction: the first of {@code attempts} (an update of a
     * different row with that id, then an insert) that writes one row wins, then {@code ids} moves the table's
     * identity past the id so later rows get higher ones. Returns whether a row was written.
     */
    static boolean restoreWithId(
            Handle h, List<String> attempts, UnaryOperator<Update> bind, IdentityAdvance ids, long id) {
        for (String sql : attempts) {
            if (bind.apply(h.createUpdate(sql).bind("id", id)).execute() == 1) {
                ids.past(h, id);
                return true;
            }
        }
        return false;
    }

    /** Moves the identity of {@code table}'s {@code id} column past a restored id, never backwards. */
    IdentityAdvance identityAdvance(String table) {
        String sequence = "CAST(pg_get_serial_sequence('{schema}." + table + "', 'id') AS regclass)";
        return new IdentityAdvance(
                sql("SELECT :id > coalesce(pg_sequence_last_value(" + sequence + "), 0)"),
                sql("SELECT pg_advisory_xact_lock(hashtext('{schema}." + table + ".id'))"),
                sql("SELECT setval(" + sequence + ", :id) WHERE :id > coalesce(pg_sequence_last_value(" + sequence
                        + "), 0)"));
    }

    /**
     * The statements of {@link #identityAdvance}. {@code setval} is not transactional, so two restores that both
     * find their ids past the identity could set it in the wrong order, the lower one last, and send later rows into
     * ids already taken (a copy restores a page's entries side by side): those that move it take turns, under a
     * lock held to their commit, and look again once they hold it. Restores behind the identity take no lock.
     */
    record IdentityAdvance(String ahead, String lock, String advance) {
        void past(Handle h, long id) {
            if (h.createQuery(ahead).bind("id", id).mapTo(Boolean.class).one()) {
                h.createQuery(lock).mapTo(String.class).findOne();
                h.createQuery(advance).bind("id", id).mapTo(Long.class).findOne();
            }
        }
    }

    /** Postgres keeps microseconds: the instant as bound, truncated the same way every time. */
    static OffsetDateTime ts(Instant instant) {
        return instant == null
                ? null
                : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static StoreException corrupt(String what) {
        return new StoreException("Postgres store holds an unexpected value: " + what);
    }
}

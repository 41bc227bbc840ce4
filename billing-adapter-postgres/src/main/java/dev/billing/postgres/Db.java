package dev.billing.postgres;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.TemplateEngine;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one way the stores reach the database: a configured {@link Jdbi}, the schema substituted into SQL, every
 * failure translated at this boundary ({@link StoreErrors}), and the column conversions the stores share.
 */
final class Db {
    private final Jdbi jdbi;
    private final String schema;
    private final AtomicBoolean closed = new AtomicBoolean();

    Db(DataSource dataSource, String schema) {
        this.schema = schema;
        this.jdbi = Jdbi.create(dataSource);
        // SQL is written with its schema already substituted: no <template> processing of '<' in comparisons.
        jdbi.getConfig(SqlStatements.class).setTemplateEngine(TemplateEngine.NOP);
        // Exception messages carry neither SQL nor bound values (e-mails, payloads): they end up in logs.
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
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

    void markClosed() {
        closed.set(true);
    }

    private void checkOpen(String operation) {
        if (closed.get()) {
            throw new StoreUnavailableException("Postgres store is closed: " + operation + " refused");
        }
    }

    /** Postgres keeps microseconds: the instant as bound, truncated the same way every time. */
    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static StoreException corrupt(String what) {
        return new StoreException("Postgres store holds an unexpected value: " + what);
    }
}

package dev.billing.postgres;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.jdbi.v3.core.ConnectionException;

/**
 * Turns whatever JDBI, JDBC or HikariCP threw into the core's {@link StoreUnavailableException} (the database
 * cannot be reached: answer 503, retry later) or {@link StoreException} (anything else). Messages name the
 * operation and the SQLState only: never SQL text or bound values. The original exception stays attached as the
 * cause for logs (JDBI is configured not to render SQL or arguments into its messages).
 */
final class StoreErrors {
    /** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private StoreErrors() {}

    static StoreException translate(String operation, Throwable failure) {
        if (failure instanceof StoreException already) {
            return already;
        }
        String state = sqlState(failure);
        String suffix = state == null ? "" : " (SQLState " + state + ")";
        if (isUnavailable(failure)) {
            return new StoreUnavailableException("Postgres is unavailable: " + operation + " failed" + suffix, failure);
        }
        return new StoreException("Postgres store error: " + operation + " failed" + suffix, failure);
    }

    static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectionException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof ConnectException
                    || t instanceof SocketTimeoutException
                    || t instanceof SocketException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state))) {
                    return true;
                }
                String message = sql.getMessage();
                if (message != null
                        && (message.contains("Connection is not available") || message.contains("has been closed"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The first SQLState in the cause chain, or null. */
    static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}

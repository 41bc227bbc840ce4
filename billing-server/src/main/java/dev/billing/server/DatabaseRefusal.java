package dev.billing.server;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Store failures that are a problem with {@code DATABASE_URL} rather than an outage: a refused login (SQLState class
 * 28), a missing database (3D000) or a missing privilege (42501, e.g. a billing schema another role owns). Waiting or
 * retrying does not fix them, so {@code serve} and {@code migrate-supabase} report them as configuration errors.
 */
final class DatabaseRefusal {
    private DatabaseRefusal() {}

    /** What is wrong with the database settings, when {@code failure} says so. */
    static Optional<String> of(Throwable failure) {
        String state = sqlState(failure);
        if (state == null) {
            return Optional.empty();
        }
        if (state.startsWith("28")) {
            return Optional.of("the database refused the login");
        }
        return switch (state) {
            case "3D000" -> Optional.of("the database does not exist");
            case "42501" -> Optional.of("the database user lacks a privilege the billing schema needs");
            default -> Optional.empty();
        };
    }

    /** The SQLState of the first {@link SQLException} in {@code failure}'s causes that has one, else null. */
    static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}

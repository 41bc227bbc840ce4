package dev.billing.core.planted;

import java.sql.Connection;
import java.sql.SQLException;

/** Planted for CoreArchitectureTest: JDBC the core must never use. Not production code. */
public final class PlantedJdbc {
    private PlantedJdbc() {}

    static void commit(Connection connection) throws SQLException {
        connection.commit();
    }
}

package dev.billing.server;

import dev.billing.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A login role that may not use a database's billing schema: the schema is created by the database's admin, with no
 * grants, as when migrations ran as one user and the service runs as another. Dropped on close.
 */
record UngrantedRole(TestDatabase db, String name) implements AutoCloseable {
    static final String PASSWORD = "ungranted-secret";

    static UngrantedRole on(TestDatabase db) throws SQLException {
        String name = db.name() + "_ungranted"; // roles are the cluster's: one per database
        try (Connection admin = db.dataSource().getConnection();
                Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("CREATE SCHEMA billing");
        }
        return new UngrantedRole(db, name);
    }

    /** {@code postgres://role:password@host:port/database}. */
    String postgresUrl() {
        return "postgres://" + name + ":" + PASSWORD + "@" + db.host() + ":" + db.port() + "/" + db.name();
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = db.dataSource().getConnection();
                Statement s = admin.createStatement()) {
            s.execute("DROP ROLE " + name);
        }
    }
}

package dev.billing.postgres;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the billing schema with Flyway: migrations from this jar only ({@value #LOCATION}), into their own
 * schema (created when missing), recorded in their own history table ({@value #HISTORY_TABLE}, in that schema).
 * A host application's Flyway (history {@code flyway_schema_history}, usually in {@code public}) never sees them:
 * the location is deliberately outside Flyway's default {@code db/migration}, which Flyway scans recursively (a
 * host with default settings would otherwise pick up this jar's migrations as its own).
 * Flyway serializes concurrent runs with a Postgres advisory lock, taken for each migration, so several instances may
 * start at once: they may share the pending migrations out, and each is applied once.
 */
final class Migrations {
    static final String LOCATION = "classpath:db/billing/migration";
    static final String HISTORY_TABLE = "billing_schema_history";
    /**
     * The highest migration version this jar ships ({@code MigrationsTest} keeps it equal to the files): a schema
     * whose history holds exactly versions 1..this, all successful, is current without starting Flyway.
     */
    static final int LATEST_VERSION = 30;
    /** Versions below the latest that this jar carries no file of (none: a gap is kept only while branches merge). */
    static final Set<Integer> NOT_SHIPPED = Set.of();
    /** How many migrations this jar ships (what a fresh schema gets applied). */
    static final int SHIPPED_COUNT = LATEST_VERSION - NOT_SHIPPED.size();

    private static final System.Logger LOG = System.getLogger(Migrations.class.getName());

    private Migrations() {}

    /**
     * Whether the history shows versions 1 to {@link #LATEST_VERSION} applied, each once and successfully, and
     * nothing else: then there is nothing for Flyway to do, and starting it (class loading and classpath scanning on
     * every server start) is skipped. Anything else (no history table, a failed or a newer
     * migration) is left to Flyway, which applies, validates or refuses as usual.
     */
    static boolean isCurrent(Connection connection, String schema) throws SQLException {
        String sql = "SELECT count(*), count(DISTINCT version), bool_and(success), min(version::int), "
                + "max(version::int) FROM \"" + schema + "\"." + HISTORY_TABLE + " WHERE version IS NOT NULL";
        boolean autoCommit = connection.getAutoCommit();
        try (Statement statement = connection.createStatement()) {
            if (!historyExists(connection, schema)) {
                return false;
            }
            try (ResultSet rs = statement.executeQuery(sql)) {
                return rs.next()
                        && rs.getInt(1) == SHIPPED_COUNT
                        && rs.getInt(2) == SHIPPED_COUNT
                        && rs.getBoolean(3)
                        && rs.getInt(4) == 1
                        && rs.getInt(5) == LATEST_VERSION;
            }
        } catch (SQLException e) {
            if (StoreErrors.isUnavailable(e)) {
                throw e;
            }
            // e.g. an unexpected version format: Flyway decides
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "Billing schema history of ''{0}'' not readable ({1}): running Flyway",
                    schema,
                    e.getSQLState());
            if (!autoCommit) {
                connection.rollback();
            }
            return false;
        }
    }

    /**
     * The highest version the history shows applied successfully, or 0 when there is no history table: a schema
     * below {@link #LATEST_VERSION} lacks what this jar's statements need (e.g. V4's text payload).
     */
    static int appliedVersion(Connection connection, String schema) throws SQLException {
        if (!historyExists(connection, schema)) {
            return 0;
        }
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT coalesce(max(version::int), 0) FROM \"" + schema + "\"."
                        + HISTORY_TABLE + " WHERE version IS NOT NULL AND success")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean historyExists(Connection connection, String schema) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = ? AND tablename = ?")) {
            q.setString(1, schema);
            q.setString(2, HISTORY_TABLE);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Applies what is pending; returns how many migrations ran (0 when the schema is current). */
    static int migrate(DataSource dataSource, String schema) {
        // One connection first: when the database is down this fails within the pool's connection timeout, where
        // Flyway would ask for connections more than once before giving up.
        try (Connection probe = dataSource.getConnection()) {
            if (isCurrent(probe, schema)) {
                LOG.log(System.Logger.Level.DEBUG, "Billing schema ''{0}'' is up to date", schema);
                return 0;
            }
        } catch (SQLException e) {
            throw StoreErrors.translate("billing schema migration", e);
        }
        try {
            Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .schemas(schema)
                    .defaultSchema(schema)
                    .createSchemas(true)
                    .table(HISTORY_TABLE)
                    .locations(LOCATION)
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .cleanDisabled(true)
                    .load();
            MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "Billing schema ''{0}'' migrated to version {1} ({2} migration(s) applied)",
                        schema,
                        result.targetSchemaVersion,
                        result.migrationsExecuted);
            } else {
                LOG.log(System.Logger.Level.DEBUG, "Billing schema ''{0}'' is up to date", schema);
            }
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            String state = StoreErrors.sqlState(e);
            String suffix = state == null ? "" : " (SQLState " + state + ")";
            if (StoreErrors.isUnavailable(e)) {
                throw new StoreUnavailableException(
                        "Postgres is unavailable: billing schema migration failed" + suffix, e);
            }
            throw new StoreException("Billing schema migration failed" + suffix, e);
        }
    }
}

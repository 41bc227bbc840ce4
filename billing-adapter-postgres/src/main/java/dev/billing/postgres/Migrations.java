package dev.billing.postgres;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Applies the billing schema with Flyway: migrations from this jar only ({@value #LOCATION}), into their own
 * schema (created when missing), recorded in their own history table ({@value #HISTORY_TABLE}, in that schema).
 * A host application's Flyway (history {@code flyway_schema_history}, usually in {@code public}) never sees them:
 * the location is deliberately outside Flyway's default {@code db/migration}, which Flyway scans recursively (a
 * host with default settings would otherwise pick up this jar's V1 and V2 as its own).
 * Flyway serializes concurrent runs with a Postgres advisory lock, so several instances may start at once.
 */
final class Migrations {
    static final String LOCATION = "classpath:db/billing/migration";
    static final String HISTORY_TABLE = "billing_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** Applies what is pending; returns how many migrations ran (0 when the schema is current). */
    static int migrate(DataSource dataSource, String schema) {
        // One connection first: when the database is down this fails within the pool's connection timeout, where
        // Flyway would ask for connections more than once before giving up.
        try (Connection probe = dataSource.getConnection()) {
            probe.isValid(0);
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
                LOG.info("Billing schema '{}' migrated to version {} ({} migration(s) applied)", schema,
                        result.targetSchemaVersion, result.migrationsExecuted);
            } else {
                LOG.debug("Billing schema '{}' is up to date", schema);
            }
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            String state = StoreErrors.sqlState(e);
            String suffix = state == null ? "" : " (SQLState " + state + ")";
            if (StoreErrors.isUnavailable(e)) {
                throw new StoreUnavailableException("Postgres is unavailable: billing schema migration failed"
                        + suffix, e);
            }
            throw new StoreException("Billing schema migration failed" + suffix, e);
        }
    }
}

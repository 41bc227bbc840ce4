package dev.billing.core.port;

import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.migration.MigrationReport;

/**
 * Hears how a migration advances, e.g. to draw a progress bar. Called on the migrating thread; keep it quick.
 *
 * <p>Usage: {@code MigrationListener l = (type, copied, total) -> out.printf("%s %d/%d%n", type, copied, total);}
 */
@FunctionalInterface
public interface MigrationListener {

    /** Says nothing. */
    MigrationListener NONE = (type, copied, total) -> {};

    /**
     * After each batch of one record type (in a dry run too, which compares without writing).
     *
     * @param copied records of this type done so far: read from the source and compared with the target, written
     *               where they differ (including earlier runs, when resuming)
     * @param total  how many the source holds according to its count, or -1 when its port cannot count them
     *               (usage counters, keys and meter reports)
     */
    void copied(MigrationRecordType type, long copied, long total);

    /** When one record type has been verified (after the copy, or in a dry run). */
    default void verified(MigrationReport.TypeReport report) {}
}

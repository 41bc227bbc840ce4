package dev.billing.core.port;

import dev.billing.core.model.migration.MigrationRecordType;
import java.util.Optional;

/**
 * Where a migration stands, per record type, so that an interrupted run resumes instead of starting over. Saved
 * after every batch; a batch that was being written when the run stopped is written again on resume (every
 * target write is idempotent).
 *
 * <p>Without one, {@code MigrateStores} keeps its checkpoint in memory; the server's
 * {@code FileMigrationCheckpoint} keeps it in a file so that a later run resumes.
 */
public interface MigrationCheckpoint {

    /** Where the copy of {@code type} stands, or empty when it has not started. */
    Optional<Position> load(MigrationRecordType type);

    /** Records where the copy of {@code type} stands; durable when this returns (for a file-backed checkpoint). */
    void save(MigrationRecordType type, Position position);

    /**
     * The position of one record type.
     *
     * @param cursor the source's cursor to continue from (opaque, from {@code Page.nextCursor()}), or null for
     *               the start
     * @param copied records copied so far (read from the source and handed to the target)
     * @param done   every record of this type was copied
     */
    record Position(String cursor, long copied, boolean done) {
        /** Not started. */
        public static final Position START = new Position(null, 0, false);

        public Position {
            if (copied < 0) {
                throw new IllegalArgumentException("copied must not be negative");
            }
            if (done) {
                cursor = null;
            }
        }
    }
}

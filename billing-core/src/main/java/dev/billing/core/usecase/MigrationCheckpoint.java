package dev.billing.core.usecase;

import java.util.Optional;

/**
 * Where a migration stands, per record type, so that an interrupted run resumes instead of starting over. Saved
 * after every batch; a batch that was being written when the run stopped is written again on resume (every
 * target write is idempotent).
 *
 * <p>Usage: {@code MigrationCheckpoint checkpoint = new FileMigrationCheckpoint(Path.of("migrate.checkpoint"));}
 * or {@link #inMemory()}.
 */
public interface MigrationCheckpoint {

    /** Where the copy of {@code type} stands, or empty when it has not started. */
    Optional<Position> load(MigrationRecordType type);

    /** Records where the copy of {@code type} stands; durable when this returns (for a file-backed checkpoint). */
    void save(MigrationRecordType type, Position position);

    /** A checkpoint that lives as long as the object (tests, or one process that retries a failed run itself). */
    static MigrationCheckpoint inMemory() {
        return new InMemoryMigrationCheckpoint();
    }

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

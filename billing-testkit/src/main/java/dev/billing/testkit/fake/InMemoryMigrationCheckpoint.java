package dev.billing.testkit.fake;

import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.port.MigrationCheckpoint;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link MigrationCheckpoint} in memory: pass the same instance to two runs and the second resumes where the first
 * stopped, as a file checkpoint does across processes. Thread-safe.
 *
 * <p>Usage: {@code MigrateStores.from(a).to(b).checkpoint(checkpoint).run();}
 */
public final class InMemoryMigrationCheckpoint implements MigrationCheckpoint {
    private final Map<MigrationRecordType, Position> positions = new EnumMap<>(MigrationRecordType.class);

    @Override
    public synchronized Optional<Position> load(MigrationRecordType type) {
        return Optional.ofNullable(positions.get(type));
    }

    @Override
    public synchronized void save(MigrationRecordType type, Position position) {
        positions.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(position, "position"));
    }

    /** Whether nothing was ever saved. */
    public synchronized boolean isEmpty() {
        return positions.isEmpty();
    }
}

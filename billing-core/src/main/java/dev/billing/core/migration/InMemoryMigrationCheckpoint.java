package dev.billing.core.migration;

import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.port.MigrationCheckpoint;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The checkpoint of a migration given none: it lives as long as the run. Thread-safe. */
final class InMemoryMigrationCheckpoint implements MigrationCheckpoint {
    private final Map<MigrationRecordType, Position> positions = new EnumMap<>(MigrationRecordType.class);

    @Override
    public synchronized Optional<Position> load(MigrationRecordType type) {
        return Optional.ofNullable(positions.get(type));
    }

    @Override
    public synchronized void save(MigrationRecordType type, Position position) {
        positions.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(position, "position"));
    }
}

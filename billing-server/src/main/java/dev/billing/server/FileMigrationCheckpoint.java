package dev.billing.server;

import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.port.MigrationCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link MigrationCheckpoint} in a small text file, rewritten whole on every save: written to a temporary file
 * next to it, forced to disk, then moved over it atomically, so a crash leaves the old or the new checkpoint,
 * never a torn one. Delete the file to start a migration over.
 *
 * <p>Format (UTF-8), one line per record type: {@code <type> <started|done> <copied> <cursor>}, the cursor in
 * base64url, or {@code ~} for none; lines starting with {@code #} are comments.
 *
 * <p>Usage: {@code MigrationCheckpoint checkpoint = new FileMigrationCheckpoint(Path.of("migrate.checkpoint"));}
 */
public final class FileMigrationCheckpoint implements MigrationCheckpoint {
    private static final String HEADER = "# billing migration checkpoint v1: <type> <started|done> <copied> <cursor>";

    private final Path file;
    private final Map<MigrationRecordType, Position> positions = new EnumMap<>(MigrationRecordType.class);

    /**
     * Reads the file when it exists (a missing file is an empty checkpoint).
     *
     * @throws IllegalArgumentException when the file is not a checkpoint
     * @throws UncheckedIOException     when it cannot be read
     */
    public FileMigrationCheckpoint(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
        if (Files.exists(this.file)) {
            read();
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<Position> load(MigrationRecordType type) {
        return Optional.ofNullable(positions.get(type));
    }

    @Override
    public synchronized void save(MigrationRecordType type, Position position) {
        positions.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(position, "position"));
        write();
    }

    private void read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the migration checkpoint " + file, e);
        }
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.trim().split(" ");
            try {
                if (fields.length != 4) {
                    throw new IllegalArgumentException("expected 4 fields");
                }
                MigrationRecordType type = MigrationRecordType.parse(fields[0])
                        .orElseThrow(() -> new IllegalArgumentException("unknown record type " + fields[0]));
                boolean done = switch (fields[1]) {
                    case "done" -> true;
                    case "started" -> false;
                    default -> throw new IllegalArgumentException("unknown state " + fields[1]);
                };
                long copied = Long.parseLong(fields[2]);
                String cursor = fields[3].equals("~")
                        ? null
                        : new String(Base64.getUrlDecoder().decode(fields[3]), StandardCharsets.UTF_8);
                positions.put(type, new Position(cursor, copied, done));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Line " + number + " of the migration checkpoint " + file + " is not a checkpoint line ("
                                + e.getMessage() + "); delete the file to start over",
                        e);
            }
        }
    }

    private void write() {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        positions.forEach((type, position) -> text.append(type.wireName())
                .append(' ')
                .append(position.done() ? "done" : "started")
                .append(' ')
                .append(position.copied())
                .append(' ')
                .append(
                        position.cursor() == null
                                ? "~"
                                : Base64.getUrlEncoder()
                                        .withoutPadding()
                                        .encodeToString(position.cursor().getBytes(StandardCharsets.UTF_8)))
                .append('\n'));
        Path directory = file.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            try (FileChannel channel =
                    FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the migration checkpoint " + file, e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}

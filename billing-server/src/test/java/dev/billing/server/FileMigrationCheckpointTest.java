package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.port.MigrationCheckpoint.Position;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file-backed migration checkpoint. */
class FileMigrationCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsAnEmptyCheckpoint() {
        FileMigrationCheckpoint checkpoint = new FileMigrationCheckpoint(dir.resolve("none"));

        assertThat(checkpoint.load(MigrationRecordType.CUSTOMER_LINKS)).isEmpty();
        assertThat(Files.exists(dir.resolve("none"))).isFalse();
    }

    @Test
    void positionsSurviveANewInstanceWhateverTheirCursors() {
        Path file = dir.resolve("sub/dir/migrate.checkpoint");
        FileMigrationCheckpoint checkpoint = new FileMigrationCheckpoint(file);
        String oddCursor = "user_1\u0000api calls\u0000é ~ \n 00000001795255200";

        checkpoint.save(MigrationRecordType.USAGE_COUNTERS, new Position(oddCursor, 1_500, false));
        checkpoint.save(MigrationRecordType.CUSTOMER_LINKS, new Position(null, 42, true));
        checkpoint.save(MigrationRecordType.SUBSCRIPTIONS, Position.START);

        FileMigrationCheckpoint reread = new FileMigrationCheckpoint(file);
        assertThat(reread.load(MigrationRecordType.USAGE_COUNTERS)).contains(new Position(oddCursor, 1_500, false));
        assertThat(reread.load(MigrationRecordType.CUSTOMER_LINKS)).contains(new Position(null, 42, true));
        assertThat(reread.load(MigrationRecordType.SUBSCRIPTIONS)).contains(Position.START);
        assertThat(reread.load(MigrationRecordType.INVOICES)).isEmpty();
    }

    @Test
    void savingLeavesNoTemporaryFileBehind() throws IOException {
        FileMigrationCheckpoint checkpoint = new FileMigrationCheckpoint(dir.resolve("migrate.checkpoint"));
        for (int i = 0; i < 20; i++) {
            checkpoint.save(MigrationRecordType.INVOICES, new Position("in_" + i, i, false));
        }

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("migrate.checkpoint");
        }
        assertThat(Files.readString(dir.resolve("migrate.checkpoint")))
                .startsWith("# billing migration checkpoint v1")
                .contains("invoices started 19 ");
    }

    @Test
    void aFileThatIsNotACheckpointIsRefusedWithItsLine() throws IOException {
        Path file = dir.resolve("bad");
        Files.writeString(file, "# comment\ninvoices done 3 ~\nnonsense here\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> new FileMigrationCheckpoint(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Line 3")
                .hasMessageContaining("delete the file");
    }
}

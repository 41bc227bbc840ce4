package dev.billing.embeddedpostgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresLogTailTest {

    @TempDir
    Path tmp;

    @Test
    void quotesTheLastTwentyLinesOfThisStartOnly() throws IOException {
        Path log = tmp.resolve("pg.log");
        Files.writeString(log, "an earlier start's line\n");
        long from = Files.size(log);
        Files.writeString(
                log,
                IntStream.rangeClosed(1, 25).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining()),
                StandardOpenOption.APPEND);

        String said = EmbeddedPostgresServer.lastLines(log, from);

        assertThat(said.lines()).hasSize(20).first().isEqualTo("line 6");
        assertThat(said).endsWith("line 25").doesNotContain("earlier");
    }

    @Test
    void nothingWrittenOrNoFileIsEmpty() throws IOException {
        Path log = tmp.resolve("pg.log");
        assertThat(EmbeddedPostgresServer.lastLines(log, 0)).isEmpty();
        Files.writeString(log, "an earlier start's line\n");
        assertThat(EmbeddedPostgresServer.lastLines(log, Files.size(log))).isEmpty();
    }
}

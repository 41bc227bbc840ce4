package dev.billing.testkit.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A main source file past the limit is doing two jobs: split it rather than raise the limit. A test because
 * ArchUnit cannot count lines.
 */
class ClassSizeTest {
    private static final int MAX_LINES = 600;

    @Test
    void noMainSourceFileIsLongerThanTheLimit() throws IOException {
        // Surefire sets basedir to the module directory; the working directory is the fallback.
        Path sources = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java");
        assertThat(sources.resolve("dev/billing/testkit/fake/FakePaymentGateway.java")).isRegularFile();
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(sources)) {
            tooLong = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> lineCount(f) > MAX_LINES)
                    .map(f -> sources.relativize(f) + " (" + lineCount(f) + " lines)")
                    .sorted()
                    .toList();
        }
        assertThat(tooLong).as("main source files over %d lines", MAX_LINES).isEmpty();
    }

    private static long lineCount(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

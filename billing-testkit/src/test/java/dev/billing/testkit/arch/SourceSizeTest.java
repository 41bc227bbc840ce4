package dev.billing.testkit.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A main source file past the limit is doing two jobs: split it rather than raise the limit. One test for every module
 * of the repository (this module's parent folder), since ArchUnit cannot count lines.
 */
class SourceSizeTest {
    private static final int MAX_LINES = 600;

    @Test
    void noMainSourceFileOfAnyModuleIsLongerThanTheLimit() throws IOException {
        // Surefire sets basedir to the module directory; the working directory is the fallback.
        Path repository = Path.of(System.getProperty("basedir", "."))
                .toAbsolutePath()
                .normalize()
                .getParent();
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(repository)) {
            // src/boot3/java: billing-spring-boot-autoconfigure's classes for Spring Boot 3.5 only.
            modules.flatMap(m -> Stream.of(m.resolve("src/main/java"), m.resolve("src/boot3/java")))
                    .filter(Files::isDirectory)
                    .forEach(sources::add);
        }
        assertThat(sources)
                .as("the modules' source folders under " + repository)
                .hasSizeGreaterThanOrEqualTo(12);
        List<String> tooLong = new ArrayList<>();
        for (Path root : sources) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java"))
                        .filter(f -> lineCount(f) > MAX_LINES)
                        .map(f -> repository.relativize(f) + " (" + lineCount(f) + " lines)")
                        .forEach(tooLong::add);
            }
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

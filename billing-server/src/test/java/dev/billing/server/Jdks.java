package dev.billing.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK of a given version for tests that run the jar on a newer Java than the build's: the running one if it is
 * new enough, else {@code BILLING_TEST_JDK_HOME}, else the newest under {@code /usr/lib/jvm}.
 */
final class Jdks {
    static final String ENV = "BILLING_TEST_JDK_HOME";
    private static final Path SYSTEM_JDKS = Path.of("/usr/lib/jvm");
    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private Jdks() {}

    /** A JDK home of at least {@code feature}; fails saying how to provide one. */
    static Path atLeast(int feature) {
        if (Runtime.version().feature() >= feature) {
            return Path.of(System.getProperty("java.home"));
        }
        String configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured);
            int found = feature(home)
                    .orElseThrow(() -> new AssertionError(ENV + "=" + configured
                            + " is not a JDK home (no readable release file with JAVA_VERSION)"));
            if (found < feature) {
                throw new AssertionError(ENV + "=" + configured + " is Java " + found + "; this test needs Java "
                        + feature + " or later");
            }
            return home;
        }
        return installed().stream()
                .filter(home -> feature(home).orElse(0) >= feature)
                .max(Comparator.comparingInt(home -> feature(home).orElse(0)))
                .orElseThrow(() -> new AssertionError("This test runs the server on Java " + feature + " or later, "
                        + "and none was found (tests run on Java "
                        + Runtime.version().feature() + ", nothing newer "
                        + "under " + SYSTEM_JDKS + "): install one (e.g. Debian's openjdk-" + feature
                        + "-jdk-headless or Temurin) or set " + ENV + " to its home"));
    }

    private static List<Path> installed() {
        if (!Files.isDirectory(SYSTEM_JDKS)) {
            return List.of();
        }
        try (Stream<Path> homes = Files.list(SYSTEM_JDKS)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin").resolve("java")))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The feature version a JDK's {@code release} file names. */
    static Optional<Integer> feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isReadable(release)) {
            return Optional.empty();
        }
        try {
            Matcher m = VERSION.matcher(Files.readString(release));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

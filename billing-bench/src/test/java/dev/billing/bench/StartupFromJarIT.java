package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's start-up scenario from the built jars: {@code billing-bench.jar} starts {@code billing-server.jar}
 * with the default JVM and with a class-data archive it writes. A class of its own, apart from {@link BenchIT}'s
 * in-process runs, so that the module's two test JVMs share the work (it is a third of what {@code BenchIT} was).
 */
class StartupFromJarIT {
    @TempDir
    Path dir;

    @Test
    @DisplayName(
            "billing-bench.jar measures billing-server.jar's start-up with the default JVM and with a class-data archive")
    void startUpFromTheJarIsMeasuredWithAndWithoutAClassDataArchive() throws Exception {
        Path jar = Path.of("target", "billing-bench.jar").toAbsolutePath();
        Path server = Path.of("..", "billing-server", "target", "billing-server.jar")
                .toAbsolutePath()
                .normalize();
        assertThat(jar)
                .as("the bench jar, built by the package phase: run ./mvnw verify (or package) first")
                .isRegularFile();
        assertThat(server)
                .as("the server jar, built by billing-server's package phase")
                .isRegularFile();
        Path json = dir.resolve("startup.json");
        Path logs = dir.resolve("startup-logs");
        Process bench = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-jar",
                        jar.toString(),
                        "--scenarios",
                        "startup",
                        "--startup-runs",
                        "1",
                        "--no-jit-settle",
                        "--server-jar",
                        server.toString(),
                        "--json",
                        json.toString(),
                        "--log-dir",
                        logs.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        assertThat(bench.waitFor(15, TimeUnit.MINUTES))
                .as("bench finished (a hang bound)")
                .isTrue();
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(bench.exitValue()).as(out).isZero();

        JsonNode startup = new ObjectMapper().readTree(json.toFile()).path("startup");
        assertThat(startup).hasSize(2);
        assertThat(startup.get(0).path("archive").asBoolean()).isFalse();
        assertThat(startup.get(1).path("archive").asBoolean()).isTrue();
        assertThat(startup)
                .allSatisfy(s -> assertThat(s.path("toReadyMs").asDouble()).isPositive());
        assertThat(logs.resolve("billing-serve.jsa")).isNotEmptyFile();
        assertThat(out)
                .contains(
                        "default JVM",
                        "class-data archive",
                        "serve: process start to ready (slowest of 1, default JVM)",
                        "serve: process start to ready (slowest of 1, with a class-data archive)");
    }
}

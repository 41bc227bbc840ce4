package dev.billing.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DockerProbeTest {

    @Test
    void dockerDetectionAnswersQuicklyWithoutThrowing() {
        long t0 = System.nanoTime();

        boolean available = DockerProbe.isDockerAvailable(Duration.ofSeconds(5));

        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("Docker available: " + available + " (probe took " + millis + " ms)");
        assertThat(millis).as("the probe's own 5 s timeout fires (bound: 5x)").isLessThan(25_000);
        if (noDockerEngineConfigured()) {
            assertThat(available)
                    .as("no docker socket and no DOCKER_HOST: Docker must be reported unavailable")
                    .isFalse();
        }
    }

    @Test
    void testcontainersIsOnTheTestClasspath() {
        assertThat(DockerProbe.testcontainersOnClasspath()).isTrue();
    }

    private static boolean noDockerEngineConfigured() {
        return System.getenv("DOCKER_HOST") == null
                && !Files.exists(Path.of("/var/run/docker.sock"))
                && !Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
    }
}

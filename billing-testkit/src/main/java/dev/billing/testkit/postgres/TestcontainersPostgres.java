package dev.billing.testkit.postgres;

import java.time.Duration;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts one throw-away Postgres container (data on tmpfs, fsync off). Only loaded once {@link DockerProbe}
 * said a Docker engine answers, so Testcontainers stays an optional dependency. The container lives until the
 * JVM exits (Testcontainers' Ryuk removes it).
 */
final class TestcontainersPostgres {

    static final String DEFAULT_IMAGE = "postgres:17-alpine";
    static final String IMAGE_ENV = "BILLING_TEST_PG_IMAGE";
    private static final int PG_PORT = 5432;
    private static final String PASSWORD = "postgres";

    private TestcontainersPostgres() {}

    static ServerAddress start(Map<String, String> env) {
        String image = env.getOrDefault(IMAGE_ENV, DEFAULT_IMAGE);
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image));
        container.addEnv("POSTGRES_PASSWORD", PASSWORD);
        container.addExposedPort(PG_PORT);
        container.setCommand(
                "postgres",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300");
        container.withTmpFs(Map.of("/var/lib/postgresql/data", "rw"));
        // The official image restarts once after initdb: wait for the second "ready" line.
        container.setWaitStrategy(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
                .withStartupTimeout(Duration.ofMinutes(2)));
        container.start();
        return new ServerAddress(
                container.getHost(), container.getMappedPort(PG_PORT), "postgres", "postgres", PASSWORD, Map.of());
    }
}

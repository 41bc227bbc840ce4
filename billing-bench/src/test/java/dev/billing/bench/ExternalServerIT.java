package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.embeddedpostgres.EmbeddedPostgresServer;
import dev.billing.server.LocalKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --server-url} the bench measures the server it targets: the CPU per event is that server process's,
 * found by the port it listens on, never the bench JVM's own (which holds only the load generator then).
 */
class ExternalServerIT {
    private static final String ISSUER = "https://clerk.bench.external";
    private static final String SECRET = "whsec_external_bench_test";

    @TempDir
    Path dir;

    @Test
    @EnabledOnOs(OS.LINUX)
    void theCpuPerEventIsTheExternalServerProcesss() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        LocalKeys keys = LocalKeys.loadOrCreate(dir.resolve("keys"), ISSUER, Clock.systemUTC());
        Path keyFile = dir.resolve("keys").resolve("local-signing-key.pem");
        assertThat(keyFile).as("LocalKeys' key file").isRegularFile();
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.builder()
                        .serverConfig("fsync", "on")
                        .serverConfig("synchronous_commit", "on")
                        .serverConfig("full_page_writes", "on")
                        .start();
                EmulatorProcess emulator = EmulatorProcess.start(logs, Duration.ofMinutes(2))) {
            postgres.createDatabaseIfMissing("external_bench");
            String databaseUrl = postgres.postgresUrl("external_bench");
            int port = BenchEnvironment.freePort();
            ProcessBuilder builder = new ProcessBuilder(
                            ProcessHandle.current().info().command().orElse("java"),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "dev.billing.server.Main",
                            "serve")
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve("server.log").toFile());
            builder.environment().put("STRIPE_SECRET_KEY", emulator.apiKey());
            builder.environment().put("STRIPE_API_BASE", emulator.baseUrl());
            builder.environment().put("STRIPE_WEBHOOK_SECRET", SECRET);
            builder.environment().put("CLERK_ISSUER", ISSUER);
            builder.environment().put("CLERK_JWT_KEY", keys.publicKeyPem());
            builder.environment().put("DATABASE_URL", databaseUrl);
            builder.environment().put("BILLING_ALLOWED_ORIGINS", "https://app.bench.example");
            builder.environment().put("BILLING_HOST", "127.0.0.1");
            builder.environment().put("PORT", Integer.toString(port));
            builder.environment().put("BILLING_REFETCH_ON_WEBHOOK", "false");
            Process server = builder.start();
            try {
                try {
                    BenchEnvironment.awaitReady(URI.create("http://127.0.0.1:" + port), Duration.ofMinutes(3));
                } catch (IllegalStateException notReady) {
                    throw new AssertionError(
                            notReady.getMessage() + "\n" + readLog(logs.resolve("server.log")), notReady);
                }
                Path json = dir.resolve("report.json");
                BenchIT.Run run = BenchIT.run(
                        "--scenarios",
                        "ingest",
                        "--refetch",
                        "off",
                        "--concurrency",
                        "4",
                        "--events",
                        "60",
                        "--warmup-events",
                        "40",
                        "--duration",
                        "500ms",
                        "--server-url",
                        "http://127.0.0.1:" + port,
                        "--database-url",
                        databaseUrl,
                        "--webhook-secret",
                        SECRET,
                        "--token-key",
                        keyFile.toString(),
                        "--token-issuer",
                        ISSUER,
                        "--json",
                        json.toString(),
                        "--log-dir",
                        logs.resolve("bench").toString());
                assertThat(run.exit()).as(run.out() + run.err()).isZero();
                JsonNode report = new ObjectMapper().readTree(json.toFile());
                assertThat(report.path("setup").path("server CPU").asText())
                        .as("the server's CPU is its own process's")
                        .startsWith("process " + server.pid() + " (listening on port " + port + ")");
                assertThat(report.path("ingest")).hasSize(2);
                for (JsonNode ingest : report.path("ingest")) {
                    assertThat(ingest.path("cpu").path("serverMicrosPerRequest").asDouble())
                            .as("a server CPU figure was measured")
                            .isPositive();
                }
                assertThat(report.path("notes").toString())
                        .contains("ingest warm-up, refetch off: server CPU per event by round")
                        .doesNotContain("server CPU unavailable");
                CpuMeter.server(CpuMeter.IN_THIS_JVM);
            } finally {
                server.destroy();
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static String readLog(Path log) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}

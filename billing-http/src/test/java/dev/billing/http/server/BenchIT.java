package dev.billing.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code billing-server bench} end to end with tiny counts: every scenario runs, every section is reported, the
 * exactly-once check passes; and a run that never sends one event fails the check with a non-zero exit. The figures
 * of such a short run mean nothing: the real run is documented in docs/BENCHMARKS.md.
 */
class BenchIT {
    @TempDir
    Path dir;

    @Test
    void aTinyRunReportsEverySectionAndPassesTheChecks() throws Exception {
        Path json = dir.resolve("report.json");
        CliConfigTest.Run run = CliConfigTest.run(Map.of(), "bench", "--concurrency", "4", "--events", "60",
                "--warmup-events", "0", "--users", "20", "--read-connections", "4", "--duration", "800ms",
                "--warmup", "300ms", "--startup-runs", "1", "--json", json.toString(), "--log-dir",
                dir.resolve("logs").toString());

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("== machine", "== postgres", "fsync: on", "synchronous_commit: on",
                "== serve start-up", "ceiling: durable INSERT over JDBC", "ingest unique, refetch off",
                "ingest dup+reorder, refetch off", "ingest unique, refetch on", "ingest dup+reorder, refetch on",
                "processed end to end", "GET /me/entitlements", "GET /stripe/products", "== heap",
                "== exactly-once checks", "== targets", "RESULT: every check passed");
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.path("checksPassed").asBoolean()).isTrue();
        assertThat(report.path("postgres").path("fsync").asText()).isEqualTo("on");
        assertThat(report.path("startup")).hasSize(1);
        assertThat(report.path("startup").get(0).path("toReadyMs").asDouble()).isPositive();
        assertThat(report.path("ceiling")).hasSize(1);
        assertThat(report.path("ceiling").get(0).path("perSecond").asDouble()).isPositive();
        assertThat(report.path("ingest")).hasSize(4);
        for (JsonNode ingest : report.path("ingest")) {
            assertThat(ingest.path("errors").asLong()).isZero();
            assertThat(ingest.path("processedPerSecond").asDouble()).isPositive();
            assertThat(ingest.path("ratioToCeiling").isNumber()).isTrue();
            assertThat(ingest.path("checks")).allSatisfy(c -> assertThat(c.path("ok").asBoolean())
                    .as(c.toString()).isTrue());
        }
        JsonNode mixed = report.path("ingest").get(1);
        assertThat(mixed.path("deliveries").asInt()).isGreaterThan(mixed.path("uniqueEvents").asInt());
        assertThat(mixed.path("reordered").asInt()).isPositive();
        assertThat(report.path("reads")).hasSize(2);
        for (JsonNode read : report.path("reads")) {
            assertThat(read.path("requests").asLong()).isPositive();
            assertThat(read.path("errors").asLong()).isZero();
            assertThat(read.path("latency").path("p99").asDouble()).isPositive();
        }
        assertThat(report.path("heap").path("maxAfterGcMb").asDouble()).isPositive();
        assertThat(report.path("targets").size()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aDroppedEventFailsTheCheck() {
        CliConfigTest.Run run = CliConfigTest.run(Map.of(), "bench", "--scenarios", "ingest", "--refetch", "off",
                "--concurrency", "4", "--events", "50", "--warmup-events", "0", "--duration", "500ms", "--warmup",
                "100ms", "--drop-one-event", "--log-dir", dir.resolve("logs").toString());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL ingest unique, refetch off, 4 connections",
                "FAILED one inbox row per unique event: 49 rows for 50 unique events",
                "RESULT: CHECKS FAILED");
    }

    @Test
    void badOptionsAreAUsageError() {
        CliConfigTest.Run run = CliConfigTest.run(Map.of(), "bench", "--scenarios", "ingest,nonsense",
                "--refetch", "maybe", "--server-url", "http://127.0.0.1:1");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("unknown scenario 'nonsense'", "--refetch: off or on, not 'maybe'",
                "--server-url needs --database-url", "--server-url needs --webhook-secret",
                "--server-url needs --token-key and --token-issuer");
    }
}

package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code billing-bench} end to end with tiny counts: every scenario runs, every section is reported, the
 * exactly-once check passes; and a run that never sends one event fails the check with a non-zero exit. The figures
 * of such a short run mean nothing: the real run is documented in docs/BENCHMARKS.md. The start-up scenario, which
 * runs the jars, is {@link StartupFromJarIT}.
 */
class BenchIT {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    /** Runs the bench in this JVM as a smoke run: warm-ups exactly as long as given (the figures mean nothing). */
    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] smoke = java.util.Arrays.copyOf(args, args.length + 1);
        smoke[args.length] = "--no-jit-settle";
        int exit = Main.run(
                smoke,
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTinyRunReportsEverySectionAndPassesTheChecks() throws Exception {
        Path json = dir.resolve("report.json");
        Run run = run(
                "--concurrency",
                "4",
                "--events",
                "60",
                "--warmup-events",
                "0",
                "--users",
                "20",
                "--read-connections",
                "4",
                "--duration",
                "3s",
                "--warmup",
                "300ms",
                "--startup-runs",
                "1",
                "--json",
                json.toString(),
                "--log-dir",
                dir.resolve("logs").toString());

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "== machine",
                        "== postgres",
                        "fsync: on",
                        "synchronous_commit: on",
                        "== serve start-up",
                        "ceiling: durable INSERT over JDBC",
                        "ingest unique, refetch off",
                        "ingest dup+reorder, refetch off",
                        "ingest unique, refetch on",
                        "ingest dup+reorder, refetch on",
                        "processed end to end",
                        "writing transactions per event",
                        "GET /me/entitlements",
                        "GET /stripe/products",
                        "== heap",
                        "== exactly-once checks",
                        "== targets",
                        "RESULT: every check passed");
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.path("checksPassed").asBoolean()).isTrue();
        assertThat(report.path("postgres").path("fsync").asText()).isEqualTo("on");
        // Memory settings as Postgres shows them (128MB), not a block count glued to its unit (163848kB).
        assertThat(report.path("postgres").path("shared_buffers").asText()).isEqualTo("128MB");
        // The embedded Postgres runs as a superuser, so its build's optimization flag is readable.
        assertThat(report.path("postgres").path("optimization").asText()).matches("-O\\w*");
        // Run from class directories (this test), there is no class-data archive to measure: the report says why.
        assertThat(report.path("startup")).hasSize(1);
        assertThat(report.path("startup").get(0).path("archive").asBoolean()).isFalse();
        assertThat(report.path("startup").get(0).path("toReadyMs").asDouble()).isPositive();
        assertThat(report.path("setup").path("class-data archive").asText())
                .startsWith("not measured: the class path has directories");
        assertThat(report.path("ceiling")).hasSize(1);
        assertThat(report.path("ceiling").get(0).path("perSecond").asDouble()).isPositive();
        assertThat(report.path("ingest")).hasSize(4);
        for (JsonNode ingest : report.path("ingest")) {
            assertThat(ingest.path("errors").asLong()).isZero();
            assertThat(ingest.path("processedPerSecond").asDouble()).isPositive();
            assertThat(ingest.path("ratioToCeiling").isNumber()).isTrue();
            // Each measured run's share is of a ceiling probed right before it, not of the ceiling scenario's.
            JsonNode probes = ingest.path("ceilingProbes");
            assertThat(probes).hasSize(2); // just before and just after the run
            double sum = 0;
            for (JsonNode probe : probes) {
                assertThat(probe.path("connections").asInt())
                        .isEqualTo(ingest.path("connections").asInt());
                assertThat(probe.path("perSecond").asDouble()).isPositive();
                assertThat(probe.path("cpu").path("postgresMicrosPerRequest").isNumber())
                        .isTrue();
                sum += probe.path("perSecond").asDouble();
            }
            assertThat(ingest.path("ratioToCeiling").asDouble())
                    .isCloseTo(ingest.path("processedPerSecond").asDouble() / (sum / 2), within(1e-9));
            // Something was written (the inbox rows, in shared transactions), and no event took many transactions.
            assertThat(ingest.path("writeTransactionsPerEvent").asDouble())
                    .isPositive()
                    .isLessThan(10);
            // The run's closing vacuum and checkpoint are part of Postgres' CPU per event, and said apart.
            assertThat(ingest.path("closingPostgresMicrosPerEvent").isNumber())
                    .as(ingest.toString())
                    .isTrue();
            assertThat(ingest.path("closingPostgresMicrosPerEvent").asDouble())
                    .isGreaterThanOrEqualTo(0)
                    .isLessThanOrEqualTo(
                            ingest.path("cpu").path("postgresMicrosPerRequest").asDouble());
            assertThat(ingest.path("checks"))
                    .allSatisfy(c -> assertThat(c.path("ok").asBoolean())
                            .as(c.toString())
                            .isTrue());
        }
        for (JsonNode ingest : report.path("ingest")) {
            if (ingest.path("refetch").asBoolean()) {
                // Re-fetch on: the server read each subscription from the emulator, counted per run.
                assertThat(ingest.path("stripeCalls")
                                .path("GET /v1/subscriptions/{id}")
                                .asLong())
                        .as(ingest.path("stripeCalls").toString())
                        .isPositive();
                assertThat(ingest.path("stripeCallsPer1000Deliveries").asDouble())
                        .isPositive();
            } else {
                assertThat(ingest.path("stripeCalls")).isEmpty();
            }
        }
        assertThat(run.out()).contains("... Stripe calls:");
        JsonNode mixed = report.path("ingest").get(1);
        assertThat(mixed.path("deliveries").asInt())
                .isGreaterThan(mixed.path("uniqueEvents").asInt());
        assertThat(mixed.path("reordered").asInt()).isPositive();
        assertThat(report.path("reads")).hasSize(2);
        for (JsonNode read : report.path("reads")) {
            assertThat(read.path("requests").asLong()).isPositive();
            assertThat(read.path("errors").asLong()).isZero();
            assertThat(read.path("latency").path("p99").asDouble()).isPositive();
        }
        assertThat(report.path("heap").path("maxAfterGcMb").asDouble()).isPositive();
        assertThat(report.path("machine").path("speedBefore").asText()).matches("\\d+\\.\\d\\d µs per read .*");
        assertThat(report.path("machine").path("speedAfter").asText()).matches("\\d+\\.\\d\\d µs per read .*");
        assertThat(report.path("targets").size()).isGreaterThanOrEqualTo(5);
        assertThat(report.path("notes").toString())
                .contains(
                        "ingest: each measured run's share is of its own "
                                + "ceiling, the mean of two probed just before and just after it (each 3000 ms of durable inserts");
        assertThat(run.out())
                .contains(
                        "ceiling before the run: 4 JDBC connections inserting",
                        "ceiling after the run: 4 JDBC connections inserting")
                .containsPattern("of a ceiling of \\d+/s "
                        + "\\(\\d+/s before, \\d+/s after; Postgres (\\d+|\\?) / (\\d+|\\?) µs per insert\\)");
        assertThat(report.path("notes").toString())
                .containsPattern("Postgres CPU \\d+ µs per event, of which \\d+ the run's closing VACUUM");
        assertThat(report.path("notes").toString())
                .containsPattern("disk: the page cache was written back \\(sync\\) "
                        + "before the ceiling and each measured ingest run; the longest took \\d+ ms");
    }

    @Test
    void warmUpEventsLeaveTheInboxBeforeTheMeasuredRuns() throws Exception {
        Path json = dir.resolve("warm.json");
        Run run = run(
                "--scenarios",
                "ingest",
                "--refetch",
                "off",
                "--concurrency",
                "4",
                "--events",
                "40",
                "--warmup-events",
                "30",
                "--duration",
                "500ms",
                "--warmup",
                "100ms",
                "--json",
                json.toString(),
                "--log-dir",
                dir.resolve("logs").toString());

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        int rounds = report.path("ingestWarmups").size();
        assertThat(rounds).isGreaterThanOrEqualTo(2);
        // Exactly the warm-up rounds' rows went but the last round's (one per unique event; the last stays so the
        // statistics describe a table in use), and the measured runs that follow found every one of their own
        // events (their checks count their rows).
        assertThat(report.path("notes").toString())
                .contains("ingest warm-up, refetch off: " + (rounds - 1) * 30
                        + " warm-up events deleted from the inbox (the last round's kept) and the inbox vacuumed")
                .contains("and the database checkpointed, before the measured runs");
        // Each round's server CPU per event is reported, the figures the warm-up is judged by.
        assertThat(report.path("notes").toString())
                .containsPattern("server CPU per event by round, 4 connections: \\d+(, \\d+)+ µs");
        // And what the JIT still compiled under each measured run, which that run's CPU per event includes.
        assertThat(report.path("notes").toString())
                .containsPattern("ingest unique, refetch off, 4 connections: "
                        + "server CPU \\d+ µs per event; the JIT compiled for \\d+ ms \\(all compiler threads\\) "
                        + "during the run");
        assertThat(report.path("ingest"))
                .hasSize(2)
                .allSatisfy(i -> assertThat(i.path("checks"))
                        .allSatisfy(c -> assertThat(c.path("ok").asBoolean())
                                .as(c.toString())
                                .isTrue()));
    }

    @Test
    void theTemporaryLogDirectoryGoesAfterAPassingRun() {
        // With no subscription versions: customer.created events only (issue 51's CPU per event figure).
        Run run = run(
                "--scenarios",
                "ingest",
                "--refetch",
                "off",
                "--concurrency",
                "4",
                "--events",
                "20",
                "--versions",
                "0",
                "--warmup-events",
                "0",
                "--duration",
                "300ms",
                "--warmup",
                "100ms");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        // Every check but the subscription projection's, which has nothing to check.
        assertThat(run.out()).contains("versions=0", "PASS ingest unique, refetch off, 4 connections: 7 checks");
        java.util.regex.Matcher logs = java.util.regex.Pattern.compile("logs deleted: (\\S+) \\(every check passed")
                .matcher(run.out());
        assertThat(logs.find()).as(run.out()).isTrue();
        assertThat(run.out()).contains("logs: " + logs.group(1));
        assertThat(Path.of(logs.group(1))).doesNotExist();
    }

    @Test
    void aDroppedEventFailsTheCheck() {
        Run run = run(
                "--scenarios",
                "ingest",
                "--refetch",
                "off",
                "--concurrency",
                "4",
                "--events",
                "50",
                "--warmup-events",
                "0",
                "--duration",
                "500ms",
                "--warmup",
                "100ms",
                "--drop-one-event",
                "--log-dir",
                dir.resolve("logs").toString());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out())
                .contains(
                        "FAIL ingest unique, refetch off, 4 connections",
                        "FAILED one inbox row per unique event: 49 rows for 50 unique events",
                        "RESULT: CHECKS FAILED");
    }

    /** Before Java 21 the option is a usage error before anything starts; from 21 the server runs with it. */
    @Test
    void virtualThreadsNeedJava21() throws Exception {
        Path json = dir.resolve("virtual.json");
        Run run = run(
                "--scenarios",
                "ingest",
                "--refetch",
                "off",
                "--concurrency",
                "4",
                "--events",
                "20",
                "--warmup-events",
                "10",
                "--duration",
                "300ms",
                "--warmup",
                "100ms",
                "--virtual-threads",
                "--json",
                json.toString(),
                "--log-dir",
                dir.resolve("logs").toString());
        int java = Runtime.version().feature();
        if (java < 21) {
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("--virtual-threads: needs Java 21 or later; this JVM is Java " + java);
            assertThat(json).doesNotExist();
            return;
        }
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.path("setup").path("server").asText()).endsWith("requests on virtual threads)");
        assertThat(report.path("setup").path("server CPU").asText()).startsWith("this JVM's CPU");
        assertThat(report.path("setup").path("options").path("virtualThreads").asBoolean())
                .isTrue();
    }

    @Test
    void badOptionsAreAUsageError() {
        Run run = run(
                "--scenarios",
                "ingest,nonsense",
                "--refetch",
                "maybe",
                "--server-url",
                "http://127.0.0.1:1",
                "--server-pid",
                "0",
                "--versions",
                "-1");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .contains(
                        "unknown scenario 'nonsense'",
                        "--refetch: off or on, not 'maybe'",
                        "--server-url needs --database-url",
                        "--server-url needs --webhook-secret",
                        "--server-url needs --token-key and --token-issuer",
                        "--server-pid needs --server-url and a process id above 0",
                        "--versions: must be 0 or more");
    }
}

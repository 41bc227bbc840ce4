package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} and {@code export} as an operator runs them ({@code billing-server.jar} in its own JVM, its stdout and
 * stderr captured apart), against the Postgres and the Stripe emulator of a local mode that sold a plan whose price
 * the plan file gives by amount: stdout is the document alone (log lines go to stderr), so that
 * {@code report > r.json} and {@code export ... | jq} work, and the report names that plan's tier.
 */
class ReportAndExportCommandsIT {
    private static final String PLANS = """
            tiers:
              free: {rank: 0, quotas: {api_calls: 10}}
              pro:
                rank: 1
                trialDays: 0
                quotas: {api_calls: 1000}
                prices:
                  month: {amount: 2500, currency: usd}
            meters:
              - {name: api_calls}
            """;

    @TempDir
    static Path dir;

    static LocalFixture f;
    static Path plans;

    @BeforeAll
    static void start() throws IOException {
        plans = dir.resolve("plans.yaml");
        Files.writeString(plans, PLANS);
        f = LocalFixture.start(dir.resolve("local"), Map.of("BILLING_PLANS_FILE", plans.toString()));
        String token = f.token("user_doc");
        f.customer(token);
        f.subscribe(token, "pro", "month");
        f.awaitIdle();
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    record Output(int exit, String out, String err) {}

    /** Runs the jar with the settings {@code serve} would need, on local mode's Postgres and emulator. */
    static Output run(String... args) throws Exception {
        assertThat(ServerJarIT.JAR).exists();
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ServerJarIT.JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment()
                .putAll(Map.of(
                        "STRIPE_SECRET_KEY",
                        f.emulator.apiKey(),
                        "STRIPE_API_BASE",
                        f.emulator.baseUrl(),
                        "STRIPE_WEBHOOK_SECRET",
                        "whsec_doctestsecret",
                        "CLERK_ISSUER",
                        "https://clerk.doc.test",
                        "CLERK_JWT_KEY",
                        ServerJarIT.KEY.publicKeyPem(),
                        "DATABASE_URL",
                        f.local.postgresUrl(),
                        "BILLING_ALLOWED_ORIGINS",
                        "https://app.example.com",
                        "BILLING_PLANS_FILE",
                        plans.toString()));
        Process process = builder.start();
        assertThat(process.waitFor(Await.DEFAULT.multipliedBy(4).toSeconds(), TimeUnit.SECONDS))
                .as("a hang")
                .isTrue();
        return new Output(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** {@code text} as one JSON document and nothing else (a log line before or after it fails). */
    static JsonNode document(String text) throws IOException {
        return LocalFixture.JSON
                .readerFor(JsonNode.class)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readValue(text);
    }

    @Test
    void reportInJsonIsTheDocumentAloneOnStdoutAndLogsGoToStderr() throws Exception {
        Output run = run("report", "--format", "json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode report = document(run.out());
        assertThat(report.path("subscriptions").isObject()).as(run.out()).isTrue();
        assertThat(report.path("subscriptions").toString())
                .contains("\"tier\":\"pro\"")
                .doesNotContain("unknown");
        // the start-up lines that used to precede the document on stdout
        assertThat(run.err()).contains("Postgres stores ready");
        assertThat(run.out()).doesNotContain("Postgres stores ready").doesNotContain("INFO");
    }

    @Test
    void reportTableNamesTheTierOfAPlanPricedByAmount() throws Exception {
        Output run = run("report");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Revenue as of ").doesNotContain("INFO");
        assertThat(run.out().lines().filter(l -> l.startsWith("subscriptions")).toList())
                .as(run.out())
                .singleElement()
                .satisfies(line ->
                        assertThat(line.split(" +")).containsExactly("subscriptions", "pro", "active", "count", "1"));
    }

    @Test
    void exportIsTheDocumentAloneOnStdout() throws Exception {
        Output run = run("export", "--user", "user_doc");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode export = document(run.out());
        assertThat(export.path("userId").asText()).isEqualTo("user_doc");
        assertThat(export.path("subscriptions").get(0).path("tier").asText()).isEqualTo("pro");
        assertThat(run.err()).contains("Postgres stores ready");
    }
}

package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.Await;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.webhook.StripeSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar ({@code target/billing-server.jar}) in its own JVM, as an operator runs it: {@code serve} against
 * Postgres and the emulator, {@code local} from an empty data directory; start-up time measured from the process
 * start, and a clean stop on SIGTERM.
 */
class ServerJarIT {
    static final Path JAR = Path.of("target", "billing-server.jar");
    static final TestKey KEY = TestKeys.rsa2048("ins_jar");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Process launch(Map<String, String> env, Path log, String... args) throws IOException {
        return launch(env, log, null, args);
    }

    /** Runs the jar; stderr goes to {@code errors}, or with stdout to {@code log} when null. */
    Process launch(Map<String, String> env, Path log, Path errors, String... args) throws IOException {
        return launch(Path.of(System.getProperty("java.home")), env, log, errors, args);
    }

    /** Runs the jar on the JDK at {@code javaHome}. */
    Process launch(Path javaHome, Map<String, String> env, Path log, Path errors, String... args) throws IOException {
        String java = javaHome.resolve("bin").resolve("java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(log.toFile());
        if (errors == null) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(errors.toFile());
        }
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("HOME", System.getProperty("user.home"));
        builder.environment().putAll(env);
        return builder.start();
    }

    static long awaitReady(Http http, Process process, long startedNanos) throws InterruptedException {
        long deadline = System.nanoTime() + Await.DEFAULT.multipliedBy(5).toNanos(); // a hang, not a speed
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.get("/health/ready", null).status() == 200) {
                    return (System.nanoTime() - startedNanos) / 1_000_000;
                }
            } catch (RuntimeException notYet) {
                // connection refused while starting
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not ready (alive: " + process.isAlive() + ")");
    }

    static String stop(Process process, Path log) throws Exception {
        process.destroy(); // SIGTERM: the shutdown hook stops everything
        assertThat(process.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    static int freePort() {
        return ServeModeIT.freePort();
    }

    /** Fails naming the first line of {@code output} that is not one JSON object. */
    static void assertEveryLineIsJson(String output) {
        for (String line : output.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line + "\nin:\n" + output);
            }
            assertThat(node.isObject()).as(line).isTrue();
        }
    }

    @Test
    void serveStartsFromAColdJvmLogsOnlyJsonAndStopsCleanlyOnSigterm() throws Exception {
        assertThat(JAR).exists();
        try (TestDatabase db = PostgresFixture.shared().newDatabase("jar");
                StripeEmulator emulator =
                        StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            int port = freePort();
            Path log = dir.resolve("serve.log");
            long started = System.nanoTime();
            Process process = launch(serveEnv(db, emulator, port), log, "serve");
            Http http = Http.local(port);
            long readyMs = awaitReady(http, process, started);
            // An event the core parks logs a warning from the core itself (System.Logger): it must be JSON too.
            assertThat(sendParkedEvent(http)).isEqualTo(200);
            Await.until(
                    "the core logged the parked event",
                    () -> read(log).contains("evt_jar_stub")
                            && read(log).contains("\"logger_name\":\"dev.billing.core."));
            String output = stop(process, log);
            JsonNode ready = null;
            for (String line : output.split("\n")) {
                if (line.startsWith("{") && line.contains("serve ready")) {
                    ready = JSON.readTree(line);
                }
            }
            assertThat(ready).as(output).isNotNull();
            System.out.printf(
                    "serve (cold JVM): ready over HTTP after %d ms; store %d ms, server %d ms, JVM uptime "
                            + "at ready %d ms%n",
                    readyMs,
                    ready.path("storeMs").asLong(),
                    ready.path("serverMs").asLong(),
                    ready.path("jvmUptimeMs").asLong());
            assertThat(output)
                    .contains("billing server stopped")
                    .doesNotContain("whsec_jartestsecret")
                    .doesNotContain("\"level\":\"ERROR\"");
            assertEveryLineIsJson(output);
        }
    }

    /**
     * {@code BILLING_SHUTDOWN_DELAY_SECONDS}: after SIGTERM, readiness answers 503 while a webhook is still received
     * and recorded, and only then does the process stop, cleanly.
     */
    @Test
    void serveDrainsOnSigtermBeforeItStops() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("jardrain");
                StripeEmulator emulator = StripeEmulator.start(EmulatorOptions.defaults())) {
            int port = freePort();
            Path log = dir.resolve("drain.log");
            Map<String, String> env = new java.util.HashMap<>(serveEnv(db, emulator, port));
            env.put("BILLING_SHUTDOWN_DELAY_SECONDS", "10");
            Process process = launch(env, log, "serve");
            Http http = Http.local(port);
            awaitReady(http, process, System.nanoTime());
            process.destroy(); // SIGTERM
            Await.until(
                    "readiness answers 503 while the process drains",
                    () -> http.get("/health/ready", null).status() == 503);
            assertThat(process.isAlive()).as("still serving: the delay is 10 s").isTrue();
            Http.Response ready = http.get("/health/ready", null);
            assertThat(ready.json().path("error").path("message").asText()).isEqualTo("Not ready: shutting down.");
            assertThat(sendParkedEvent(http)).as("a webhook during the drain").isEqualTo(200);
            try (java.sql.Connection c = db.dataSource().getConnection();
                    java.sql.ResultSet rows = c.createStatement()
                            .executeQuery(
                                    "SELECT count(*) FROM billing.webhook_inbox WHERE event_id = 'evt_jar_stub'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).as("recorded during the drain").isEqualTo(1);
            }
            assertThat(process.waitFor(Await.DEFAULT.toSeconds() + 10, TimeUnit.SECONDS))
                    .as("stopped after the delay")
                    .isTrue();
            String output = read(log);
            assertThat(output)
                    .contains("billing server draining for 10 s")
                    .contains("billing server stopped")
                    .doesNotContain("\"level\":\"ERROR\"");
            assertThat(output.indexOf("draining")).isLessThan(output.indexOf("billing server stopping"));
        }
    }

    static Map<String, String> serveEnv(TestDatabase db, StripeEmulator emulator, int port) {
        return Map.of(
                "STRIPE_SECRET_KEY",
                emulator.apiKey(),
                "STRIPE_API_BASE",
                emulator.baseUrl(),
                "STRIPE_WEBHOOK_SECRET",
                "whsec_jartestsecret",
                "CLERK_ISSUER",
                "https://clerk.jar.test",
                "CLERK_JWT_KEY",
                KEY.publicKeyPem(),
                "DATABASE_URL",
                db.postgresUrl(),
                "BILLING_ALLOWED_ORIGINS",
                "https://app.example.com",
                "BILLING_HOST",
                "127.0.0.1",
                "PORT",
                Integer.toString(port));
    }

    /** A signed webhook for an invoice the core parks (it was deleted); the answer's status. */
    static int sendParkedEvent(Http http) {
        String event = "{\"id\":\"evt_jar_stub\",\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":"
                + Instant.now().getEpochSecond() + ",\"livemode\":false,\"data\":{\"object\":{\"id\":\"in_jar\","
                + "\"object\":\"invoice\",\"deleted\":true}}}";
        Http.Response answer = http.send(http.request("/webhooks/stripe")
                .header("Stripe-Signature", StripeSignature.header("whsec_jartestsecret", Instant.now(), event))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(event)));
        return answer.status();
    }

    /**
     * {@code BILLING_VIRTUAL_THREADS=true} on a JDK of 21 or later: a webhook (Jetty's handler API) and a route with a
     * path parameter (Javalin's) are served on the API's virtual threads, as their access lines show.
     */
    @Test
    void serveOnVirtualThreadsWithJava21OrLater() throws Exception {
        Path jdk = Jdks.atLeast(21);
        try (TestDatabase db = PostgresFixture.shared().newDatabase("jarvt");
                StripeEmulator emulator =
                        StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            int port = freePort();
            Path log = dir.resolve("serve-virtual.log");
            Map<String, String> env = new java.util.HashMap<>(serveEnv(db, emulator, port));
            env.put("BILLING_VIRTUAL_THREADS", "true");
            Process process = launch(jdk, env, log, null, "serve");
            Http http = Http.local(port);
            awaitReady(http, process, System.nanoTime());
            assertThat(sendParkedEvent(http)).isEqualTo(200);
            assertThat(http.post("/stripe/subscriptions/sub_none/cancel", null, "{}")
                            .status())
                    .isEqualTo(401);
            Await.until("both access lines are written", () -> access(read(log)).size() >= 2);
            String output = stop(process, log);
            assertThat(output).contains("billing server stopped").doesNotContain("\"level\":\"ERROR\"");
            List<JsonNode> lines = access(output);
            for (String route : List.of("/webhooks/stripe", "/stripe/subscriptions/{id}/cancel")) {
                assertThat(lines).as(output).anySatisfy(line -> {
                    assertThat(line.path("route").asText()).isEqualTo(route);
                    assertThat(line.path("thread_name").asText()).matches("billing-http-virtual-\\d+");
                });
            }
        }
    }

    /** The access log's lines in {@code output}, except the readiness polls. */
    static List<JsonNode> access(String output) {
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.contains("\"logger_name\":\"dev.billing.http.access\"") && !line.contains("/health/ready")) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
        }
        return lines;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void localWithJsonLogsKeepsStdoutJsonAndPrintsItsBannerOnStderr() throws Exception {
        int port = freePort();
        Path out = dir.resolve("local-json.out");
        Path err = dir.resolve("local-json.err");
        Process process = launch(
                Map.of("BILLING_LOG_FORMAT", "json"),
                out,
                err,
                "local",
                "--data-dir",
                dir.resolve("json-data").toString(),
                "--port",
                Integer.toString(port),
                "--stripe-port",
                Integer.toString(freePort()));
        awaitReady(Http.local(port), process, System.nanoTime());
        Await.until("the banner is printed", () -> read(err).contains("billing local mode is running"));

        String output = stop(process, out);

        assertThat(output).contains("billing server stopped");
        assertEveryLineIsJson(output);
        assertThat(read(err)).contains("TOKEN=$(curl");
    }

    @Test
    void localRunsFromAnEmptyDirectoryAndStopsEverythingOnSigterm() throws Exception {
        int port = freePort();
        int stripePort = freePort();
        Path data = dir.resolve("data");
        Path log = dir.resolve("local.log");
        long started = System.nanoTime();
        Process process = launch(
                Map.of(),
                log,
                "local",
                "--data-dir",
                data.toString(),
                "--port",
                Integer.toString(port),
                "--stripe-port",
                Integer.toString(stripePort));
        Http http = Http.local(port);
        long readyMs = awaitReady(http, process, started);
        Http.Response token = http.post("/local/token", null, "{\"userId\":\"user_jar\"}");
        assertThat(token.status()).isEqualTo(200);
        assertThat(http.post("/stripe/customer", token.json().path("token").asText(), null)
                        .status())
                .isEqualTo(200);
        String output = stop(process, log);
        System.out.printf("local (cold JVM, empty data dir): ready over HTTP after %d ms%n", readyMs);
        assertThat(output)
                .contains("billing local mode is running")
                .contains("TOKEN=$(curl")
                .contains("billing server stopped");
        // Postgres was stopped too: the data directory can be used again at once; the emulator wrote its state on
        // the way down, so the customer is known without being re-created
        try (LocalMode again = LocalFixture.startLocal(new LocalMode.Options(data, 0, 0, Map.of()))) {
            assertThat(again.stripeStateRestored()).isTrue();
            assertThat(again.restoredCustomers()).isZero();
            assertThat(again.startupReconcile().customers()).isEqualTo(1);
        }
    }
}

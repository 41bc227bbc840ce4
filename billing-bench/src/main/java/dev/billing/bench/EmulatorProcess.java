package dev.billing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Stripe emulator in a JVM of its own, as Stripe is another machine for a real server: the CPU it spends
 * answering re-fetches, and the collection of every object and event it keeps, stay out of the server JVM's figures
 * (they count as other processes; docs/BENCHMARKS_HISTORY.md, "The Stripe emulator in its own JVM").
 */
final class EmulatorProcess implements AutoCloseable {
    static final String API_KEY = "sk_test_bench_emulator";
    private static final Pattern LISTENING = Pattern.compile("Stripe emulator listening on (\\S+)");
    /** A path segment that is an object id: a short lowercase prefix, an underscore, then the id's characters. */
    private static final Pattern OBJECT_ID = Pattern.compile("/[a-z]{2,5}_[A-Za-z0-9_]{6,}(?=/|$)");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String baseUrl;
    private final Path log;
    private final Thread stopOnExit;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EmulatorProcess(Process process, String baseUrl, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
        // A bench stopped with Ctrl-C must not leave the emulator running.
        this.stopOnExit = new Thread(process::destroy, "bench-emulator-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts {@code dev.billing.emulator.Main} with the sample catalog on a free port, from this JVM's class path,
     * and returns once it says where it listens.
     *
     * @throws IllegalStateException when it exits or says nothing within {@code timeout} (its log is named)
     */
    static EmulatorProcess start(Path logDir, Duration timeout) {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = logDir.resolve("stripe-emulator.log");
        List<String> command = List.of(
                java,
                "-Dsun.net.httpserver.nodelay=true", // Nagle: ~40 ms per call
                "-cp",
                System.getProperty("java.class.path"),
                "dev.billing.emulator.Main",
                "--port",
                "0",
                "--sample-seed",
                "--api-key",
                API_KEY);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Could not start the Stripe emulator's JVM (" + java + "): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String url = listeningOn(log);
            if (url != null) {
                return new EmulatorProcess(process, url, log);
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("The Stripe emulator did not start "
                        + (process.isAlive()
                                ? "within " + timeout.toSeconds() + " s"
                                : "(exit " + process.exitValue() + ")")
                        + ": see " + log);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // polling another process's log
        }
    }

    /** The URL of the emulator's "listening on" line in {@code log}, or null before it is written. */
    static String listeningOn(Path log) {
        try {
            Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        } catch (IOException notYet) {
            return null;
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Forgets the API requests served so far (not the objects): the next {@link #calls()} counts from here. */
    void forgetRequests() {
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/_emulator/requests"))
                .timeout(Duration.ofSeconds(60))
                .DELETE()
                .build());
    }

    /**
     * The API requests served since the last {@link #forgetRequests()} (or reset), counted by method and path with
     * object ids as {@code {id}}: {@code "GET /v1/subscriptions/{id}" -> 2500}.
     */
    Map<String, Long> calls() {
        String body = send(HttpRequest.newBuilder(URI.create(baseUrl + "/_emulator/requests"))
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build());
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (JsonNode r : JSON.readTree(body).path("requests")) {
                counts.merge(
                        r.path("method").asText() + " " + route(r.path("path").asText()), 1L, Long::sum);
            }
        } catch (IOException e) {
            throw new IllegalStateException("The Stripe emulator's request log is not JSON (see " + log + ")", e);
        }
        return counts;
    }

    /** A request path with its object ids as {@code {id}}: {@code /v1/subscriptions/sub_1Ab} -> {@code .../{id}}. */
    static String route(String path) {
        String withoutQuery = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return OBJECT_ID.matcher(withoutQuery).replaceAll("/{id}");
    }

    private String send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("The Stripe emulator refused " + request.method() + " "
                        + request.uri().getPath() + ": HTTP " + r.statusCode() + " (see " + log + ")");
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "The Stripe emulator did not answer: " + e.getMessage() + " (see " + log + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the Stripe emulator", e);
        }
    }

    String apiKey() {
        return API_KEY;
    }

    long pid() {
        return process.pid();
    }

    /** Forgets every object, event and request (its control API), keeping the sample catalog. */
    void reset() {
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/_emulator/reset"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /** Stops it as a terminal would (its shutdown hook closes it), forcibly after 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}

package dev.billing.testkit.supabase;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgREST child process configured only by environment variables (nothing inherited from ours), its
 * output appended to a log file, readiness taken from the admin server's {@code /ready}.
 */
final class PostgrestProcess {

    static final String SCHEMA_CACHE_LOADED = "Schema cache loaded";
    private static final Logger LOG = LoggerFactory.getLogger(PostgrestProcess.class);

    private final Path binary;
    private final Map<String, String> environment;
    private final Path logFile;
    private final int port;
    private final int adminPort;
    private final Duration startupTimeout;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    private Process process;

    PostgrestProcess(
            Path binary,
            Map<String, String> environment,
            Path logFile,
            int port,
            int adminPort,
            Duration startupTimeout) {
        this.binary = binary;
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
        this.port = port;
        this.adminPort = adminPort;
        this.startupTimeout = startupTimeout;
    }

    synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(binary.toString());
            builder.environment().clear();
            builder.environment().putAll(environment);
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start PostgREST from " + binary, e);
        }
        awaitReady();
        LOG.info(
                "PostgREST ready on 127.0.0.1:{} in {} ms (log: {})",
                port,
                (System.nanoTime() - t0) / 1_000_000,
                logFile);
    }

    synchronized void stop() {
        if (process == null) {
            return;
        }
        Process running = process;
        process = null;
        running.destroy();
        try {
            if (!running.waitFor(5, TimeUnit.SECONDS)) {
                running.destroyForcibly();
                running.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            running.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    int port() {
        return port;
    }

    Path logFile() {
        return logFile;
    }

    /** How many times the log says the schema cache was (re)loaded. */
    long schemaCacheLoads() {
        return logLines().stream().filter(l -> l.contains(SCHEMA_CACHE_LOADED)).count();
    }

    List<String> logLines() {
        try {
            return Files.exists(logFile) ? Files.readAllLines(logFile, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    String logTail(int lines) {
        List<String> all = logLines();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private void awaitReady() {
        URI ready = URI.create("http://127.0.0.1:" + adminPort + "/ready");
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        int lastStatus = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                int exit = process.exitValue();
                process = null;
                throw new IllegalStateException("PostgREST exited with status " + exit + " while starting. Log "
                        + logFile + ":\n" + logTail(30));
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(ready)
                                .timeout(Duration.ofSeconds(1))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                lastStatus = response.statusCode();
                if (lastStatus == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("Interrupted while waiting for PostgREST", e);
            }
            sleep(50);
        }
        stop();
        throw new IllegalStateException("PostgREST was not ready within " + startupTimeout.toMillis()
                + " ms (last /ready status " + lastStatus + "). Log " + logFile + ":\n" + logTail(30));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}

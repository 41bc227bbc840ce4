package dev.billing.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code serve}'s start-up as an operator sees it: a new JVM ({@code java -Xmx256m -cp <billing-server.jar>
 * dev.billing.server.Main serve}, the same environment as the bench's server) against the already running
 * Postgres and Stripe emulator, timed from just before the process is spawned to the first {@code 200} from
 * {@code GET /health/ready} (polled every 5 ms). JVM start-up, class loading, the pool, Flyway's check of an
 * up-to-date schema, wiring and the first readiness round trip to Postgres and Stripe are all inside.
 */
final class StartupScenario {
    private static final Pattern READY =
            Pattern.compile("serve ready: store (\\d+) ms, server (\\d+) ms, JVM up (\\d+) ms");

    /** One start: to ready, and what the server itself logged. */
    record Start(Duration toReady, long storeMs, long serverMs, long jvmUpMs) {}

    /** The archive file a training start writes into {@code logDir} (docs/OPERATIONS.md, faster start-up). */
    static final String ARCHIVE = "billing-serve.jsa";

    /**
     * {@code runs} starts with an application class-data archive, as docs/OPERATIONS.md describes: one training
     * start first (not measured) with {@code -XX:ArchiveClassesAtExit}, which writes the archive when it is stopped,
     * then every start with {@code -XX:SharedArchiveFile}.
     */
    static List<Start> runWithArchive(BenchEnvironment env, int runs, List<String> jvmOptions, Path logDir)
            throws IOException, InterruptedException {
        String directories = directoriesOnClasspath(classpath(env));
        if (directories != null) {
            throw new ArchiveUnavailable("the class path has directories (" + directories + "); a class-data "
                    + "archive holds classes from jars only: run billing-bench.jar, or pass --server-jar");
        }
        Path archive = logDir.resolve(ARCHIVE);
        Files.deleteIfExists(archive);
        List<String> training = new ArrayList<>(jvmOptions);
        training.add("-XX:ArchiveClassesAtExit=" + archive);
        run(env, 1, training, logDir, "bench-startup-training");
        if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
            throw new ArchiveUnavailable("the training start wrote no class-data archive at " + archive + " (see "
                    + logDir.resolve("bench-startup-training-0.log") + ")");
        }
        List<String> shared = new ArrayList<>(jvmOptions);
        shared.add("-XX:SharedArchiveFile=" + archive);
        return run(env, runs, shared, logDir, "bench-startup-archive");
    }

    private StartupScenario() {}

    static List<Start> run(BenchEnvironment env, int runs, List<String> jvmOptions, Path logDir)
            throws IOException, InterruptedException {
        return run(env, runs, jvmOptions, logDir, "bench-startup");
    }

    /** Why the starts with a class-data archive could not be measured. */
    static final class ArchiveUnavailable extends RuntimeException {
        ArchiveUnavailable(String message) {
            super(message);
        }
    }

    /** The class path's directories, or null when it has only files (jars). */
    private static String directoriesOnClasspath(String classpath) {
        List<String> directories = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isDirectory(Path.of(entry))) {
                directories.add(entry);
            }
        }
        return directories.isEmpty() ? null : String.join(", ", directories);
    }

    private static List<Start> run(BenchEnvironment env, int runs, List<String> jvmOptions, Path logDir, String logName)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = classpath(env);
        List<Start> starts = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            int port = BenchEnvironment.freePort();
            Map<String, String> serverEnv = env.serverEnv(false, port);
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(classpath);
            command.add("dev.billing.server.Main");
            command.add("serve");
            Path log = logDir.resolve(logName + "-" + run + ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(serverEnv);
            byte[] ready = ("GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            long t0 = System.nanoTime();
            Process process = builder.start();
            try {
                long readyAt = -1;
                long deadline = t0 + TimeUnit.MINUTES.toNanos(5); // a hang, not a slow machine
                while (System.nanoTime() < deadline && process.isAlive()) {
                    try (LeanHttpConnection c = new LeanHttpConnection(new InetSocketAddress("127.0.0.1", port))) {
                        if (c.exchange(ready, 0, ready.length) == 200) {
                            readyAt = System.nanoTime();
                            break;
                        }
                    } catch (IOException notYet) {
                        // not listening yet
                    }
                    Thread.sleep(5);
                }
                if (readyAt < 0) {
                    throw new IllegalStateException("serve did not become ready (see " + log + ")");
                }
                Thread.sleep(200); // let the ready line reach the log
                long[] logged = logged(log);
                starts.add(new Start(Duration.ofNanos(readyAt - t0), logged[0], logged[1], logged[2]));
            } finally {
                process.destroy(); // SIGTERM: the graceful stop
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
        return starts;
    }

    /** The server jar's path when one was given, else this process's class path (it holds the server). */
    private static String classpath(BenchEnvironment env) {
        Path jar = env.options().serverJar();
        return jar != null ? jar.toAbsolutePath().toString() : System.getProperty("java.class.path");
    }

    private static long[] logged(Path log) throws IOException {
        Matcher m = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
            return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
        }
        return new long[] {-1, -1, -1};
    }
}

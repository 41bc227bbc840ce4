package dev.billing.bench;

import dev.billing.server.ConfigException;
import dev.billing.server.LocalKeys;
import dev.billing.server.Logs;
import dev.billing.server.ServeMode;
import dev.billing.server.ServerConfig;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code billing-bench}: the benchmark (docs/BENCHMARKS.md). Exit 0 when every exactly-once check passed,
 * 1 on any discrepancy, 2 on a usage error. Targets are reported, not enforced (they depend on the machine).
 */
@Command(
        name = "billing-bench",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Measure the server on this machine: the database's durable-insert ceiling, "
                + "webhook ingest (durable and processed, checked exactly once), entitlements, the catalog, start-up. "
                + "Everything runs in this process without network unless --server-url / --database-url are given.")
final class BenchCommand implements Callable<Integer> {
    private final Map<String, String> env;
    private final PrintStream out;

    BenchCommand(Map<String, String> env, PrintStream out) {
        this.env = env;
        this.out = out;
    }

    @Option(
            names = "--scenarios",
            split = ",",
            description = "Which scenarios: startup, ceiling, ingest, "
                    + "entitlements, catalog (default: these five), analytics (100,000 subscriptions; only when named), "
                    + "growth (the hot paths as the store grows to --growth-steps; only when named).")
    List<String> scenarios;

    @Option(
            names = "--concurrency",
            split = ",",
            description = "Concurrent senders for the ceiling and ingest " + "(default: 16,64).")
    List<Integer> concurrency;

    @Option(names = "--events", description = "Unique events per ingest run (default: 30000).")
    Integer events;

    @Option(
            names = "--versions",
            description = "Updates per subscription in ingest (default: 4; 0: customer.created events only).")
    Integer versions;

    @Option(names = "--refetch", split = ",", description = "Ingest with re-fetch off, on, or both (default: off,on).")
    List<String> refetch;

    @Option(names = "--users", description = "Signed-in users for the read scenarios (default: 1000).")
    Integer users;

    @Option(names = "--read-connections", description = "Connections for the read scenarios (default: 64).")
    Integer readConnections;

    @Option(names = "--duration", description = "Measured time of the ceiling and read scenarios (default: 15s).")
    String duration;

    @Option(names = "--warmup", description = "Warm-up before each timed scenario (default: 5s).")
    String warmup;

    @Option(
            names = "--jit-settle",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Wait after each warm-up until the JIT is quiet (default: on). --no-jit-settle makes every "
                    + "warm-up exactly --warmup long: for smoke runs whose figures mean nothing.")
    boolean jitSettle;

    @Option(
            names = "--warmup-events",
            description = "Events of the (checked, not reported) ingest warm-up "
                    + "(default: 10000 per round; rounds alternate the fewest and the most connections until the JIT settled; "
                    + "0 skips it).")
    Integer warmupEvents;

    @Option(
            names = "--startup-runs",
            description = "How many times serve is started in a new JVM, with the default JVM "
                    + "and again with a class-data archive written by one training start (default: 3 each).")
    Integer startupRuns;

    @Option(
            names = "--server-url",
            description = "Measure an external running server (http://host:port) instead "
                    + "of one in this process; needs --database-url, --webhook-secret, --token-key and --token-issuer.")
    String serverUrl;

    @Option(
            names = "--server-pid",
            description = "External server: the process whose CPU counts as the server's (default: the process "
                    + "listening on --server-url's port when that is on this machine; else the figure is unavailable).")
    Long serverPid;

    @Option(
            names = "--database-url",
            description = "The Postgres for the ceiling and the server (default: an "
                    + "embedded durable Postgres in a temporary directory).")
    String databaseUrl;

    @Option(names = "--webhook-secret", description = "External server: its STRIPE_WEBHOOK_SECRET.")
    String webhookSecret;

    @Option(
            names = "--token-key",
            description = "External server: a PKCS#8 PEM file with the RSA private key whose "
                    + "public half is the server's CLERK_JWT_KEY (session tokens are minted with it).")
    Path tokenKey;

    @Option(names = "--token-issuer", description = "External server: its CLERK_ISSUER.")
    String tokenIssuer;

    @Option(
            names = "--stripe-api-base",
            description = "External server with re-fetch on: the Stripe emulator it "
                    + "uses (subscriptions are created there first).")
    String stripeApiBase;

    @Option(names = "--stripe-secret-key", description = "External server: the emulator's API key.")
    String stripeSecretKey;

    @Option(
            names = "--generator",
            description = "How the load generator drives its connections: nio (one "
                    + "event-loop thread, default) or blocking (one thread per connection).")
    String generator;

    @Option(
            names = "--growth-steps",
            description = "The growth scenario's sizes, customers:events per step, each adding to the last "
                    + "(default: 10k:10k,100k:100k,1m:1m,1m:10m).")
    String growthSteps;

    @Option(names = "--json", description = "Also write the report as JSON to this file.")
    Path json;

    @Option(
            names = "--data-dir",
            description =
                    "Keep the embedded Postgres data here (default: a temporary " + "directory, deleted afterwards).")
    Path dataDir;

    @Option(
            names = "--server-jar",
            description =
                    "The billing-server.jar whose start-up is measured (default: " + "the server classes in this jar).")
    Path serverJar;

    @Option(
            names = "--log-dir",
            description = "Where the server's log lines go during the bench, kept (default: a "
                    + "temporary directory, printed in the report, deleted after a run in which every check passed).")
    Path logDir;

    @Option(
            names = "--allow-non-durable",
            description = "Measure even when the database does not flush commits "
                    + "(fsync or synchronous_commit off); the report shows the settings.")
    boolean allowNonDurable;

    @Option(
            names = "--virtual-threads",
            description = "The in-process server serves requests on virtual threads "
                    + "(BILLING_VIRTUAL_THREADS; Java 21 or later).")
    boolean virtualThreads;

    @Option(
            names = "--drop-one-event",
            hidden = true,
            description = "Self-test: never send one event of the first "
                    + "ingest run, so the exactly-once check must fail.")
    boolean dropOneEvent;

    @Override
    public Integer call() throws Exception {
        dev.billing.server.Main.logFormat(env, "JSON");
        BenchOptions options = options();
        JitWarmup.settle(jitSettle);
        boolean temporaryLogs = options.logDir() == null;
        Path logs = temporaryLogs ? Files.createTempDirectory("billing-bench-") : options.logDir();
        Files.createDirectories(logs);
        options = options.withOutput(options.json(), logs);
        PrintStream report = out;
        PrintStream original = System.out;
        boolean passed = false;
        // The server logs one JSON line per request to stdout, as in production; here stdout goes to a file so
        // the report stays readable (same encoder, same batched writes).
        try (PrintStream serverLog = new PrintStream(
                new BufferedOutputStream(
                        new FileOutputStream(logs.resolve("server.log").toFile(), true), 8192),
                true,
                java.nio.charset.StandardCharsets.UTF_8)) {
            System.setOut(serverLog);
            BenchReport result = Bench.run(
                    options,
                    report,
                    env -> ServeMode.start(ServerConfig.fromEnv(env), dev.billing.server.Main.version()));
            passed = result.checksPassed();
            return passed ? Main.OK : Main.FAILED;
        } finally {
            awaitLogQueue();
            System.setOut(original);
            // A full run leaves hundreds of MB of access log: a temporary directory goes when there is nothing to
            // look into; a failed run keeps it, and --log-dir always does.
            if (temporaryLogs && passed) {
                deleteTree(logs);
                report.println("logs deleted: " + logs + " (every check passed; --log-dir keeps them)");
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Lets the asynchronous appender write what the server logged before stdout is given back. */
    private static void awaitLogQueue() {
        Logs.awaitWritten(Duration.ofSeconds(5));
    }

    private BenchOptions options() throws IOException {
        BenchOptions d = BenchOptions.defaults();
        List<String> problems = new ArrayList<>();
        Set<BenchOptions.Scenario> selected = d.scenarios();
        if (scenarios != null) {
            selected = EnumSet.noneOf(BenchOptions.Scenario.class);
            for (String s : scenarios) {
                try {
                    selected.add(BenchOptions.Scenario.valueOf(s.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    problems.add("--scenarios: unknown scenario '" + s + "' (startup, ceiling, ingest, entitlements, "
                            + "catalog, analytics, growth)");
                }
            }
        }
        List<Boolean> refetches = d.refetch();
        if (refetch != null) {
            refetches = new ArrayList<>();
            for (String r : refetch) {
                switch (r.strip().toLowerCase(Locale.ROOT)) {
                    case "off", "false" -> refetches.add(false);
                    case "on", "true" -> refetches.add(true);
                    default -> problems.add("--refetch: off or on, not '" + r + "'");
                }
            }
        }
        List<Integer> conc = concurrency == null ? d.concurrency() : concurrency;
        if (conc.isEmpty() || conc.stream().anyMatch(c -> c < 1 || c > 1024)) {
            problems.add("--concurrency: between 1 and 1024");
        }
        positive(problems, "--events", events);
        if (versions != null && versions < 0) {
            problems.add("--versions: must be 0 or more");
        }
        positive(problems, "--users", users);
        positive(problems, "--read-connections", readConnections);
        LocalKeys key = null;
        if (serverPid != null && (serverUrl == null || serverPid <= 0)) {
            problems.add("--server-pid needs --server-url and a process id above 0");
        }
        if (serverUrl != null) {
            if (databaseUrl == null) {
                problems.add("--server-url needs --database-url (the server's database: the ceiling runs there and "
                        + "the exactly-once check reads it)");
            }
            if (webhookSecret == null) {
                problems.add("--server-url needs --webhook-secret");
            }
            if (tokenKey == null || tokenIssuer == null) {
                problems.add("--server-url needs --token-key and --token-issuer");
            } else {
                try {
                    key = LocalKeys.read(tokenKey, tokenIssuer, java.time.Clock.systemUTC());
                } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                    problems.add("--token-key: not a PKCS#8 RSA private key PEM (" + e.getMessage() + ")");
                }
            }
        }
        BenchOptions.Generator gen = d.generator();
        if (generator != null) {
            try {
                gen = BenchOptions.Generator.valueOf(generator.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("--generator: nio or blocking, not '" + generator + "'");
            }
        }
        if (virtualThreads && Runtime.version().feature() < 21) {
            problems.add("--virtual-threads: needs Java 21 or later; this JVM is Java "
                    + Runtime.version().feature());
        }
        List<GrowthStep> growth = d.growth();
        if (growthSteps != null) {
            try {
                growth = GrowthStep.parse(growthSteps);
            } catch (IllegalArgumentException e) {
                problems.add("--growth-steps: " + e.getMessage());
            }
        }
        Duration dur = duration(problems, "--duration", duration, d.duration());
        Duration warm = duration(problems, "--warmup", warmup, d.warmup());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new BenchOptions(
                selected,
                conc,
                events == null ? d.events() : events,
                versions == null ? d.versions() : versions,
                d.duplicates(),
                d.reordered(),
                refetches,
                users == null ? d.users() : users,
                readConnections == null ? d.readConnections() : readConnections,
                dur,
                warm,
                warmupEvents == null ? d.warmupEvents() : Math.max(0, warmupEvents),
                startupRuns == null ? d.startupRuns() : Math.max(0, startupRuns),
                d.startupJvmOptions(),
                serverJar,
                serverUrl,
                serverPid == null ? 0 : serverPid,
                databaseUrl,
                webhookSecret,
                key,
                tokenIssuer,
                stripeApiBase,
                stripeSecretKey,
                json,
                dataDir,
                logDir,
                allowNonDurable,
                dropOneEvent,
                d.drainTimeout(),
                gen,
                virtualThreads,
                growth);
    }

    private static void positive(List<String> problems, String name, Integer value) {
        if (value != null && value < 1) {
            problems.add(name + ": must be at least 1");
        }
    }

    private static Duration duration(List<String> problems, String name, String value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            problems.add(name + ": a duration such as 15s, 500ms or 2m");
            return fallback;
        }
    }
}

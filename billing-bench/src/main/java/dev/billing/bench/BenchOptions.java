package dev.billing.bench;

import dev.billing.server.LocalKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@code billing-bench} runs (see {@code docs/BENCHMARKS.md}). Built by the CLI ({@code BenchCommand}) from
 * {@link #defaults()} and the arguments; tests run the CLI with small counts.
 */
public record BenchOptions(
        Set<Scenario> scenarios,
        List<Integer> concurrency,
        int events,
        int versions,
        double duplicates,
        double reordered,
        List<Boolean> refetch,
        int users,
        int readConnections,
        Duration duration,
        Duration warmup,
        int warmupEvents,
        int startupRuns,
        List<String> startupJvmOptions,
        Path serverJar,
        String serverUrl,
        long serverPid,
        String databaseUrl,
        String webhookSecret,
        LocalKeys tokenKey,
        String tokenIssuer,
        String stripeApiBase,
        String stripeSecretKey,
        Path json,
        Path dataDir,
        Path logDir,
        boolean allowNonDurable,
        boolean dropEvent,
        Duration drainTimeout,
        Generator generator,
        boolean virtualThreads,
        List<GrowthStep> growth) {

    /** The scenarios, in the order they run. */
    public enum Scenario {
        STARTUP,
        CEILING,
        INGEST,
        ENTITLEMENTS,
        CATALOG,
        ANALYTICS,
        GROWTH
    }

    /** How the load generator drives its connections. */
    public enum Generator {
        /** One event-loop thread for every connection (the default: the cheapest for the machine). */
        NIO,
        /** One blocking thread per connection. */
        BLOCKING
    }

    public BenchOptions {
        scenarios = scenarios.isEmpty() ? EnumSet.noneOf(Scenario.class) : EnumSet.copyOf(scenarios);
        concurrency = List.copyOf(concurrency);
        refetch = List.copyOf(refetch);
        growth = List.copyOf(growth);
        startupJvmOptions = List.copyOf(startupJvmOptions);
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(generator, "generator");
    }

    /** The full run documented in docs/BENCHMARKS.md. */
    public static BenchOptions defaults() {
        return new BenchOptions(
                EnumSet.complementOf(EnumSet.of(Scenario.ANALYTICS, Scenario.GROWTH)),
                List.of(16, 64),
                30_000,
                4,
                0.10,
                0.10,
                List.of(false, true),
                1_000,
                64,
                Duration.ofSeconds(15),
                Duration.ofSeconds(5),
                10_000,
                3,
                List.of("-Xmx256m"),
                null,
                null,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                false,
                Duration.ofMinutes(3),
                Generator.NIO,
                false,
                GrowthStep.DEFAULTS);
    }

    public BenchOptions withOutput(Path jsonValue, Path logDirValue) {
        return new BenchOptions(
                scenarios,
                concurrency,
                events,
                versions,
                duplicates,
                reordered,
                refetch,
                users,
                readConnections,
                duration,
                warmup,
                warmupEvents,
                startupRuns,
                startupJvmOptions,
                serverJar,
                serverUrl,
                serverPid,
                databaseUrl,
                webhookSecret,
                tokenKey,
                tokenIssuer,
                stripeApiBase,
                stripeSecretKey,
                jsonValue,
                dataDir,
                logDirValue,
                allowNonDurable,
                dropEvent,
                drainTimeout,
                generator,
                virtualThreads,
                growth);
    }

    /** The server jar whose start-up is measured (null: this process's own class path). */
    /** The in-process server serves requests on virtual threads ({@code BILLING_VIRTUAL_THREADS}; Java 21+). */
    /** The sizes the growth scenario fills the store to, in order. */
    boolean external() {
        return serverUrl != null;
    }
}

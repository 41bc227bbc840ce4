package dev.billing.bench;

import static dev.billing.bench.Bench.ceilingRun;
import static dev.billing.bench.Bench.min;
import static dev.billing.bench.Bench.onOff;
import static dev.billing.bench.Bench.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The webhook ingest scenario as {@link Bench} runs it for each re-fetch setting: warm-up rounds until the server's
 * CPU per event settled, the warm-up events deleted from the inbox again, then each mix at each connection count
 * measured between two ceiling probes. Each run is an {@link IngestScenario}; its figures, checks and notes go into
 * the report.
 */
final class IngestRuns {
    /** The longest ingest warm-up: past it, the runs are measured and the report says the CPU had not settled. */
    static final Duration INGEST_WARMUP_MAX = Duration.ofSeconds(180);
    /**
     * Each measured ingest run's own ceiling, the mean of two {@link Ceiling#probe}s (just before and just after it):
     * each at most this long, after this warm-up.
     */
    static final Duration CEILING_PROBE = Duration.ofSeconds(5);

    static final Duration CEILING_PROBE_WARMUP = Duration.ofSeconds(1);
    static final Duration WARMUP_PROBE = Duration.ofSeconds(1);

    private final BenchEnvironment env;
    private final BenchOptions options;
    private final BenchReport report;
    private final PrintStream out;
    private final String runId;
    /** The event the ceiling probes insert. */
    private final String payload;
    /** The ceiling scenario's inserts per second by connection count. */
    private final Map<Integer, Double> ceilings;

    private final DiskSync disk;
    private final StripeEvents events;
    /** Measured runs so far, under either re-fetch setting: numbers their events, and only the first drops one. */
    private int run;

    IngestRuns(
            BenchEnvironment env,
            BenchOptions options,
            BenchReport report,
            PrintStream out,
            String runId,
            String payload,
            Map<Integer, Double> ceilings,
            DiskSync disk) {
        this.env = env;
        this.options = options;
        this.report = report;
        this.out = out;
        this.runId = runId;
        this.payload = payload;
        this.ceilings = ceilings;
        this.disk = disk;
        this.events = new StripeEvents(env.webhookSecret());
    }

    /** Warms up, then measures, with re-fetch {@code refetch}: the server must already run with that setting. */
    void warmUpAndMeasure(boolean refetch) {
        warmUp(refetch);
        measure(refetch);
    }

    private void warmUp(boolean refetch) {
        int maxConnections =
                options.concurrency().stream().mapToInt(Integer::intValue).max().orElse(16);
        int minConnections =
                options.concurrency().stream().mapToInt(Integer::intValue).min().orElse(16);
        // Warm-up rounds (checked like the others, not reported as figures) until the server's CPU per
        // event settled (CpuSettle). They alternate between the fewest and the most connections: with
        // few, events are processed inline in the request; with many, mostly by the worker; both paths
        // must be compiled before measuring. At least two rounds at each count; then the warm-up events
        // leave the inbox again.
        long warmupDeadline = System.nanoTime() + INGEST_WARMUP_MAX.toNanos();
        String warmupPrefix = runId + "w" + onOff(refetch);
        int minRounds = minConnections == maxConnections ? 2 : 4;
        List<Integer> counts =
                minConnections == maxConnections ? List.of(minConnections) : List.of(minConnections, maxConnections);
        // Without the server's CPU (an external server not found on this machine) the rounds settle on throughput.
        boolean cpuKnown = CpuMeter.serverKnown();
        boolean ownJit = CpuMeter.serverInThisJvm();
        CpuSettle settle = cpuKnown ? new CpuSettle() : new CpuSettle(" events/s");
        boolean settled = false;
        int lastRound = 0;
        for (int round = 0; options.warmupEvents() > 0; round++) {
            lastRound = round;
            int connections = round % 2 == 0 ? minConnections : maxConnections;
            progress(
                    out,
                    "ingest warm-up " + (round + 1) + ", refetch " + onOff(refetch) + ", " + connections
                            + " connections");
            // Each measured run follows a ceiling probe, whose inserts run the driver's code the
            // server runs: so does each warm-up round, or the JIT recompiles it under the measured run.
            Ceiling.probe(env, connections, Duration.ZERO, min(WARMUP_PROBE, options.duration()), payload);
            long jit0 = JitWarmup.compileMillis();
            long t0 = System.nanoTime();
            BenchReport.IngestRun warm = ingest(
                    env,
                    options,
                    events,
                    warmupPrefix + round,
                    "warm-up",
                    refetch,
                    connections,
                    options.warmupEvents(),
                    options.duplicates(),
                    options.reordered(),
                    false,
                    ceilings);
            report.warmups.add(warm);
            // The compilers' elapsed time (all threads together, waits for a core included) per round:
            // how far the JIT still is from settled.
            long jitMillis = jit0 < 0 || !ownJit ? -1 : JitWarmup.compileMillis() - jit0;
            long roundMillis = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
            settle.add(
                    connections,
                    cpuKnown ? warm.cpu().serverMicrosPerRequest() : warm.processedPerSecond(),
                    jitMillis < 0 ? -1 : (double) jitMillis / roundMillis);
            out.println((cpuKnown
                            ? String.format(
                                    Locale.ROOT,
                                    "           server CPU %.0f µs per event",
                                    warm.cpu().serverMicrosPerRequest())
                            : String.format(
                                    Locale.ROOT,
                                    "           %.0f events processed per second (the server's CPU is unknown)",
                                    warm.processedPerSecond()))
                    + (jitMillis < 0
                            ? ""
                            : "; the JIT compiled for " + jitMillis + " ms (all compiler threads) during the round's "
                                    + roundMillis + " ms"));
            if (round + 1 >= minRounds && (!JitWarmup.settling() || settle.settled(counts))) {
                settled = true;
                break;
            }
            if (System.nanoTime() > warmupDeadline) {
                break;
            }
        }
        if (options.warmupEvents() > 0) {
            String jit = settle.describeJit();
            report.notes.add("ingest warm-up, refetch " + onOff(refetch) + ": "
                    + (cpuKnown ? "server CPU per event" : "events processed per second (the server's CPU unknown)")
                    + " by round, " + settle.describe()
                    + (jit.isEmpty() ? "" : "; the JIT's compile time over each round's time, " + jit)
                    + (settled
                            ? ""
                            : "; NOT settled within " + INGEST_WARMUP_MAX.toSeconds()
                                    + " s (figures of the measured runs may still fall)"));
        }
        if (options.warmupEvents() > 0) {
            long forgotten = IngestScenario.forget(env, warmupPrefix, warmupPrefix + lastRound);
            report.notes.add("ingest warm-up, refetch " + onOff(refetch) + ": " + forgotten
                    + " warm-up events deleted from the inbox (the last round's kept) and the inbox"
                    + " vacuumed and analyzed, and the database checkpointed, before the measured runs");
        }
    }

    private void measure(boolean refetch) {
        for (String mix : List.of("unique", "10% dup + 10% reordered")) {
            boolean mixed = !mix.equals("unique");
            for (int c : options.concurrency()) {
                progress(out, "ceiling before the run: " + c + " JDBC connections inserting");
                BenchReport.CeilingRun before = probe(env, options, c, payload);
                // The probe's writes are flushed before the run starts, not by a checkpoint within it.
                IngestScenario.checkpoint(env);
                progress(out, "ingest " + mix + ", refetch " + onOff(refetch) + ", " + c + " connections");
                disk.sync();
                long jit0 = JitWarmup.compileMillis();
                BenchReport.IngestRun measured = ingest(
                        env,
                        options,
                        events,
                        runId + "r" + (run++),
                        mix,
                        refetch,
                        c,
                        options.events(),
                        mixed ? options.duplicates() : 0,
                        mixed ? options.reordered() : 0,
                        options.dropEvent() && run == 1,
                        ceilings);
                if (jit0 >= 0 && CpuMeter.serverInThisJvm()) {
                    // What the JIT still compiled during a measured run is in its server CPU per event.
                    report.notes.add(String.format(
                            Locale.ROOT,
                            "ingest %s, refetch %s, %d connections: "
                                    + "server CPU %.0f µs per event; the JIT compiled for %d ms (all compiler "
                                    + "threads) during the run",
                            mix,
                            onOff(refetch),
                            c,
                            measured.cpu().serverMicrosPerRequest(),
                            JitWarmup.compileMillis() - jit0));
                }
                if (measured.closingPostgresMicrosPerEvent() >= 0) {
                    report.notes.add(String.format(
                            Locale.ROOT,
                            "ingest %s, refetch %s, %d connections: Postgres CPU %.0f µs per event, of which %.0f "
                                    + "the run's closing VACUUM (ANALYZE) and CHECKPOINT (a cost per run: fewer µs "
                                    + "per event with more --events)",
                            mix,
                            onOff(refetch),
                            c,
                            measured.cpu().postgresMicrosPerRequest(),
                            measured.closingPostgresMicrosPerEvent()));
                }
                // The run ended with a checkpoint of its own: the probe after it starts as the one before.
                progress(out, "ceiling after the run: " + c + " JDBC connections inserting");
                BenchReport.CeilingRun after = probe(env, options, c, payload);
                report.ingest.add(measured.withCeilingProbes(before, after));
            }
        }
    }

    private static BenchReport.IngestRun ingest(
            BenchEnvironment env,
            BenchOptions options,
            StripeEvents events,
            String prefix,
            String mix,
            boolean refetch,
            int connections,
            int eventCount,
            double duplicates,
            double reordered,
            boolean drop,
            Map<Integer, Double> ceilings) {
        int customers = Math.max(1, eventCount / (1 + options.versions()));
        List<String> subscriptions = null;
        if (refetch && options.versions() > 0) {
            List<String> customerIds = new ArrayList<>();
            List<String> userIds = new ArrayList<>();
            for (int i = 0; i < customers; i++) {
                customerIds.add("cus_" + prefix + "_" + i);
                userIds.add("user_" + prefix + "_" + i);
            }
            subscriptions = new StripeSetup(env.stripeApiBase(), env.stripeSecretKey())
                    .customersWithSubscriptions(customerIds, userIds, StripeEvents.PRICE);
        }
        IngestScenario.Plan plan = IngestScenario.plan(
                prefix,
                eventCount,
                options.versions(),
                duplicates,
                reordered,
                prefix.hashCode(),
                refetch,
                subscriptions,
                drop);
        IngestScenario.Result r = IngestScenario.run(
                mix, plan, connections, env.serverAddress(), env.hostHeader(), events, env, options.drainTimeout());
        if (refetch && env.emulator() != null) {
            // Checked: the run's Stripe objects are not needed again, and the emulator keeps every object, event and
            // request it served until it is reset.
            env.emulator().reset();
        }
        Double ceiling = ceilings.get(connections);
        List<BenchReport.Check> checks = r.checks().stream()
                .map(c -> new BenchReport.Check(c.name(), c.ok(), c.detail()))
                .toList();
        return new BenchReport.IngestRun(
                mix,
                refetch,
                connections,
                r.uniqueEvents(),
                r.deliveries(),
                r.duplicates(),
                r.reordered(),
                r.acceptedPerSecond(),
                r.processedPerSecond(),
                r.endToEnd().toNanos() / 1e9,
                ceiling == null || ceiling == 0 ? null : r.processedPerSecond() / ceiling,
                List.of(),
                BenchReport.Latency.of(r.http().latency()),
                r.http().errors(),
                r.http().statuses(),
                BenchReport.Cpu.of(r.cpu(), r.http().generatorCpuNanos(), r.uniqueEvents()),
                BenchReport.Cpu.of(r.closingCpu(), 0, r.uniqueEvents()).postgresMicrosPerRequest(),
                r.uniqueEvents() == 0 ? 0 : (double) r.writeTransactions() / r.uniqueEvents(),
                checks,
                r.stripeCalls());
    }

    /** A short ceiling ({@link Ceiling#probe}) at {@code connections}, next to a measured ingest run. */
    private static BenchReport.CeilingRun probe(
            BenchEnvironment env, BenchOptions options, int connections, String payload) {
        return ceilingRun(Ceiling.probe(
                env,
                connections,
                min(CEILING_PROBE_WARMUP, options.warmup()),
                min(CEILING_PROBE, options.duration()),
                payload));
    }
}

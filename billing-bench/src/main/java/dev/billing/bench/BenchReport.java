package dev.billing.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Everything one bench run measured and checked, printed as tables and written as JSON. */
public final class BenchReport {
    /** Latency in milliseconds. */
    public record Latency(double p50, double p90, double p99, double p999, double max, double mean) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0);
            }
            return new Latency(
                    ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)),
                    ms(h.getMaxValue()),
                    h.getMean() / 1000.0);
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }

    /**
     * Average cores busy over the measured window: this JVM (of which the load generator's threads), this Postgres,
     * other processes on the machine, the whole machine.
     */
    public record Cpu(
            double jvm,
            double generator,
            double postgres,
            double others,
            double machine,
            int machineCpus,
            double serverMicrosPerRequest,
            double postgresMicrosPerRequest) {
        /**
         * {@code requests} is what the CPU per request is computed over; {@code serverMicrosPerRequest} is, per
         * request, this JVM's CPU minus the load generator's when the server runs in this JVM (the emulator runs in
         * its own JVM, among the others), the external server process's CPU when it was found, else -1 (unknown).
         */
        static Cpu of(CpuMeter.Sample s, long generatorNanos, long requests) {
            double seconds = s.window().toNanos() / 1e9;
            double external = Math.max(0, s.serverCores());
            double others = s.machineCores() < 0 || s.postgresCores() < 0
                    ? -1
                    : Math.max(0, s.machineCores() - s.jvmCores() - external - s.postgresCores());
            double generator = seconds <= 0 ? -1 : generatorNanos / 1e9 / seconds;
            double serverCores = CpuMeter.serverInThisJvm() ? s.jvmCores() - Math.max(0, generator) : s.serverCores();
            double server =
                    requests <= 0 || seconds <= 0 || serverCores < 0 ? -1 : serverCores * seconds * 1e6 / requests;
            double pg = requests <= 0 || seconds <= 0 || s.postgresCores() < 0
                    ? -1
                    : s.postgresCores() * seconds * 1e6 / requests;
            return new Cpu(
                    s.jvmCores(), generator, s.postgresCores(), others, s.machineCores(), s.machineCpus(), server, pg);
        }
    }

    /** One start of {@code serve}; {@code archive}: with the class-data archive of a training start. */
    public record Startup(boolean archive, double toReadyMs, long storeMs, long serverMs, long jvmUpMs) {}

    public record CeilingRun(int connections, long inserts, double perSecond, Latency latency, Cpu cpu) {}

    public record Check(String name, boolean ok, String detail) {}

    public record IngestRun(
            String mix,
            boolean refetch,
            int connections,
            int uniqueEvents,
            int deliveries,
            int duplicates,
            int reordered,
            double acceptedPerSecond,
            double processedPerSecond,
            double endToEndSeconds,
            Double ratioToCeiling,
            List<CeilingRun> ceilingProbes,
            Latency latency,
            long errors,
            Map<Integer, Long> statuses,
            Cpu cpu,
            double closingPostgresMicrosPerEvent,
            double writeTransactionsPerEvent,
            List<Check> checks,
            Map<String, Long> stripeCalls) {
        /**
         * {@code closingPostgresMicrosPerEvent}: of {@code cpu}'s Postgres CPU per event, what the run's closing
         * {@code VACUUM (ANALYZE)} and {@code CHECKPOINT} took (-1 when unknown). {@code stripeCalls}: the Stripe API
         * requests the server sent during the run, by method and route (re-fetch on against the bench's emulator;
         * empty otherwise).
         */
        public IngestRun {
            ceilingProbes = List.copyOf(ceilingProbes);
            stripeCalls = Map.copyOf(stripeCalls);
        }

        /** Stripe calls per 1,000 deliveries (webhooks received), or null when they were not counted. */
        @com.fasterxml.jackson.annotation.JsonProperty("stripeCallsPer1000Deliveries")
        public Double stripeCallsPer1000Deliveries() {
            if (stripeCalls.isEmpty() || deliveries <= 0) {
                return null;
            }
            return 1000.0
                    * stripeCalls.values().stream().mapToLong(Long::longValue).sum()
                    / deliveries;
        }

        boolean passed() {
            return checks.stream().allMatch(Check::ok);
        }

        /** This run compared with the mean of ceilings probed just before and just after it. */
        IngestRun withCeilingProbes(CeilingRun before, CeilingRun after) {
            double mean = meanPerSecond(List.of(before, after));
            return new IngestRun(
                    mix,
                    refetch,
                    connections,
                    uniqueEvents,
                    deliveries,
                    duplicates,
                    reordered,
                    acceptedPerSecond,
                    processedPerSecond,
                    endToEndSeconds,
                    mean > 0 ? processedPerSecond / mean : null,
                    List.of(before, after),
                    latency,
                    errors,
                    statuses,
                    cpu,
                    closingPostgresMicrosPerEvent,
                    writeTransactionsPerEvent,
                    checks,
                    stripeCalls);
        }
    }

    private static double meanPerSecond(List<CeilingRun> probes) {
        return probes.stream().mapToDouble(CeilingRun::perSecond).average().orElse(0);
    }

    public record ReadRun(
            String route,
            int connections,
            int users,
            long requests,
            double perSecond,
            Latency latency,
            long errors,
            Map<Integer, Long> statuses,
            Cpu cpu,
            double warmupSeconds,
            List<String> errorSamples) {}

    public record Heap(double maxHeapMb, double maxAfterGcMb, double peakUsedMb, long collections, long gcMillis) {}

    public record Target(String name, String target, String measured, boolean met) {}

    public final Map<String, Object> machine = new LinkedHashMap<>();
    public final Map<String, String> postgres = new LinkedHashMap<>();
    public final Map<String, Object> setup = new LinkedHashMap<>();
    public final List<Startup> startup = new ArrayList<>();
    public final List<CeilingRun> ceiling = new ArrayList<>();
    public final List<IngestRun> ingest = new ArrayList<>();
    public final List<IngestRun> warmups = new ArrayList<>();
    public final List<ReadRun> reads = new ArrayList<>();
    /** The growth scenario's sizes, each with every hot path's figure there. */
    final List<GrowthReport.Step> growth = new ArrayList<>();

    public Heap heap;
    public final List<Target> targets = new ArrayList<>();
    public final List<String> notes = new ArrayList<>();

    /** Every exactly-once check of every ingest run (warm-ups and the growth scenario's included) passed. */
    public boolean checksPassed() {
        return ingest.stream().allMatch(IngestRun::passed)
                && warmups.stream().allMatch(IngestRun::passed)
                && growth.stream().allMatch(GrowthReport.Step::passed);
    }

    public List<IngestRun> ingest() {
        return ingest;
    }

    public List<ReadRun> reads() {
        return reads;
    }

    public List<CeilingRun> ceiling() {
        return ceiling;
    }

    public List<Startup> startup() {
        return startup;
    }

    void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("postgres", postgres);
        root.put("setup", setup);
        root.put("startup", startup);
        root.put("ceiling", ceiling);
        root.put("ingest", ingest);
        root.put("ingestWarmups", warmups);
        root.put("reads", reads);
        root.put("growth", growth);
        root.put("heap", heap);
        root.put("targets", targets);
        root.put("checksPassed", checksPassed());
        root.put("notes", notes);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    void print(PrintStream out) {
        out.println();
        out.println("== machine");
        machine.forEach((k, v) -> out.println("  " + k + ": " + v));
        out.println("== postgres (the ceiling and the server ran on these settings)");
        postgres.forEach((k, v) -> out.println("  " + k + ": " + v));
        out.println("== setup");
        setup.forEach((k, v) -> out.println("  " + k + ": " + v));
        if (!startup.isEmpty()) {
            out.println("== serve start-up (new JVM, -Xmx256m, Postgres already running): process start to "
                    + "/health/ready 200");
            for (Startup s : startup) {
                out.printf(
                        Locale.ROOT,
                        "  %7.0f ms   %-19s (logged: store %d ms, server %d ms, JVM up %d ms)%n",
                        s.toReadyMs(),
                        s.archive() ? "class-data archive" : "default JVM",
                        s.storeMs(),
                        s.serverMs(),
                        s.jvmUpMs());
            }
        }
        out.println("== throughput and latency (latency in ms; CPU: average cores busy of "
                + machine.getOrDefault("cpus", "?") + ": this JVM (of which the load generator) / this Postgres / "
                + "other processes on the machine; then CPU microseconds per request: server JVM / Postgres)");
        out.printf(
                Locale.ROOT,
                "  %-52s %5s %9s %10s %7s %7s %7s %6s %9s %s%n",
                "scenario",
                "conns",
                "requests",
                "per second",
                "p50",
                "p99",
                "max",
                "errors",
                "ceiling %",
                "CPU jvm (gen) / pg / others  us/req srv / pg");
        for (CeilingRun c : ceiling) {
            row(
                    out,
                    "ceiling: durable INSERT over JDBC",
                    c.connections(),
                    c.inserts(),
                    c.perSecond(),
                    c.latency(),
                    0,
                    null,
                    c.cpu());
        }
        for (IngestRun r : ingest) {
            String name = "ingest " + (r.mix().equals("unique") ? "unique" : "dup+reorder") + ", refetch "
                    + (r.refetch() ? "on" : "off");
            row(
                    out,
                    name + " (HTTP accepted)",
                    r.connections(),
                    r.deliveries(),
                    r.acceptedPerSecond(),
                    r.latency(),
                    r.errors(),
                    null,
                    r.cpu());
            out.printf(
                    Locale.ROOT,
                    "  %-52s %5d %9d %10.0f %7s %7s %7s %6s %9s  %.2f writing transactions per event%s%n",
                    "  ... processed end to end",
                    r.connections(),
                    r.uniqueEvents(),
                    r.processedPerSecond(),
                    "",
                    "",
                    "",
                    "",
                    r.ratioToCeiling() == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.ratioToCeiling()),
                    r.writeTransactionsPerEvent(),
                    probes(r.ceilingProbes()));
            if (r.stripeCallsPer1000Deliveries() != null) {
                out.printf(
                        Locale.ROOT,
                        "  ... Stripe calls: %.0f per 1,000 webhooks (%s)%n",
                        r.stripeCallsPer1000Deliveries(),
                        new java.util.TreeMap<>(r.stripeCalls()));
            }
        }
        for (ReadRun r : reads) {
            row(
                    out,
                    r.route() + " (" + r.users() + " users)",
                    r.connections(),
                    r.requests(),
                    r.perSecond(),
                    r.latency(),
                    r.errors(),
                    null,
                    r.cpu());
        }
        if (heap != null) {
            out.printf(
                    Locale.ROOT,
                    "== heap (this JVM: server%s): max %.0f MB, largest after a GC %.0f MB, peak "
                            + "%.0f MB (sum of pool peaks), %d collections, %d ms in GC%n",
                    setup.getOrDefault("server", "").toString().startsWith("in-process")
                            ? " + load generator"
                            : " is external; this is the generator",
                    heap.maxHeapMb(),
                    heap.maxAfterGcMb(),
                    heap.peakUsedMb(),
                    heap.collections(),
                    heap.gcMillis());
        }
        if (!ingest.isEmpty() || !warmups.isEmpty()) {
            out.println("== exactly-once checks");
            for (IngestRun r : concat(warmups, ingest)) {
                out.printf(
                        Locale.ROOT,
                        "  %s ingest %s, refetch %s, %d connections: %s%n",
                        r.passed() ? "PASS" : "FAIL",
                        r.mix(),
                        r.refetch() ? "on" : "off",
                        r.connections(),
                        r.passed() ? r.checks().size() + " checks" : "");
                for (Check c : r.checks()) {
                    if (!c.ok()) {
                        out.println("      FAILED " + c.name() + ": " + c.detail());
                    }
                }
            }
        }
        GrowthReport.print(growth, out);
        if (!targets.isEmpty()) {
            out.println("== targets");
            for (Target t : targets) {
                out.printf(
                        Locale.ROOT,
                        "  %-4s %-60s target %-22s measured %s%n",
                        t.met() ? "met" : "MISS",
                        t.name(),
                        t.target(),
                        t.measured());
            }
        }
        notes.forEach(n -> out.println("note: " + n));
        out.println(checksPassed() ? "RESULT: every check passed" : "RESULT: CHECKS FAILED (see above)");
    }

    private static List<IngestRun> concat(List<IngestRun> a, List<IngestRun> b) {
        List<IngestRun> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void row(
            PrintStream out,
            String name,
            int connections,
            long requests,
            double perSecond,
            Latency l,
            long errors,
            Double ratio,
            Cpu cpu) {
        out.printf(
                Locale.ROOT,
                "  %-52s %5d %9d %10.0f %7.2f %7.2f %7.1f %6d %9s %s%n",
                name,
                connections,
                requests,
                perSecond,
                l.p50(),
                l.p99(),
                l.max(),
                errors,
                ratio == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * ratio),
                cpu(cpu));
    }

    /** "; of a ceiling of 10000/s (9800/s before, 10200/s after; Postgres 150 / 140 µs per insert)". */
    private static String probes(List<CeilingRun> probes) {
        if (probes.isEmpty()) {
            return "";
        }
        CeilingRun before = probes.get(0);
        CeilingRun after = probes.get(1);
        return String.format(
                Locale.ROOT,
                "; of a ceiling of %.0f/s (%.0f/s before, %.0f/s after; Postgres %s / %s µs " + "per insert)",
                meanPerSecond(probes),
                before.perSecond(),
                after.perSecond(),
                micros(before.cpu().postgresMicrosPerRequest()),
                micros(after.cpu().postgresMicrosPerRequest()));
    }

    private static String cpu(Cpu c) {
        if (c == null) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                "%.2f (gen %s) / %s / %s  %s / %s",
                c.jvm(),
                num(c.generator()),
                num(c.postgres()),
                num(c.others()),
                micros(c.serverMicrosPerRequest()),
                micros(c.postgresMicrosPerRequest()));
    }

    private static String micros(double v) {
        return v < 0 ? "?" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String num(double v) {
        return v < 0 ? "?" : String.format(Locale.ROOT, "%.2f", v);
    }
}

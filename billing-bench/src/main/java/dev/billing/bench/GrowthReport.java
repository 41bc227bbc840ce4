package dev.billing.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The growth scenario's figures: each hot path at each size, how far it moved from the first size, and the
 * sequential scans Postgres counted while it ran. Printed as one table per path and judged against issue 51's
 * targets (docs/BENCHMARKS.md, "Growth").
 */
final class GrowthReport {
    /** Tables smaller than this may be read whole: Postgres rightly prefers it for a few pages. */
    static final long SCAN_FLAG_ROWS = 50_000;
    /** At the largest size each path stays within this factor of the first size's figure. */
    static final double GROWTH_LIMIT = 1.25;
    /** An analytics route's median at the largest size. */
    static final double ANALYTICS_LIMIT_MS = 200;

    /** Marks the name of an analytics route asked {@code fresh=true}: what one computation costs the store. */
    static final String COMPUTED = " (computed: fresh=true)";

    /** How a path's figure reads: requests (or events) per second, higher is better, or a median in ms. */
    enum Kind {
        THROUGHPUT,
        LATENCY
    }

    /**
     * One path at one size. {@code figure}: per second (throughput) or the median in ms (latency); {@code p90Ms} the
     * 90th percentile of its answers; {@code seqScans}: table → sequential scans Postgres counted during the path,
     * with {@code tableRows} each table's live rows then.
     */
    record Path(
            String name,
            Kind kind,
            double figure,
            double p90Ms,
            long requests,
            long errors,
            Map<String, Long> seqScans,
            Map<String, Long> tableRows,
            boolean judgedForScans,
            List<BenchReport.Check> checks) {
        Path {
            seqScans = Map.copyOf(seqScans);
            tableRows = Map.copyOf(tableRows);
            checks = List.copyOf(checks);
        }

        /** The tables of at least {@link #SCAN_FLAG_ROWS} rows that were read whole while this path ran. */
        List<String> flaggedScans() {
            List<String> flagged = new ArrayList<>();
            seqScans.forEach((table, scans) -> {
                long rows = tableRows.getOrDefault(table, 0L);
                if (scans > 0 && rows >= SCAN_FLAG_ROWS) {
                    flagged.add(table + " (" + GrowthStep.compact(rows) + " rows) x" + scans);
                }
            });
            flagged.sort(null);
            return flagged;
        }

        boolean passed() {
            return errors == 0 && checks.stream().allMatch(BenchReport.Check::ok);
        }

        String figureText() {
            return kind == Kind.THROUGHPUT
                    ? String.format(Locale.ROOT, "%.0f/s", figure)
                    : String.format(Locale.ROOT, "%.1f ms", figure);
        }
    }

    /** One size: what was seeded, how long it took, each table's rows, each path. */
    record Step(int customers, long events, double seedSeconds, Map<String, Long> tableRows, List<Path> paths) {
        Step {
            tableRows = Map.copyOf(tableRows);
            paths = List.copyOf(paths);
        }

        String label() {
            return new GrowthStep(customers, events).label();
        }

        boolean passed() {
            return paths.stream().allMatch(Path::passed);
        }
    }

    private GrowthReport() {}

    /** The path's figure at the last step over the first: below 1 is worse for throughput, above 1 for latency. */
    static double ratio(Path first, Path last) {
        if (first.figure() <= 0) {
            return Double.NaN;
        }
        return last.figure() / first.figure();
    }

    static boolean withinGrowthLimit(Path first, Path last) {
        double r = ratio(first, last);
        return first.kind() == Kind.THROUGHPUT ? r >= 1 / GROWTH_LIMIT : r <= GROWTH_LIMIT;
    }

    /** The name of {@code route} asked to compute its figures now. */
    static String computed(String route) {
        return route + COMPUTED;
    }

    /**
     * Issue 51's targets: each path within 25% of its first figure, analytics under 200 ms, no flagged scans. A
     * computed analytics path is reported, not judged: it is the background cost of the route as served, whole-store
     * aggregates that grow with the store by nature.
     */
    static List<BenchReport.Target> targets(List<Step> steps) {
        List<BenchReport.Target> targets = new ArrayList<>();
        if (steps.size() < 2) {
            return targets;
        }
        Step first = steps.get(0);
        Step last = steps.get(steps.size() - 1);
        for (Path p : last.paths()) {
            Path base = find(first, p.name());
            if (base == null || p.name().endsWith(COMPUTED)) {
                continue;
            }
            double r = ratio(base, p);
            targets.add(new BenchReport.Target(
                    "growth: " + p.name() + " at " + last.label() + " / at " + first.label(),
                    p.kind() == Kind.THROUGHPUT ? ">= 80%" : "<= 125%",
                    String.format(Locale.ROOT, "%.0f%% (%s → %s)", 100 * r, base.figureText(), p.figureText()),
                    withinGrowthLimit(base, p)));
            if (p.name().startsWith("GET /admin/analytics/")) {
                targets.add(new BenchReport.Target(
                        "growth: " + p.name() + " median at " + last.label(),
                        "< " + (int) ANALYTICS_LIMIT_MS + " ms",
                        p.figureText(),
                        p.figure() < ANALYTICS_LIMIT_MS));
            }
        }
        List<String> scans = new ArrayList<>();
        for (Step s : steps) {
            for (Path p : s.paths()) {
                if (p.judgedForScans() && !p.flaggedScans().isEmpty()) {
                    scans.add(p.name() + " at " + GrowthStep.compact(s.customers()) + "/"
                            + GrowthStep.compact(s.events()) + ": " + String.join(", ", p.flaggedScans()));
                }
            }
        }
        targets.add(new BenchReport.Target(
                "growth: no sequential scan of a table of " + GrowthStep.compact(SCAN_FLAG_ROWS)
                        + "+ rows on a hot path",
                "none",
                scans.isEmpty() ? "none" : String.join("; ", scans),
                scans.isEmpty()));
        return targets;
    }

    static Path find(Step step, String name) {
        return step.paths().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    static void print(List<Step> steps, PrintStream out) {
        if (steps.isEmpty()) {
            return;
        }
        out.println("== growth: each hot path as the store grows (throughput per second, or median and p90 in ms)");
        for (Step s : steps) {
            out.printf(
                    Locale.ROOT, "  step %s: seeded in %.1f s; rows %s%n", s.label(), s.seedSeconds(), s.tableRows());
        }
        List<String> names = new ArrayList<>();
        steps.forEach(s -> s.paths().forEach(p -> {
            if (!names.contains(p.name())) {
                names.add(p.name());
            }
        }));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-44s", "path"));
        for (Step s : steps) {
            header.append(String.format(
                    Locale.ROOT, " %18s", GrowthStep.compact(s.customers()) + "/" + GrowthStep.compact(s.events())));
        }
        out.println(header.append("  last/first"));
        for (String name : names) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-44s", name));
            Path first = find(steps.get(0), name);
            Path last = null;
            for (Step s : steps) {
                Path p = find(s, name);
                last = p == null ? last : p;
                row.append(String.format(Locale.ROOT, " %18s", p == null ? "-" : cell(p)));
            }
            if (first != null && last != null && steps.size() > 1) {
                row.append(String.format(Locale.ROOT, "  %.0f%%", 100 * ratio(first, last)));
            }
            out.println(row);
        }
        for (Step s : steps) {
            for (Path p : s.paths()) {
                if (!p.flaggedScans().isEmpty()) {
                    out.println("  sequential scans, " + p.name() + " at " + s.label() + ": "
                            + String.join(", ", p.flaggedScans()) + (p.judgedForScans() ? "" : " (not judged)"));
                }
                if (!p.passed()) {
                    out.println("  FAILED " + p.name() + " at " + s.label() + ": " + p.errors() + " errors"
                            + p.checks().stream()
                                    .filter(c -> !c.ok())
                                    .map(c -> "; " + c.name() + ": " + c.detail())
                                    .reduce("", String::concat));
                }
            }
        }
    }

    private static String cell(Path p) {
        return p.kind() == Kind.THROUGHPUT
                ? p.figureText()
                : String.format(Locale.ROOT, "%.1f / %.1f", p.figure(), p.p90Ms());
    }
}

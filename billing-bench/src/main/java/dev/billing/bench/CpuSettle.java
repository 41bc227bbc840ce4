package dev.billing.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Judges an ingest warm-up by the server's CPU per event rather than by an event count: on two cores shared with the
 * load the JIT keeps compiling for minutes, and each round it compiles for costs the round CPU. The warm-up is
 * settled when, at every connection count, the last three rounds' server CPU per event lie within {@link #TOLERANCE}
 * of each other (a run measured after that costs what the next would) and the JIT compiled for at most
 * {@link #JIT_SHARE} of each of those rounds: while it compiles through whole rounds, the CPU per event can hold
 * still at twice its settled figure. An external server whose CPU cannot be told is judged the same way by its
 * processed events per second instead ({@link #CpuSettle(String)}), with no JIT share (this JVM's is not its).
 */
final class CpuSettle {
    static final double TOLERANCE = 0.10;
    static final double JIT_SHARE = 0.10;
    static final int ROUNDS = 3;
    private final Map<Integer, List<Round>> rounds = new LinkedHashMap<>();
    private final String unit;

    /** Judged by the server's CPU per event, in µs. */
    CpuSettle() {
        this(" µs");
    }

    /** Judged by another per-round figure, described with {@code unit} (for example {@code " events/s"}). */
    CpuSettle(String unit) {
        this.unit = unit;
    }

    /** One round: the server's CPU per event (µs) and the JIT's compile time over the round's time (-1: unknown). */
    private record Round(double micros, double jitShare) {}

    /**
     * Adds a round's server CPU per event (µs) and the JIT's compile time over the round's time at {@code
     * connections}; a negative (unknown) CPU figure is ignored, a negative JIT share is unknown.
     */
    void add(int connections, double serverMicrosPerEvent, double jitShare) {
        if (serverMicrosPerEvent > 0) {
            rounds.computeIfAbsent(connections, c -> new ArrayList<>()).add(new Round(serverMicrosPerEvent, jitShare));
        }
    }

    /**
     * Whether every connection count in {@code counts} has three rounds, its last three differ by at most 10%, and
     * the JIT compiled for at most a tenth of each of them (where known).
     */
    boolean settled(List<Integer> counts) {
        for (int connections : counts) {
            List<Round> figures = rounds.get(connections);
            if (figures == null || figures.size() < ROUNDS) {
                return false;
            }
            List<Round> last = figures.subList(figures.size() - ROUNDS, figures.size());
            if (spread(last.stream().map(Round::micros).toList()) > TOLERANCE
                    || last.stream().anyMatch(r -> r.jitShare() > JIT_SHARE)) {
                return false;
            }
        }
        return !counts.isEmpty();
    }

    /** The last three rounds' spread (largest over smallest, less one), or 1 (unsettled) for fewer than three. */
    static double spread(List<Double> figures) {
        if (figures.size() < ROUNDS) {
            return 1;
        }
        List<Double> last = figures.subList(figures.size() - ROUNDS, figures.size());
        double max = last.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double min = last.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        return (max - min) / min;
    }

    /** Every round's figure per connection count, for the report: "16 connections: 410, 322, 301 µs; 64: ...". */
    String describe() {
        return describe(Round::micros, 1, unit);
    }

    /** Every round's JIT share in percent, for the report: "16 connections: 140, 35, 4%; ..."; empty when unknown. */
    String describeJit() {
        boolean known = rounds.values().stream().flatMap(List::stream).anyMatch(r -> r.jitShare() >= 0);
        return known ? describe(Round::jitShare, 100, "%") : "";
    }

    private String describe(ToDoubleFunction<Round> figure, double scale, String unit) {
        StringBuilder s = new StringBuilder();
        rounds.forEach((connections, figures) -> {
            if (!s.isEmpty()) {
                s.append("; ");
            }
            s.append(connections).append(" connections: ");
            for (int i = 0; i < figures.size(); i++) {
                double value = figure.applyAsDouble(figures.get(i));
                s.append(i == 0 ? "" : ", ")
                        .append(value < 0 ? "?" : String.format(Locale.ROOT, "%.0f", value * scale));
            }
            s.append(unit);
        });
        return s.toString();
    }
}

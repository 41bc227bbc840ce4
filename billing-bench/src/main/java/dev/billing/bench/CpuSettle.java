package dev.billing.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Judges an ingest warm-up by the server's CPU per event rather than by an event count: on two cores shared with the
 * load the JIT keeps compiling for minutes, and each round it compiles for costs the round CPU. The warm-up is
 * settled when, at every connection count, the last two rounds' server CPU per event lie within {@link #TOLERANCE}
 * of each other (a run measured after that costs what the next would).
 */
final class CpuSettle {
    static final double TOLERANCE = 0.10;
    static final int ROUNDS = 3;
    private final Map<Integer, List<Double>> rounds = new LinkedHashMap<>();

    /** Adds a round's server CPU per event (µs) at {@code connections}; a negative (unknown) figure is ignored. */
    void add(int connections, double serverMicrosPerEvent) {
        if (serverMicrosPerEvent > 0) {
            rounds.computeIfAbsent(connections, c -> new ArrayList<>()).add(serverMicrosPerEvent);
        }
    }

    /** Whether every connection count in {@code counts} has three rounds and its last three differ by at most 10%. */
    boolean settled(List<Integer> counts) {
        for (int connections : counts) {
            List<Double> figures = rounds.get(connections);
            if (figures == null || figures.size() < ROUNDS) {
                return false;
            }
            if (spread(figures) > TOLERANCE) {
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

    /** Every round's figure per connection count, for the report: "16: 410, 322, 301 µs; 64: ...". */
    String describe() {
        StringBuilder s = new StringBuilder();
        rounds.forEach((connections, figures) -> {
            if (!s.isEmpty()) {
                s.append("; ");
            }
            s.append(connections).append(" connections: ");
            for (int i = 0; i < figures.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", figures.get(i)));
            }
            s.append(" µs");
        });
        return s.toString();
    }
}

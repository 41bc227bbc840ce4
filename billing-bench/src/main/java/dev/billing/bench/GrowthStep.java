package dev.billing.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One size the growth scenario fills the store to: {@code customers} accounts with what they accumulate, and
 * {@code events} webhook events in the inbox. Steps only grow, so each one adds to what the previous one seeded.
 */
public record GrowthStep(int customers, long events) {
    /** 10k, 100k and 1M customers with an inbox event each, then the 1M customers with 10M events. */
    public static final List<GrowthStep> DEFAULTS = List.of(
            new GrowthStep(10_000, 10_000),
            new GrowthStep(100_000, 100_000),
            new GrowthStep(1_000_000, 1_000_000),
            new GrowthStep(1_000_000, 10_000_000));

    public GrowthStep {
        if (customers < 100) {
            throw new IllegalArgumentException("a growth step needs at least 100 customers, not " + customers);
        }
        if (events < 0) {
            throw new IllegalArgumentException("a growth step's events cannot be negative");
        }
    }

    /** {@code 10k:10k,100k:100k,1m:1m,1m:10m}: customers and events per step, k and m as thousands and millions. */
    static List<GrowthStep> parse(String text) {
        List<GrowthStep> steps = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] pair = part.strip().split(":");
            if (pair.length != 2) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not customers:events (e.g. 100k:1m)");
            }
            long customers = count(pair[0]);
            if (customers > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("at most " + Integer.MAX_VALUE + " customers");
            }
            GrowthStep step = new GrowthStep((int) customers, count(pair[1]));
            if (!steps.isEmpty()) {
                GrowthStep last = steps.get(steps.size() - 1);
                if (step.customers < last.customers || step.events < last.events) {
                    throw new IllegalArgumentException("steps only grow: " + step.label() + " after " + last.label());
                }
            }
            steps.add(step);
        }
        return List.copyOf(steps);
    }

    private static long count(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k")) {
            unit = 1_000;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 1_000_000;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text.strip() + "' is not a count (e.g. 10000, 100k, 1m)");
        }
    }

    /** {@code 1M customers, 10M events}. */
    String label() {
        return compact(customers) + " customers, " + compact(events) + " events";
    }

    static String compact(long n) {
        if (n >= 1_000_000 && n % 100_000 == 0) {
            return (n % 1_000_000 == 0 ? Long.toString(n / 1_000_000) : Double.toString(n / 1e6)) + "M";
        }
        if (n >= 1_000 && n % 100 == 0) {
            return (n % 1_000 == 0 ? Long.toString(n / 1_000) : Double.toString(n / 1e3)) + "k";
        }
        return Long.toString(n);
    }
}

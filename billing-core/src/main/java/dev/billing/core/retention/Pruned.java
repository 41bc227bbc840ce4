package dev.billing.core.retention;

import java.util.List;

/**
 * What one retention pass deleted, by kind of row. A kind the store cannot prune (a store of the host's own that
 * lacks the method) counts nothing and is named in {@code unsupported}.
 */
public record Pruned(
        long inboxEvents,
        long usageKeys,
        long notices,
        long meterReports,
        long usageCounters,
        List<String> unsupported) {
    public Pruned {
        unsupported = List.copyOf(unsupported);
    }

    public long total() {
        return inboxEvents + usageKeys + notices + meterReports + usageCounters;
    }
}

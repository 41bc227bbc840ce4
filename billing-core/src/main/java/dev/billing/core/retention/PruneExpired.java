package dev.billing.core.retention;

import dev.billing.core.config.RetentionOptions;
import dev.billing.core.port.BillingStores;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One retention pass (docs/OPERATIONS.md, "Retention"): deletes the handled webhook events, usage idempotency keys,
 * notice rows, sent meter reports and usage counters older than {@link RetentionOptions} keeps them, a batch at a
 * time. Each batch is its own short statement, so webhook ingest and usage increments are never held behind a large
 * delete; a pass stops after {@link #MAX_BATCHES} batches of one kind and the next pass goes on.
 *
 * <p>Usage: {@code Pruned pruned = billing.pruneExpired();} (a started {@code Billing} runs it every
 * {@link RetentionOptions#every()})
 */
public final class PruneExpired {
    private static final System.Logger LOG = System.getLogger(PruneExpired.class.getName());
    /** Batches of one kind per pass: a backlog of years is worked off over several passes. */
    static final int MAX_BATCHES = 1_000;

    private final BillingStores stores;
    private final RetentionOptions options;
    private final Clock clock;
    /** Kinds already reported as unsupported by the store, so the log says it once. */
    private final Set<String> toldUnsupported = ConcurrentHashMap.newKeySet();

    public PruneExpired(BillingStores stores, RetentionOptions options, Clock clock) {
        this.stores = stores;
        this.options = options;
        this.clock = clock;
    }

    public RetentionOptions options() {
        return options;
    }

    /** A pass as of now. */
    public Pruned prune() {
        return prune(clock.instant());
    }

    /** A pass as of {@code now}: what is older than each kind's retention before {@code now} goes. */
    public Pruned prune(Instant now) {
        List<String> unsupported = new ArrayList<>();
        long inbox = kind("inbox events", options.inboxEvents(), now, stores.inbox()::prune, unsupported);
        long keys = kind("usage keys", options.usageKeys(), now, stores.usage()::pruneKeys, unsupported);
        long notices = kind("notices", options.notices(), now, stores.notices()::prune, unsupported);
        long reports = kind("meter reports", options.meterReports(), now, stores.usage()::pruneReports, unsupported);
        long counters =
                kind("usage counters", options.usageCounters(), now, stores.usage()::pruneCounters, unsupported);
        Pruned pruned = new Pruned(inbox, keys, notices, reports, counters, unsupported);
        if (pruned.total() > 0) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "Retention: deleted {0} handled webhook event(s), {1} usage key(s), {2} notice row(s), {3} sent"
                            + " meter report(s), {4} usage counter(s)",
                    inbox,
                    keys,
                    notices,
                    reports,
                    counters);
        }
        return pruned;
    }

    private long kind(String name, Optional<Duration> keep, Instant now, Pruner pruner, List<String> unsupported) {
        if (keep.isEmpty()) {
            return 0;
        }
        Instant before = now.minus(keep.get());
        long deleted = 0;
        try {
            for (int i = 0; i < MAX_BATCHES && !Thread.currentThread().isInterrupted(); i++) {
                int n = pruner.prune(before, options.batch());
                deleted += n;
                if (n < options.batch()) {
                    break;
                }
            }
        } catch (UnsupportedOperationException e) {
            unsupported.add(name);
            if (toldUnsupported.add(name)) {
                LOG.log(System.Logger.Level.INFO, "Retention: the store keeps {0} forever ({1})", name, e.getMessage());
            }
        }
        return deleted;
    }

    /** One kind's prune method of a store. */
    @FunctionalInterface
    private interface Pruner {
        int prune(Instant before, int max);
    }
}

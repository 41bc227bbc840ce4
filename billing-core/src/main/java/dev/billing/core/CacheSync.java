package dev.billing.core;

import dev.billing.core.model.CustomerId;
import dev.billing.core.port.ProjectionChanges;
import dev.billing.core.port.ProjectionChanges.Change;
import dev.billing.core.port.ProjectionListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the caches of every process on one store in step through the store's {@link ProjectionChanges}: this
 * process's projection changes are appended to it (at once, or in batches while the background work runs), and
 * the changes the others appended are read and told to the local cache (this process's own are skipped). A failure here is logged and otherwise
 * ignored: the cached answers still expire.
 *
 * <p>Positions can become visible out of order, so a gap below a position already seen is waited for (up to
 * {@link #GAP_WAIT}) before the cursor moves past it; what is above the gap is told at once, and only once.
 */
final class CacheSync implements ProjectionListener {
    private static final System.Logger LOG = System.getLogger(CacheSync.class.getName());
    /** How long a missing position may still appear (an append whose commit lags behind a later one's). */
    static final Duration GAP_WAIT = Duration.ofSeconds(10);
    /** Changes older than this are deleted; it outlives any gap and any default cache lifetime by far. */
    static final Duration RETENTION = Duration.ofMinutes(10);

    static final int PAGE = 1_000;

    private final ProjectionChanges changes;
    private final ProjectionListener cache;
    /** This process in the record: its own changes were told directly and are skipped when read back. */
    private final String origin = UUID.randomUUID().toString();

    private final Clock clock;
    private final Set<CustomerId> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean batching;
    // The reader's state, set at start and then touched only by the one background run at a time
    // (scheduleWithFixedDelay runs never overlap, and start() happens before the first).
    /** Every position up to this one was told (or given up on); -1 until the head was read. */
    private long cursor = -1;
    /** Positions above the cursor already told. */
    private final Set<Long> told = new HashSet<>();
    /** Missing positions above the cursor, and since when. */
    private final Map<Long, Instant> gaps = new HashMap<>();

    CacheSync(ProjectionChanges changes, ProjectionListener cache, Clock clock) {
        this.changes = changes;
        this.cache = cache;
        this.clock = clock;
    }

    /** A change made by this process: shared with the others. */
    @Override
    public void projectionChanged(CustomerId customerId) {
        if (batching) {
            pending.add(customerId);
        } else {
            append(List.of(customerId));
        }
    }

    /**
     * While the background work runs, changes are appended in batches by {@link #run()}; else at once. Turning it
     * on (at start) also reads where the record stands, before the caller returns: a change another process makes
     * after the start is then told however late the first background run is.
     */
    void batching(boolean value) {
        batching = value;
        if (value) {
            startReading();
        } else {
            flush();
        }
    }

    private void startReading() {
        try {
            cursor = changes.head();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Reading the projection changes' head failed", e);
        }
    }

    /** One background run: appends this process's changes, then tells the cache what the others changed. */
    void run() {
        flush();
        read();
    }

    /** Deletes changes older than {@link #RETENTION}. */
    void prune() {
        try {
            changes.prune(clock.instant().minus(RETENTION));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Pruning the projection changes failed", e);
        }
    }

    void flush() {
        while (!pending.isEmpty()) {
            List<CustomerId> batch = new ArrayList<>();
            Iterator<CustomerId> it = pending.iterator();
            while (it.hasNext() && batch.size() < PAGE) {
                batch.add(it.next());
                it.remove();
            }
            append(batch);
        }
    }

    private void append(List<CustomerId> customers) {
        try {
            changes.append(origin, customers, clock.instant());
        } catch (RuntimeException e) {
            // The change itself is stored; other processes see it when their cached answer expires.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Could not share {0} projection change(s) with other processes "
                            + "({1}: {2}); their caches catch up when the cached answers expire",
                    customers.size(),
                    e.getClass().getSimpleName(),
                    e.getMessage());
        }
    }

    /** Reads what is new since the cursor and tells the cache; returns how many changes were told. */
    int read() {
        try {
            if (cursor < 0) {
                cursor = changes.head();
                return 0;
            }
            int count = 0;
            while (true) {
                List<Change> page = changes.after(cursor, PAGE);
                long before = cursor;
                count += tell(page);
                if (page.size() < PAGE || cursor == before) {
                    return count;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Reading the projection changes failed", e);
            return 0;
        }
    }

    private int tell(List<Change> page) {
        Instant now = clock.instant();
        int count = 0;
        boolean blocked = false;
        long expected = cursor + 1;
        for (Change change : page) {
            if (told.add(change.position()) && !change.origin().equals(origin)) {
                cache.projectionChanged(change.customer());
                count++;
            }
            if (blocked) {
                continue;
            }
            while (expected < change.position()) {
                Instant since = gaps.computeIfAbsent(expected, position -> now);
                if (Duration.between(since, now).compareTo(GAP_WAIT) < 0) {
                    blocked = true;
                    break;
                }
                gaps.remove(expected);
                expected++;
            }
            if (!blocked) {
                cursor = change.position();
                expected = cursor + 1;
            }
        }
        long done = cursor;
        told.removeIf(position -> position <= done);
        gaps.keySet().removeIf(position -> position <= done);
        return count;
    }
}

package dev.billing.core;

import dev.billing.core.config.BackgroundOptions;
import dev.billing.core.org.AlignSeats;
import dev.billing.core.port.WorkObserver;
import dev.billing.core.port.WorkTracer;
import dev.billing.core.retention.PruneExpired;
import dev.billing.core.retention.Pruned;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The core's own background work, started by {@link Billing#start()}: runs over the due inbox events (retries, and
 * events no request processed), drains of the meter-report outbox, the sharing of projection changes with other
 * processes ({@link CacheSync}), and the threads that process a webhook event after its delivery was answered.
 * Notices go out as part of processing. With auto-seats on, one pass at start sets every organization's seats to
 * its member count ({@link AlignSeats}), and its failures are tried again later. A retention pass
 * ({@link PruneExpired}) runs every {@link dev.billing.core.config.RetentionOptions#every()}.
 *
 * <p>Runs are scheduled on the host's scheduler when it gave one (which stays the host's: only these tasks are
 * cancelled), otherwise on two daemon threads of its own. {@link #close()} stops taking work and waits, up to
 * {@link BackgroundOptions#closeTimeout()}, for the runs and events in flight; an event it abandons keeps its lease,
 * which runs out, and is processed again later.
 */
final class Background {
    private static final System.Logger LOG = System.getLogger(Background.class.getName());
    static final String INBOX = "inbox";
    static final String METER_REPORTS = "meter-reports";
    static final String CHANGES = "changes";
    static final String PRUNE_CHANGES = "prune-changes";
    static final String ALIGN_SEATS = "align-seats";
    static final String RETENTION = "retention";
    private static final long PRUNE_EVERY_MILLIS = 60_000;
    /**
     * Meter reports sent to Stripe at once. Each call mostly waits on Stripe; the process's Stripe rate limit still
     * bounds them, and a request of a user's waits behind at most this many of theirs for its turn.
     */
    static final int METER_SENDERS = 8;

    private final UseCases useCases;
    private final CacheSync sync;
    private final PruneExpired prune;
    private final BackgroundOptions options;
    private final ScheduledExecutorService hostScheduler;
    private final WorkObserver observer;
    private final WorkTracer tracer;
    private final Object lock = new Object();
    /** Runs in flight; {@link #close()} waits for none. Guarded by {@link #lock} for the wait. */
    private final AtomicInteger running = new AtomicInteger();
    /** A retention pass is under way: the next one waits for it rather than running beside it. */
    private final AtomicBoolean pruning = new AtomicBoolean();

    private final AtomicBoolean draining = new AtomicBoolean();

    private volatile boolean closing;
    private ScheduledExecutorService ownScheduler;
    /** Guarded by itself: the seat alignment adds its retries from a scheduler thread. */
    private final List<Future<?>> scheduled = new ArrayList<>();

    private ExecutorService inboxPool;
    private ThreadPoolExecutor webhookPool;
    private ExecutorService meterPool;
    /** Where a drain of the meter-report outbox runs: a backlog may hold it for long, never a scheduler thread. */
    private ExecutorService meterRuns;
    /** Times the seat alignment's retries (the work clock). */
    private final Clock clock;

    Background(
            UseCases useCases,
            CacheSync sync,
            PruneExpired prune,
            BackgroundOptions options,
            ScheduledExecutorService hostScheduler,
            WorkObserver observer,
            WorkTracer tracer,
            Clock clock) {
        this.clock = clock;
        this.useCases = useCases;
        this.sync = sync;
        this.prune = prune;
        this.options = options;
        this.hostScheduler = hostScheduler;
        this.observer = observer;
        this.tracer = tracer;
    }

    void start() {
        inboxPool = pool("billing-inbox-", options.inboxParallelism());
        webhookPool = pool("billing-webhook-", options.webhookThreads());
        meterPool = pool("billing-meter-", METER_SENDERS);
        meterRuns = pool("billing-meter-run-", 1);
        ScheduledExecutorService scheduler = hostScheduler;
        if (scheduler == null) {
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(2, daemon("billing-scheduler-"));
            own.setRemoveOnCancelPolicy(true);
            ownScheduler = own;
            scheduler = own;
        }
        long inbox = options.inboxEvery().toMillis();
        long meters = options.meterReportsEvery().toMillis();
        scheduled.add(scheduler.scheduleWithFixedDelay(
                () -> run(INBOX, this::processInbox), inbox, inbox, TimeUnit.MILLISECONDS));
        scheduled.add(scheduler.scheduleWithFixedDelay(
                () -> off(draining, meterRuns, METER_REPORTS, this::drainMeterReports),
                meters,
                meters,
                TimeUnit.MILLISECONDS));
        sync.batching(true);
        long changes = options.changesEvery().toMillis();
        scheduled.add(
                scheduler.scheduleWithFixedDelay(() -> run(CHANGES, sync::run), 0, changes, TimeUnit.MILLISECONDS));
        scheduled.add(scheduler.scheduleWithFixedDelay(
                () -> run(PRUNE_CHANGES, sync::prune), PRUNE_EVERY_MILLIS, PRUNE_EVERY_MILLIS, TimeUnit.MILLISECONDS));
        // The first pass a minute after the start, off the start's own work; a pass runs on an inbox thread so a
        // long one never holds a (perhaps the host's) scheduler thread.
        long retention = prune.options().every().toMillis();
        scheduled.add(scheduler.scheduleWithFixedDelay(
                () -> off(pruning, inboxPool, RETENTION, this::pruneExpired),
                Math.min(PRUNE_EVERY_MILLIS, retention),
                retention,
                TimeUnit.MILLISECONDS));
        ScheduledExecutorService on = scheduler;
        useCases.alignSeats().ifPresent(align -> schedule(on, Duration.ZERO, () -> alignSeats(on, align, null, 1)));
    }

    /**
     * One pass of the seat alignment: every organization on the first ({@code orgs} null), the ones that failed
     * after that; what fails again is scheduled on the inbox's retry schedule, and left to the organizations' next
     * membership events once that gives up.
     */
    private void alignSeats(ScheduledExecutorService scheduler, AlignSeats align, List<String> orgs, int pass) {
        List<String> failed;
        Optional<Duration> again;
        try {
            AlignSeats.Alignment done = orgs == null ? align.alignAll() : align.align(orgs);
            if (done.failed().isEmpty()) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "Auto-seats: {0} organization(s) checked, {1} seat update(s) " + "sent",
                        done.organizations(),
                        done.updates());
                return;
            }
            failed = done.failed();
            again = align.retryAfter(pass, clock.instant());
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Auto-seats: {0} organization(s) checked, {1} seat update(s) sent, "
                            + "{2} could not be aligned{3}",
                    done.organizations(),
                    done.updates(),
                    failed.size(),
                    again.map(d -> "; trying them again in " + d.toSeconds() + " s")
                            .orElse("; left to their next membership events"));
        } catch (RuntimeException e) { // the organizations could not even be listed: all of them again
            failed = orgs;
            again = align.retryAfter(pass, clock.instant());
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Auto-seats: the seats could not be aligned: {0}: {1}{2}",
                    e.getClass().getSimpleName(),
                    e.getMessage(),
                    again.map(d -> "; trying again in " + d.toSeconds() + " s")
                            .orElse("; left to the next membership events"));
            observer.runFailed(ALIGN_SEATS, e);
        }
        List<String> retry = failed;
        again.ifPresent(delay -> schedule(scheduler, delay, () -> alignSeats(scheduler, align, retry, pass + 1)));
    }

    /**
     * Runs the alignment after {@code delay} on an inbox thread: a pass over many organizations calls Stripe for
     * each, and must not hold one of the (perhaps the host's) scheduler threads meanwhile.
     */
    private void schedule(ScheduledExecutorService scheduler, Duration delay, Runnable work) {
        synchronized (scheduled) {
            if (!closing) {
                scheduled.add(scheduler.schedule(
                        () -> {
                            if (!closing) {
                                inboxPool.execute(() -> run(ALIGN_SEATS, work));
                            }
                        },
                        delay.toMillis(),
                        TimeUnit.MILLISECONDS));
            }
        }
    }

    /** Where a newly received event is processed after the answer; null once closing (then inline). */
    Executor webhookProcessing() {
        return closing ? null : webhookPool;
    }

    /** Works the due events off in batches until a batch comes back short, or until closing. */
    private void processInbox() {
        while (!closing && !Thread.currentThread().isInterrupted()) {
            int claimed = useCases.processInboxEvent().processDue(options.inboxBatch(), inboxPool);
            observer.inboxRun(claimed);
            if (claimed < options.inboxBatch()) {
                return;
            }
        }
    }

    private void pruneExpired() {
        Pruned pruned = prune.prune();
        observer.pruned("inbox_events", pruned.inboxEvents());
        observer.pruned("usage_keys", pruned.usageKeys());
        observer.pruned("notices", pruned.notices());
        observer.pruned("meter_reports", pruned.meterReports());
        observer.pruned("usage_counters", pruned.usageCounters());
    }

    /** Sends batches until one is not sent whole (a backlog goes at once, not a batch per pause), or closing. */
    private void drainMeterReports() {
        int batch = options.meterReportsBatch();
        int sent;
        do {
            sent = useCases.reportMeterUsage().drain(batch, meterPool);
            observer.meterReportsSent(sent);
        } while (sent == batch && !closing && !Thread.currentThread().isInterrupted());
    }

    /** One run on {@code pool}, unless the last one {@code busy} guards is still going (or closing). */
    private void off(AtomicBoolean busy, ExecutorService pool, String work, Runnable task) {
        if (closing || !busy.compareAndSet(false, true)) {
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    run(work, task);
                } finally {
                    busy.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            busy.set(false); // closing
        }
    }

    /** One run; a failure is logged and told, never thrown (a scheduled task that throws is never run again). */
    private void run(String work, Runnable task) {
        running.incrementAndGet();
        // Only the rare runs get a span: the inbox, meter-report and cache-sync runs come every second or few,
        // mostly finding nothing (the events an inbox run claims get processing spans of their own).
        WorkTracer.Span span =
                work.equals(RETENTION) || work.equals(ALIGN_SEATS) ? tracer.backgroundWork(work) : WorkTracer.Span.NONE;
        try (span) {
            if (!closing) {
                task.run();
            }
        } catch (RuntimeException e) {
            span.failed(e);
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Background {0} run failed: {1}: {2}",
                    work,
                    e.getClass().getSimpleName(),
                    e.getMessage());
            observer.runFailed(work, e);
        } finally {
            if (running.decrementAndGet() == 0) {
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        }
    }

    /** Stops taking work, then waits for what is in flight up to the close timeout. */
    void close() {
        closing = true;
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        synchronized (scheduled) {
            scheduled.forEach(future -> future.cancel(false));
        }
        awaitRuns(deadline);
        stop(webhookPool, deadline, "webhook events still processing");
        stop(inboxPool, deadline, "inbox events still processing");
        stop(meterRuns, deadline, "meter reports still sending");
        stop(meterPool, deadline, "meter reports still sending");
        sync.batching(false); // shares what the last runs changed, and later changes at once
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
    }

    private void awaitRuns(long deadline) {
        synchronized (lock) {
            long left;
            while (running.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void stop(ExecutorService pool, long deadline, String what) {
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Closing: {0}; their leases run out and they are processed " + "again later",
                        what);
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** A fixed-size pool whose threads end when idle, so an idle host keeps no threads of ours. */
    private static ThreadPoolExecutor pool(String prefix, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon(prefix));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

package dev.billing.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The ceiling no webhook pipeline on this database can beat: durable single-row inserts per second straight over
 * JDBC, {@code connections} threads each with its own connection, autocommit (one INSERT per transaction, each
 * commit waiting for the WAL flush as {@code synchronous_commit} says), into a table shaped like the inbox
 * ({@code LIKE billing.webhook_inbox INCLUDING ALL}: same columns, indexes, checks and storage), the payload bound
 * as the server binds it, and the same payload as the ingest scenario's subscription events.
 */
final class Ceiling {
    static final String SCHEMA = "billing_bench_ceiling";

    /** What one ceiling run measured. */
    record Result(int connections, long inserts, Duration window, Histogram latency, CpuMeter.Sample cpu) {
        double perSecond() {
            return inserts / (window.toNanos() / 1e9);
        }
    }

    private Ceiling() {}

    static Result run(BenchEnvironment env, int connections, Duration warmup, Duration measure, String payload) {
        return run(env, connections, warmup, measure, payload, true);
    }

    /**
     * A short ceiling taken right before or right after one measured ingest run, so that the run's share of the
     * ceiling compares it with what the disk and the cores could do around it: on a shared VM the machine's speed
     * drifts by a tenth or more within the hour of a full run. A fixed warm-up: the full ceiling compiled the code.
     */
    static Result probe(BenchEnvironment env, int connections, Duration warmup, Duration measure, String payload) {
        return run(env, connections, warmup, measure, payload, false);
    }

    private static Result run(
            BenchEnvironment env,
            int connections,
            Duration warmup,
            Duration measure,
            String payload,
            boolean awaitJit) {
        try (Connection admin = env.connect();
                Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute("DROP TABLE IF EXISTS " + SCHEMA + ".inbox");
            s.execute("CREATE TABLE " + SCHEMA + ".inbox (LIKE " + IngestScenario.SCHEMA
                    + ".webhook_inbox INCLUDING ALL)");
        } catch (SQLException e) {
            throw new IllegalStateException("creating the ceiling table failed: " + e.getMessage(), e);
        }
        AtomicLong ids = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1); // backends keep their CPU ticks until the end mark is taken
        Window window = new Window();
        List<Inserter> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Inserter t = new Inserter(env, payload, ids, ready, go, release, window);
            threads.add(t);
            t.start();
        }
        try {
            ready.await();
            for (Inserter t : threads) {
                if (t.failure != null) {
                    throw new IllegalStateException("ceiling connection failed: " + t.failure.getMessage(), t.failure);
                }
            }
            go.countDown();
            if (awaitJit) {
                JitWarmup.await(warmup);
            } else {
                Thread.sleep(warmup.toMillis());
            }
            long from = System.nanoTime();
            window.until = from + measure.toNanos();
            window.from = from;
            CpuMeter meter = new CpuMeter();
            CpuMeter.Mark mark = meter.mark();
            Thread.sleep(measure.toMillis());
            CpuMeter.Sample cpu = meter.since(mark);
            release.countDown();
            for (Inserter t : threads) {
                t.join();
            }
            Histogram merged = new Histogram(60_000_000L, 3);
            long inserts = 0;
            for (Inserter t : threads) {
                if (t.failure != null) {
                    throw new IllegalStateException("ceiling insert failed: " + t.failure.getMessage(), t.failure);
                }
                merged.add(t.histogram);
                inserts += t.inserts;
            }
            return new Result(connections, inserts, measure, merged, cpu);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            release.countDown();
            try (Connection admin = env.connect();
                    Statement s = admin.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            } catch (SQLException ignored) {
                // best effort
            }
        }
    }

    private static final class Window {
        volatile long from = Long.MAX_VALUE;
        volatile long until = Long.MAX_VALUE;
    }

    private static final class Inserter extends Thread {
        final BenchEnvironment env;
        final String payload;
        final AtomicLong ids;
        final CountDownLatch ready;
        final CountDownLatch go;
        final CountDownLatch release;
        final Window window;
        final Histogram histogram = new Histogram(60_000_000L, 3);
        long inserts;
        Exception failure;

        Inserter(
                BenchEnvironment env,
                String payload,
                AtomicLong ids,
                CountDownLatch ready,
                CountDownLatch go,
                CountDownLatch release,
                Window window) {
            super("bench-ceiling");
            setDaemon(true);
            this.env = env;
            this.payload = payload;
            this.ids = ids;
            this.ready = ready;
            this.go = go;
            this.release = release;
            this.window = window;
        }

        @Override
        public void run() {
            try (Connection c = env.connect();
                    PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO %s.inbox (event_id, event_type, event_created, livemode, api_version, object_id,
                        object_type, payload, status, attempts, received_at)
                    VALUES (?, 'customer.subscription.updated', ?, false, '2026-07-29.dahlia', ?, 'subscription',
                        ?, 'pending', 0, ?)
                    ON CONFLICT (event_id) DO NOTHING""".formatted(SCHEMA))) {
                c.setAutoCommit(true);
                ready.countDown();
                go.await();
                Timestamp created = Timestamp.from(Instant.now().minusSeconds(600));
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= window.until) {
                        release.await();
                        return;
                    }
                    long id = ids.incrementAndGet();
                    insert.setString(1, "evt_ceiling_" + id);
                    insert.setTimestamp(2, created);
                    insert.setString(3, "sub_ceiling_" + id);
                    insert.setString(4, payload);
                    insert.setTimestamp(5, Timestamp.from(Instant.now()));
                    insert.executeUpdate();
                    long t1 = System.nanoTime();
                    if (t0 >= window.from && t1 <= window.until) {
                        inserts++;
                        histogram.recordValue(Math.min((t1 - t0) / 1_000, 60_000_000L));
                    }
                }
            } catch (Exception e) {
                failure = e;
                ready.countDown();
            }
        }
    }
}

package dev.billing.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load generator: {@code connections} keep-alive connections, each sending its next request as soon
 * as the previous one is answered; driven by one event-loop thread ({@link Mode#NIO}, the default) or by one
 * blocking thread per connection ({@link Mode#BLOCKING}, {@link LeanHttpConnection}). Latency is measured per
 * request from the first byte written to the last byte read, into HdrHistograms (microseconds, 3 significant
 * digits). The generator's threads measure their own CPU time, so the report can say what the generator cost.
 *
 * <p>Two shapes: a fixed amount of work (the workload says when it is done; the window is first request to last
 * answer) or a duration (a warm-up whose requests are not counted, then the measured window).
 */
final class LoadRunner {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One sender's view of a workload. */
    interface Sender {
        /** Prepares the next request; false when this sender has nothing more to send. */
        boolean next();

        byte[] request();

        int requestLength();

        /** The answer to the prepared request; returns false when it counts as an error. */
        boolean answered(int status, Answer answer);

        /** The request failed with an I/O error (the connection is closed and reopened for the next one). */
        default void failed(IOException e) {}
    }

    /** What to send. */
    interface Workload {
        Sender sender(int index);
    }

    /** What one run measured. */
    record Result(
            int connections,
            long requests,
            long errors,
            Map<Integer, Long> statuses,
            Histogram latency,
            Duration window,
            long generatorCpuNanos,
            CpuMeter.Sample cpu,
            List<String> errorSamples,
            Duration warmup) {
        double perSecond() {
            return requests / (window.toNanos() / 1e9);
        }
    }

    private LoadRunner() {}

    /** Runs until every sender's {@link Sender#next()} returns false. */
    static Result untilDone(InetSocketAddress address, int connections, Workload workload) {
        return run(address, connections, workload, Duration.ZERO, null);
    }

    /** Runs for at least {@code warmup} and until the JIT settled (not counted), then {@code measure}. */
    static Result forDuration(
            InetSocketAddress address, int connections, Workload workload, Duration warmup, Duration measure) {
        return run(address, connections, workload, warmup, measure);
    }

    /** How the generator drives its connections. */
    enum Mode {
        /** One thread per connection, blocking sockets. */
        BLOCKING,
        /** One event-loop thread for all connections ({@link NioSenders}). */
        NIO
    }

    private static volatile Mode mode = Mode.NIO;

    static void mode(Mode value) {
        mode = value;
    }

    static Mode mode() {
        return mode;
    }

    private static Result run(
            InetSocketAddress address, int connections, Workload workload, Duration warmup, Duration measure) {
        Window window = new Window();
        CountDownLatch go = new CountDownLatch(1);
        List<Worker> workers = new ArrayList<>();
        CountDownLatch ready;
        if (mode == Mode.NIO) {
            ready = new CountDownLatch(1);
            List<Sender> senders = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                senders.add(workload.sender(i));
            }
            workers.add(new NioSenders(0, address, senders, window, ready, go));
        } else {
            ready = new CountDownLatch(connections);
            for (int i = 0; i < connections; i++) {
                workers.add(new SenderThread(i, address, workload.sender(i), window, ready, go));
            }
        }
        workers.forEach(Thread::start);
        try {
            ready.await();
            CpuMeter cpuMeter = new CpuMeter();
            long start = System.nanoTime();
            Duration warmedUp = Duration.ZERO;
            if (warmup.isZero()) {
                window.until = measure == null ? Long.MAX_VALUE : start + measure.toNanos();
                window.from = start;
                go.countDown();
            } else {
                go.countDown();
                warmedUp = JitWarmup.await(warmup);
                long from = System.nanoTime();
                window.until = measure == null ? Long.MAX_VALUE : from + measure.toNanos();
                window.from = from;
            }
            CpuMeter.Mark cpuStart = cpuMeter.mark();
            if (measure != null) {
                sleepUntil(window.until);
                window.stopped = true;
            }
            for (Worker t : workers) {
                t.join();
            }
            long end = measure == null ? lastAnswer(workers, start) : window.until;
            CpuMeter.Sample cpu = cpuMeter.since(cpuStart);
            Histogram merged = new Histogram(60_000_000L, 3);
            long requests = 0;
            long errors = 0;
            long generatorCpu = 0;
            Map<Integer, Long> statuses = new TreeMap<>();
            List<String> samples = new ArrayList<>();
            for (Worker t : workers) {
                merged.add(t.histogram);
                requests += t.requests;
                errors += t.errors;
                generatorCpu += t.cpuNanos;
                t.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
                if (samples.size() < 5) {
                    samples.addAll(t.errorSamples.subList(0, Math.min(5 - samples.size(), t.errorSamples.size())));
                }
            }
            long windowStart = measure == null ? start : window.from;
            return new Result(
                    connections,
                    requests,
                    errors,
                    statuses,
                    merged,
                    Duration.ofNanos(Math.max(1, end - windowStart)),
                    generatorCpu,
                    cpu,
                    samples,
                    warmedUp);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            window.stopped = true;
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long lastAnswer(List<Worker> workers, long fallback) {
        long last = fallback;
        for (Worker t : workers) {
            last = Math.max(last, t.lastAnswerNanos);
        }
        return last;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 100)));
        }
    }

    /** The measured window (nanoTime); requests started before {@code from} are warm-up. */
    static final class Window {
        volatile long from = Long.MAX_VALUE;
        volatile long until = Long.MAX_VALUE;
        volatile boolean stopped;
    }

    /** A thread that sends and what it measured. */
    abstract static class Worker extends Thread {
        final Histogram histogram = new Histogram(60_000_000L, 3);
        final Map<Integer, Long> statuses = new TreeMap<>();
        final List<String> errorSamples = new ArrayList<>();
        long requests;
        long errors;
        long cpuNanos;
        long lastAnswerNanos;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }
    }

    private static final class SenderThread extends Worker {
        private static final AtomicLong IDS = new AtomicLong();
        final LeanHttpConnection connection;
        final Sender sender;
        final Window clock;
        final CountDownLatch ready;
        final CountDownLatch go;

        SenderThread(
                int index,
                InetSocketAddress address,
                Sender sender,
                Window clock,
                CountDownLatch ready,
                CountDownLatch go) {
            super("bench-sender-" + index + "-" + IDS.incrementAndGet());
            this.connection = new LeanHttpConnection(address);
            this.sender = sender;
            this.clock = clock;
            this.ready = ready;
            this.go = go;
        }

        @Override
        public void run() {
            try {
                ready.countDown();
                go.await();
                long cpuAtMeasureStart = -1;
                while (!clock.stopped && sender.next()) {
                    long t0 = System.nanoTime();
                    boolean measured = t0 >= clock.from;
                    if (measured && cpuAtMeasureStart < 0) {
                        cpuAtMeasureStart = THREADS.getCurrentThreadCpuTime();
                    }
                    int status;
                    try {
                        status = connection.exchange(sender.request(), 0, sender.requestLength());
                    } catch (IOException e) {
                        sender.failed(e);
                        if (measured) {
                            errors++;
                            requests++;
                            statuses.merge(0, 1L, Long::sum);
                            if (errorSamples.size() < 5) {
                                errorSamples.add(e.toString());
                            }
                        }
                        continue;
                    }
                    long t1 = System.nanoTime();
                    boolean ok = sender.answered(status, connection);
                    if (measured && t1 <= clock.until) {
                        requests++;
                        histogram.recordValue(Math.min((t1 - t0) / 1_000, 60_000_000L));
                        statuses.merge(status, 1L, Long::sum);
                        lastAnswerNanos = t1;
                        if (!ok) {
                            errors++;
                            if (errorSamples.size() < 5) {
                                errorSamples.add(status + " " + connection.bodyText());
                            }
                        }
                    }
                }
                if (cpuAtMeasureStart >= 0) {
                    cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuAtMeasureStart;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                connection.close();
            }
        }
    }
}

package dev.billing.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that process webhook events right after their delivery was answered (the answer waits only for the
 * durable insert). The core bounds how many events are handed over at once ({@code BillingOptions.backgroundPermits}),
 * so the queue cannot grow without limit. {@link #close()} runs after the HTTP API stopped: it lets the queued events
 * finish (up to a timeout); any it abandons keep their lease, which runs out, and the worker processes them.
 */
final class WebhookProcessors implements Executor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookProcessors.class);
    /** Processing mostly waits on Postgres (or Stripe when re-fetching); the group commit wants company. */
    static final int THREADS = 16;

    private final ExecutorService pool;

    WebhookProcessors() {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "billing-webhook-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public void execute(Runnable command) {
        pool.execute(command);
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Webhook events still processing after 10 s; their leases run out and the worker retries them");
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

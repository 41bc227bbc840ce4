package dev.billing.core.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs one page's writes to the target of {@link MigrateStores}, up to {@code writers} at once, and returns when every
 * one of them has finished: a copy to a store across a network is bound by one round trip per write (the ports write
 * one record at a time), so writing a page's records side by side divides the time by about the number of writers.
 * Nothing outlives {@link #runAll}: a failure is thrown once the page's other writes have finished too, so the
 * checkpoint saved after a page never runs ahead of what is written, nor a write behind it.
 */
final class PageWrites implements AutoCloseable {
    private final int writers;
    /** Made on the first page with more than one write; none when writing one at a time. */
    private ExecutorService pool;

    PageWrites(int writers) {
        if (writers < 1) {
            throw new IllegalArgumentException("writers must be at least 1, was " + writers);
        }
        this.writers = writers;
    }

    /** Runs the writes, side by side when there is more than one writer, and returns their results in order. */
    <R> List<R> runAll(List<Supplier<R>> writes) {
        List<R> results = new ArrayList<>(writes.size());
        if (writers == 1 || writes.size() < 2) {
            for (Supplier<R> write : writes) {
                results.add(write.get());
            }
            return results;
        }
        List<Future<R>> running = new ArrayList<>(writes.size());
        for (Supplier<R> write : writes) {
            running.add(pool().submit(write::get));
        }
        RuntimeException failed = null;
        Error fatal = null;
        boolean interrupted = false;
        for (Future<R> future : running) {
            // Every write is waited for, even after an interrupt or a failure: none may run on after the page.
            while (true) {
                try {
                    results.add(future.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error error) {
                        fatal = fatal == null ? error : fatal;
                    } else if (failed == null) {
                        failed = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
                    } else {
                        failed.addSuppressed(cause);
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (fatal != null) {
            throw fatal;
        }
        if (failed != null) {
            throw failed;
        }
        return results;
    }

    private ExecutorService pool() {
        if (pool == null) {
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(writers, r -> {
                Thread t = new Thread(r, "billing-migration-writer-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}

package dev.billing.http;

import dev.billing.http.wire.Responses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** Liveness, readiness, the OpenAPI document and the Prometheus scrape. */
final class OpsHandlers {
    static final Duration CHECK_TIMEOUT = Duration.ofMillis(2500);
    private static final long CACHE_MILLIS = 1000;

    private final String version;
    private final List<ReadinessCheck> checks;
    private final Supplier<String> metrics;
    private final ExecutorService executor;
    private volatile byte[] openApi;
    private volatile Readiness cached;
    private volatile boolean draining;
    /**
     * Not a monitor: before Java 24 a virtual request thread that blocks inside {@code synchronized} (here, on a
     * check that waits for a store that is down) pins its carrier, and a few such requests stall every other one.
     */
    private final ReentrantLock checking = new ReentrantLock();

    OpsHandlers(String version, List<ReadinessCheck> checks, Supplier<String> metrics) {
        this.version = version;
        this.checks = List.copyOf(checks);
        this.metrics = metrics;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "billing-readiness");
            t.setDaemon(true);
            return t;
        });
    }

    void openApi(byte[] document) {
        this.openApi = document;
    }

    Object health(Call call) {
        return new Responses.Health("ok", version);
    }

    /**
     * Every check, in parallel, each within {@link #CHECK_TIMEOUT}; the answer is reused for a second. Not ready (503)
     * only when a required check failed; the body names every check's state either way.
     */
    Object ready(Call call) {
        if (draining) {
            throw notReady("shutting down");
        }
        Readiness now = readiness();
        if (now.failed().stream().anyMatch(this::required)) {
            throw notReady(now.summary());
        }
        return new Responses.Health("ready", version, now.results());
    }

    private static ApiException notReady(String why) {
        return ApiException.of(503, "not_ready", "Not ready: " + why + ".", Map.of("Retry-After", "5"));
    }

    /** From now on not ready, whatever the checks say: the instance is about to stop. */
    void drain() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    /** 1 when the named dependency's last check passed, 0 when it failed (for the {@code billing.dependency.up} gauge). */
    double up(String name) {
        return readiness().failed().contains(name) ? 0 : 1;
    }

    List<String> checkNames() {
        return checks.stream().map(ReadinessCheck::name).toList();
    }

    private boolean required(String name) {
        return checks.stream().anyMatch(c -> c.name().equals(name) && c.required());
    }

    private Readiness readiness() {
        Readiness now = cached;
        if (now == null || System.currentTimeMillis() - now.at() > CACHE_MILLIS) {
            checking.lock();
            try {
                now = cached;
                if (now == null || System.currentTimeMillis() - now.at() > CACHE_MILLIS) {
                    now = runChecks();
                    cached = now;
                }
            } finally {
                checking.unlock();
            }
        }
        return now;
    }

    Object openApiDocument(Call call) {
        return new Reply(200, "application/json", openApi, Map.of());
    }

    Object metrics(Call call) {
        return Reply.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
    }

    void close() {
        executor.shutdownNow();
    }

    private Readiness runChecks() {
        Map<String, CompletableFuture<String>> running = new LinkedHashMap<>();
        for (ReadinessCheck check : checks) {
            running.put(
                    check.name(),
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    check.check();
                                    return null;
                                } catch (Exception e) {
                                    return e instanceof dev.billing.core.error.BillingException b
                                            ? b.code()
                                            : e.getClass().getSimpleName();
                                }
                            },
                            executor));
        }
        Map<String, String> results = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        long deadline = System.nanoTime() + CHECK_TIMEOUT.toNanos();
        running.forEach((name, future) -> {
            String error;
            try {
                error = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                future.cancel(true);
                error = "timeout";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
            } catch (java.util.concurrent.ExecutionException e) {
                error = "error";
            }
            results.put(name, error == null ? "ok" : "failed (" + error + ")");
            if (error != null) {
                failed.add(name);
            }
        });
        return new Readiness(System.currentTimeMillis(), results, failed);
    }

    private record Readiness(long at, Map<String, String> results, List<String> failed) {
        String summary() {
            List<String> parts = new ArrayList<>();
            results.forEach((name, result) -> parts.add(name + " " + result));
            return String.join(", ", parts);
        }
    }
}

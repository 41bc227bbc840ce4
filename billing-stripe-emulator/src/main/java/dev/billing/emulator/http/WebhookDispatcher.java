package dev.billing.emulator.http;

import dev.billing.emulator.DeliveryAttempt;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.state.EmulatorClock;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers events to webhook endpoints asynchronously, signed like Stripe, with retries and the
 * test switches (duplicate, delay, reorder, pause). First attempts to one endpoint are serialized
 * in emission order; retries and duplicate copies run concurrently.
 */
public final class WebhookDispatcher implements AutoCloseable {
    /** One event to one endpoint. */
    private record Delivery(
            String eventId, String eventType, String json, String endpointId, String url, String secret, int copy) {}

    private final EmulatorOptions options;
    private final EmulatorClock clock;
    private final ExecutorService pool;
    private final ExecutorService httpExecutor;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final Object lock = new Object();
    private final List<Runnable> held = new ArrayList<>();
    private final Map<String, SerialQueue> queues = new LinkedHashMap<>();
    private final List<DeliveryAttempt> log = Collections.synchronizedList(new ArrayList<>());
    private int pending;
    private volatile boolean closed;
    private volatile int duplicate = 1;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean reorder;
    private boolean paused;

    WebhookDispatcher(EmulatorOptions options, EmulatorClock clock) {
        this.options = options;
        this.clock = clock;
        this.pool = Executors.newCachedThreadPool(daemon("stripe-emulator-webhook"));
        this.httpExecutor = Executors.newCachedThreadPool(daemon("stripe-emulator-webhook-http"));
        this.scheduler = Executors.newScheduledThreadPool(1, daemon("stripe-emulator-webhook-timer"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.webhookTimeout())
                .executor(httpExecutor)
                .build();
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- switches

    public void duplicate(int copies) {
        if (copies < 1) {
            throw new IllegalArgumentException("duplicate must be >= 1");
        }
        this.duplicate = copies;
    }

    public void delay(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        this.delay = value;
    }

    public void reorder(boolean value) {
        this.reorder = value;
    }

    public void pause() {
        synchronized (lock) {
            paused = true;
        }
    }

    public void resume() {
        List<Runnable> release;
        synchronized (lock) {
            paused = false;
            release = new ArrayList<>(held);
            held.clear();
        }
        // Held actions only enqueue or submit work, so running them here keeps their order.
        release.forEach(this::gate);
    }

    /** Back to defaults: 1 copy, no delay, in order, not paused (held deliveries are released). */
    public void resetSwitches() {
        duplicate = 1;
        delay = Duration.ZERO;
        reorder = false;
        resume();
    }

    Map<String, Object> settings() {
        synchronized (lock) {
            return Json.obj(
                    "duplicate",
                    (long) duplicate,
                    "delay_ms",
                    delay.toMillis(),
                    "reorder",
                    reorder,
                    "paused",
                    paused,
                    "pending",
                    (long) pending,
                    "held",
                    (long) held.size());
        }
    }

    public int duplicateCopies() {
        return duplicate;
    }

    public Duration delayValue() {
        return delay;
    }

    public boolean reorderEnabled() {
        return reorder;
    }

    public boolean isPaused() {
        synchronized (lock) {
            return paused;
        }
    }

    // ---------------------------------------------------------------- publishing

    /** Called under the state lock with the events of one transaction, in emission order. */
    void publish(EmulatorState state, List<Map<String, Object>> events) {
        if (closed) {
            return;
        }
        Map<String, List<Delivery>> perEndpoint = new LinkedHashMap<>();
        List<Delivery> extraCopies = new ArrayList<>();
        int copies = duplicate;
        for (Map<String, Object> event : events) {
            String type = (String) event.get("type");
            String json = Json.write(state.render(event));
            for (Map<String, Object> endpoint : state.matchingEndpoints(type)) {
                String endpointId = (String) endpoint.get("id");
                String url = (String) endpoint.get("url");
                String secret = (String) endpoint.get("_secret");
                String eventId = (String) event.get("id");
                perEndpoint
                        .computeIfAbsent(endpointId, k -> new ArrayList<>())
                        .add(new Delivery(eventId, type, json, endpointId, url, secret, 1));
                for (int c = 2; c <= copies; c++) {
                    extraCopies.add(new Delivery(eventId, type, json, endpointId, url, secret, c));
                }
            }
        }
        int total = extraCopies.size()
                + perEndpoint.values().stream().mapToInt(List::size).sum();
        if (total == 0) {
            return;
        }
        synchronized (lock) {
            pending += total;
        }
        boolean reversed = reorder;
        Duration wait = delay;
        for (Map.Entry<String, List<Delivery>> entry : perEndpoint.entrySet()) {
            List<Delivery> group = new ArrayList<>(entry.getValue());
            if (reversed) {
                Collections.reverse(group);
            }
            SerialQueue queue;
            synchronized (lock) {
                queue = queues.computeIfAbsent(entry.getKey(), k -> new SerialQueue());
            }
            later(wait, () -> queue.enqueue(() -> group.forEach(d -> attempt(d, 1))));
        }
        for (Delivery d : extraCopies) {
            later(wait, () -> submit(() -> attempt(d, 1)));
        }
    }

    private void later(Duration wait, Runnable action) {
        Runnable gated = () -> gate(action);
        if (wait.isZero()) {
            gated.run();
            return;
        }
        try {
            scheduler.schedule(gated, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Runs now, or holds while paused. */
    private void gate(Runnable action) {
        synchronized (lock) {
            if (paused) {
                held.add(action);
                return;
            }
        }
        action.run();
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void attempt(Delivery d, int attempt) {
        if (closed) {
            return;
        }
        int status = 0;
        String error = null;
        try {
            long t = options.signWithEmulatedTime()
                    ? clock.nowSeconds()
                    : clock.wallNow().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(URI.create(d.url()))
                    .timeout(options.webhookTimeout())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                    .header("Cache-Control", "no-cache")
                    .header("Stripe-Signature", signatureHeader(d.secret(), t, d.json()))
                    .POST(HttpRequest.BodyPublishers.ofString(d.json(), StandardCharsets.UTF_8))
                    .build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        DeliveryAttempt record = new DeliveryAttempt(
                d.eventId(), d.eventType(), d.endpointId(), d.url(), attempt, d.copy(), status, error, clock.wallNow());
        if (closed) {
            return;
        }
        log.add(record);
        if (record.succeeded() || attempt >= options.webhookMaxAttempts()) {
            finished();
            return;
        }
        Duration backoff = options.retryDelay(attempt);
        later(backoff, () -> submit(() -> attempt(d, attempt + 1)));
    }

    private void finished() {
        synchronized (lock) {
            pending--;
            lock.notifyAll();
        }
    }

    /** Waits until nothing is queued, held, in flight or awaiting a retry. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    public List<DeliveryAttempt> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public void clearLog() {
        log.clear();
    }

    public static String signatureHeader(String secret, long timestamp, String payload) {
        return "t=" + timestamp + ",v1=" + hmacSha256Hex(secret, timestamp + "." + payload);
    }

    public static String hmacSha256Hex(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        pool.shutdownNow();
        httpExecutor.shutdownNow();
        synchronized (lock) {
            held.clear();
            pending = 0;
            lock.notifyAll();
        }
    }

    /** Runs tasks one after another on the shared pool. */
    private final class SerialQueue {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private boolean running;

        void enqueue(Runnable task) {
            synchronized (this) {
                tasks.add(task);
                if (running) {
                    return;
                }
                running = true;
            }
            submit(this::drain);
        }

        private void drain() {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = tasks.poll();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException e) {
                    // keep draining; the failing delivery is logged by attempt()
                }
            }
        }
    }
}

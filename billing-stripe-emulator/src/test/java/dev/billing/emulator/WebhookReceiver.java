package dev.billing.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook endpoint for tests: verifies Stripe-Signature itself (HMAC-SHA256 over
 * {@code "<t>.<body>"}), records every delivery, and can answer 500 to the first N requests.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One received delivery. */
    record Delivery(
            String eventId,
            String type,
            JsonNode event,
            String body,
            String signature,
            long timestamp,
            boolean signatureValid,
            long receivedAtNanos) {}

    private final HttpServer server;
    private final String secret;
    private final List<Delivery> deliveries = new ArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    WebhookReceiver(String secret) {
        this.secret = secret;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/webhook", ex -> {
            requests.incrementAndGet();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String header = ex.getRequestHeaders().getFirst("Stripe-Signature");
            long t = timestampOf(header);
            boolean valid = verify(header, body);
            JsonNode event = MAPPER.readTree(body);
            synchronized (deliveries) {
                deliveries.add(new Delivery(
                        event.path("id").asText(),
                        event.path("type").asText(),
                        event,
                        body,
                        header,
                        t,
                        valid,
                        System.nanoTime()));
                deliveries.notifyAll();
            }
            int status = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : (valid ? 200 : 400);
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook";
    }

    /** Answer 500 to the next {@code n} requests. */
    void failNext(int n) {
        failuresLeft.set(n);
    }

    int requestCount() {
        return requests.get();
    }

    List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    List<String> types() {
        return deliveries().stream().map(Delivery::type).toList();
    }

    void clear() {
        synchronized (deliveries) {
            deliveries.clear();
        }
    }

    /** Waits until {@code condition} holds (re-checked on each delivery). */
    boolean awaitUntil(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (deliveries) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                deliveries.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private static long timestampOf(String header) {
        if (header == null) {
            return -1;
        }
        for (String part : header.split(",")) {
            if (part.startsWith("t=")) {
                return Long.parseLong(part.substring(2));
            }
        }
        return -1;
    }

    /** Recomputes HMAC-SHA256(secret, "t.body") and compares with every v1 signature. */
    private boolean verify(String header, String body) {
        if (header == null) {
            return false;
        }
        long t = timestampOf(header);
        String expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            return false;
        }
        for (String part : header.split(",")) {
            if (part.startsWith("v1=")
                    && MessageDigest.isEqual(
                            part.substring(3).getBytes(StandardCharsets.UTF_8),
                            expected.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.billing.testkit.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Clerk's Frontend API JWKS endpoint: serves {@code GET /.well-known/jwks.json} on
 * {@code 127.0.0.1} at a free port, counts requests, and can misbehave on demand (slow, error status, garbage,
 * down). Thread-safe.
 *
 * <p>Usage: {@code try (JwksServer jwks = JwksServer.start(key)) { URI url = jwks.jwksUrl(); ... jwks.failWith(503); }}
 */
public final class JwksServer implements AutoCloseable {
    /** The path Clerk serves its key set at. */
    public static final String PATH = "/.well-known/jwks.json";

    private enum Mode {
        KEYS,
        STATUS,
        GARBAGE
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI jwksUrl;
    private final AtomicInteger requests = new AtomicInteger();

    private volatile String body;
    private volatile Mode mode = Mode.KEYS;
    private volatile int status = 200;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean down;

    private JwksServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the test JWKS server", e);
        }
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-jwks-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        jwksUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Starts a server publishing the public halves of the given keys. */
    public static JwksServer start(TestKey... keys) {
        JwksServer jwks = new JwksServer();
        jwks.serve(keys);
        return jwks;
    }

    /** {@code http://127.0.0.1:<port>/.well-known/jwks.json}. */
    public URI jwksUrl() {
        return jwksUrl;
    }

    /** How many HTTP requests reached the server (any path, any outcome). */
    public int requestCount() {
        return requests.get();
    }

    /** Publishes exactly these keys, and answers normally again (clears fail/garbage modes, not {@link #down()}). */
    public JwksServer serve(TestKey... keys) {
        List<Map<String, Object>> jwks = new ArrayList<>();
        for (TestKey key : keys) {
            jwks.add(key.jwk());
        }
        return serveJwks(jwks);
    }

    /** Publishes these JWK objects verbatim (for keys with odd {@code use}, {@code alg}, {@code kty}...). */
    public JwksServer serveJwks(List<Map<String, Object>> jwks) {
        body = Json.write(Map.of("keys", List.copyOf(jwks)));
        mode = Mode.KEYS;
        return this;
    }

    /** Key rotation: from now on only {@code newKey} is published. */
    public JwksServer rotate(TestKey newKey) {
        return serve(newKey);
    }

    /** Waits this long before answering each request (zero to stop). */
    public JwksServer slow(Duration wait) {
        delay = Objects.requireNonNull(wait, "wait");
        return this;
    }

    /** Answers every request with this status and an empty JSON object. */
    public JwksServer failWith(int httpStatus) {
        status = httpStatus;
        mode = Mode.STATUS;
        return this;
    }

    /** Answers 200 with a body that is not JSON. */
    public JwksServer serveGarbage() {
        mode = Mode.GARBAGE;
        return this;
    }

    /** Stops the server: its port is closed and connections are refused. Irreversible. */
    public JwksServer down() {
        down = true;
        server.stop(0);
        executor.shutdownNow();
        return this;
    }

    @Override
    public void close() {
        if (!down) {
            down();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            Duration wait = delay;
            if (!wait.isZero()) {
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                respond(exchange, 404, "{}");
                return;
            }
            switch (mode) {
                case KEYS -> respond(exchange, 200, body);
                case STATUS -> respond(exchange, status, "{}");
                case GARBAGE -> respond(exchange, 200, "<html>this is not a key set {");
            }
        }
    }

    private static void respond(HttpExchange exchange, int code, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

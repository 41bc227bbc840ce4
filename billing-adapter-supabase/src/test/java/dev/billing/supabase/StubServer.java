package dev.billing.supabase;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A scripted HTTP server standing in for Supabase where real PostgREST cannot misbehave on demand: each request
 * is recorded and answered by the function given.
 *
 * <p>Usage: {@code try (StubServer stub = StubServer.start(r -> Reply.json(502, "{}"))) { ... stub.url() ... }}
 */
final class StubServer implements AutoCloseable {
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private StubServer(Function<Received, Reply> handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-supabase");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> handle(exchange, handler));
        server.start();
    }

    static StubServer start(Function<Received, Reply> handler) {
        try {
            return new StubServer(handler);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Received> received() {
        return received;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange, Function<Received, Reply> handler) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Received request = new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("apikey"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Prefer"),
                    body);
            received.add(request);
            Reply reply = handler.apply(request);
            if (reply.delayMillis() > 0) {
                try {
                    Thread.sleep(reply.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            reply.contentRange()
                    .ifPresent(range -> exchange.getResponseHeaders().set("Content-Range", range));
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** What the stub received. */
    record Received(
            String method,
            String path,
            String rawQuery,
            String apikey,
            String authorization,
            String prefer,
            String body) {}

    /** What the stub answers. */
    record Reply(int status, String body, long delayMillis, java.util.Optional<String> contentRange) {
        static Reply json(int status, String body) {
            return new Reply(status, body, 0, java.util.Optional.empty());
        }

        static Reply slow(long delayMillis) {
            return new Reply(200, "[]", delayMillis, java.util.Optional.empty());
        }
    }
}

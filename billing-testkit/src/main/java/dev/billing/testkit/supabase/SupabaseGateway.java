package dev.billing.testkit.supabase;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API gateway in front of PostgREST, behaving like Supabase's for the REST API: serves {@code /rest/v1/*}
 * by proxying it to PostgREST without the prefix, requires an {@code apikey} header (or query parameter) holding
 * one of the project's keys, uses that key as the bearer token when no {@code Authorization} header is sent, and
 * streams bodies and headers both ways for every method.
 */
final class SupabaseGateway implements AutoCloseable {

    static final String PREFIX = "/rest/v1";
    private static final Logger LOG = LoggerFactory.getLogger(SupabaseGateway.class);
    /** Hop-by-hop headers, headers the JDK client sets itself, and the API key the gateway consumes. */
    private static final Set<String> NOT_FORWARDED_REQUEST = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host",
            "content-length",
            "expect",
            "http2-settings",
            "apikey");

    private static final Set<String> NOT_FORWARDED_RESPONSE = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "content-length",
            "date");

    private final URI upstream;
    private final Set<String> apiKeys;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;

    SupabaseGateway(URI upstream, Set<String> apiKeys) {
        this.upstream = upstream;
        this.apiKeys = Set.copyOf(apiKeys);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "supabase-gateway-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open the gateway port", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}: what a project sets as {@code SUPABASE_URL}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
                drain(exchange);
                sendJson(exchange, 404, "{\"message\":\"no Route matched with those values\"}");
                return;
            }
            String query = uri.getRawQuery();
            String apiKey = exchange.getRequestHeaders().getFirst("apikey");
            if (apiKey == null) {
                apiKey = queryParameter(query, "apikey");
                query = withoutParameter(query, "apikey");
            }
            if (apiKey == null || apiKey.isEmpty()) {
                drain(exchange);
                sendJson(exchange, 401, "{\"message\":\"No API key found in request\"}");
                return;
            }
            if (!apiKeys.contains(apiKey)) {
                drain(exchange);
                sendJson(exchange, 401, "{\"message\":\"Invalid API key\"}");
                return;
            }
            String upstreamPath = path.substring(PREFIX.length());
            URI target = URI.create(upstream
                    + (upstreamPath.isEmpty() ? "/" : upstreamPath)
                    + (query == null || query.isEmpty() ? "" : "?" + query));
            proxy(exchange, target, apiKey);
        } catch (RuntimeException e) {
            LOG.warn("Gateway failure on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            throw e;
        }
    }

    /**
     * PostgREST closes a connection after answering a HEAD without saying so; the pooled connection then fails the
     * next request before PostgREST reads it. Like a real gateway's upstream pool, a request that fails that way is
     * sent once more on a fresh connection.
     */
    private HttpResponse<InputStream> sendOnce(HttpRequest request) throws IOException, InterruptedException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException stale) {
            LOG.debug("Upstream connection failed, sending {} {} again", request.method(), request.uri(), stale);
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        }
    }

    private void proxy(HttpExchange exchange, URI target, String apiKey) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        Headers in = exchange.getRequestHeaders();
        HttpRequest.Builder request = HttpRequest.newBuilder(target).method(method, bodyOf(exchange));
        for (Map.Entry<String, List<String>> header : in.entrySet()) {
            if (!NOT_FORWARDED_REQUEST.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                for (String value : header.getValue()) {
                    request.header(header.getKey(), value);
                }
            }
        }
        if (!in.containsKey("Authorization")) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<InputStream> response;
        try {
            response = sendOnce(request.build());
        } catch (IOException e) {
            LOG.debug("PostgREST unreachable at {}", target, e);
            sendJson(exchange, 502, "{\"message\":\"An invalid response was received from the upstream server\"}");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sendJson(exchange, 502, "{\"message\":\"An invalid response was received from the upstream server\"}");
            return;
        }
        Headers out = exchange.getResponseHeaders();
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED_RESPONSE.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                out.put(name, values);
            }
        });
        int status = response.statusCode();
        long length = response.headers().firstValueAsLong("content-length").orElse(-1L);
        try (InputStream body = response.body()) {
            if (method.equals("HEAD") || status == 204 || status == 304 || status < 200) {
                if (method.equals("HEAD") && length >= 0) {
                    out.set("Content-Length", Long.toString(length));
                }
                exchange.sendResponseHeaders(status, -1);
                body.transferTo(OutputStream.nullOutputStream());
            } else {
                // JDK server: 0 means chunked, -1 means no body.
                exchange.sendResponseHeaders(status, length == 0 ? -1 : length < 0 ? 0 : length);
                try (OutputStream sink = exchange.getResponseBody()) {
                    body.transferTo(sink);
                }
            }
        }
    }

    /** The body, read whole so that a request can be sent again ({@link #sendOnce}). */
    private static HttpRequest.BodyPublisher bodyOf(HttpExchange exchange) throws IOException {
        Headers in = exchange.getRequestHeaders();
        String contentLength = in.getFirst("Content-Length");
        String transferEncoding = in.getFirst("Transfer-Encoding");
        if (contentLength != null) {
            long length = Long.parseLong(contentLength.trim());
            if (length == 0) {
                return HttpRequest.BodyPublishers.noBody();
            }
            return HttpRequest.BodyPublishers.ofByteArray(
                    exchange.getRequestBody().readAllBytes());
        }
        if (transferEncoding != null
                && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // A stream of unknown length goes on chunked, as it came.
            return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
        }
        return HttpRequest.BodyPublishers.noBody();
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
        }
    }

    static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static String withoutParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        String kept = java.util.Arrays.stream(rawQuery.split("&"))
                .filter(pair -> !pair.equals(name) && !pair.startsWith(name + "="))
                .collect(Collectors.joining("&"));
        return kept.isEmpty() ? null : kept;
    }
}

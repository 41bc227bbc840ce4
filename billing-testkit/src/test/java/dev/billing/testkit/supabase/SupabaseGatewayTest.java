package dev.billing.testkit.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway against an in-process fake upstream that records what it receives. */
class SupabaseGatewayTest {

    private static final String KEY = "service-key";
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer upstream;
    private SupabaseGateway gateway;

    record Seen(
            String method,
            String uri,
            String authorization,
            String apikey,
            String prefer,
            String range,
            String transferEncoding,
            String body) {}

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", this::upstreamHandler);
        upstream.start();
        gateway = new SupabaseGateway(
                URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()), Set.of(KEY, "anon-key"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.stop(0);
    }

    private void upstreamHandler(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        var h = exchange.getRequestHeaders();
        seen.add(new Seen(
                exchange.getRequestMethod(),
                exchange.getRequestURI().toString(),
                h.getFirst("Authorization"),
                h.getFirst("apikey"),
                h.getFirst("Prefer"),
                h.getFirst("Range"),
                h.getFirst("Transfer-Encoding"),
                body));
        exchange.getResponseHeaders().add("Content-Range", "0-1/7");
        exchange.getResponseHeaders().add("X-Upstream", "yes");
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/empty")) {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            return;
        }
        byte[] out = ("echo:" + body).getBytes(StandardCharsets.UTF_8);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
        } else if (path.equals("/chunked")) {
            exchange.sendResponseHeaders(201, 0);
            try (OutputStream o = exchange.getResponseBody()) {
                for (int i = 0; i < 1000; i++) {
                    o.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        } else {
            exchange.sendResponseHeaders(200, out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        }
        exchange.close();
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + pathAndQuery));
    }

    @Test
    void stripsTheRestPrefixAndKeepsTheRawQuery() throws Exception {
        HttpResponse<String> r = http.send(
                request("/rest/v1/customers?email=eq.a%40b.c&select=id,email")
                        .header("apikey", KEY)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.method()).isEqualTo("GET");
            assertThat(s.uri()).isEqualTo("/customers?email=eq.a%40b.c&select=id,email");
        });
    }

    @Test
    void usesTheApiKeyAsBearerTokenWhenNoAuthorizationIsSentAndHidesIt() throws Exception {
        http.send(request("/rest/v1/t").header("apikey", KEY).build(), HttpResponse.BodyHandlers.discarding());
        http.send(
                request("/rest/v1/t")
                        .header("apikey", KEY)
                        .header("Authorization", "Bearer user-jwt")
                        .build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(seen).extracting(Seen::authorization).containsExactly("Bearer " + KEY, "Bearer user-jwt");
        assertThat(seen).extracting(Seen::apikey).containsOnlyNulls();
    }

    @Test
    void acceptsTheApiKeyAsQueryParameterAndRemovesIt() throws Exception {
        HttpResponse<String> r = http.send(
                request("/rest/v1/t?apikey=" + KEY + "&id=eq.1").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(seen).singleElement().extracting(Seen::uri).isEqualTo("/t?id=eq.1");
    }

    @Test
    void missingApiKeyIs401WithSupabaseMessage() throws Exception {
        HttpResponse<String> r = http.send(request("/rest/v1/t").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.body()).isEqualTo("{\"message\":\"No API key found in request\"}");
        assertThat(seen).isEmpty();
    }

    @Test
    void unknownApiKeyIs401() throws Exception {
        HttpResponse<String> r = http.send(
                request("/rest/v1/t")
                        .header("apikey", "forged")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"message\":\"Invalid API key\"}");
        assertThat(seen).isEmpty();
    }

    @Test
    void pathsOutsideRestV1Are404() throws Exception {
        for (String path : new String[] {"/", "/auth/v1/token", "/rest/v10/t", "/t"}) {
            HttpResponse<String> r =
                    http.send(request(path).header("apikey", KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void forwardsEveryMethodWithBodiesAndPostgrestHeaders() throws Exception {
        for (String method : new String[] {"POST", "PATCH", "PUT", "DELETE"}) {
            HttpResponse<String> r = http.send(
                    request("/rest/v1/t?id=eq.1")
                            .header("apikey", KEY)
                            .header("Prefer", "return=representation,count=exact")
                            .header("Range", "0-9")
                            .method(method, HttpRequest.BodyPublishers.ofString("{\"m\":\"" + method + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("echo:{\"m\":\"" + method + "\"}");
            assertThat(r.headers().firstValue("content-range")).contains("0-1/7");
            assertThat(r.headers().firstValue("x-upstream")).contains("yes");
        }
        assertThat(seen).extracting(Seen::method).containsExactly("POST", "PATCH", "PUT", "DELETE");
        assertThat(seen).extracting(Seen::prefer).containsOnly("return=representation,count=exact");
        assertThat(seen).extracting(Seen::range).containsOnly("0-9");
    }

    @Test
    void headReturnsHeadersWithoutBody() throws Exception {
        HttpResponse<String> r = http.send(
                request("/rest/v1/t")
                        .header("apikey", KEY)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("content-range")).contains("0-1/7");
        assertThat(seen).extracting(Seen::method).containsExactly("HEAD");
    }

    @Test
    void noContentPassesThrough() throws Exception {
        HttpResponse<String> r = http.send(
                request("/rest/v1/empty")
                        .header("apikey", KEY)
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void streamsChunkedBodiesBothWays() throws Exception {
        byte[] big = "x".repeat(200_000).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(
                request("/rest/v1/chunked")
                        .header("apikey", KEY)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body().lines()).hasSize(1000).startsWith("line 0").endsWith("line 999");
        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.body()).hasSize(200_000);
            assertThat(s.transferEncoding()).isEqualToIgnoringCase("chunked");
        });
    }

    @Test
    void unreachableUpstreamIs502() throws Exception {
        upstream.stop(0);

        HttpResponse<String> r =
                http.send(request("/rest/v1/t").header("apikey", KEY).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("upstream");
    }

    @Test
    void queryHelpersHandleEdgeCases() {
        assertThat(SupabaseGateway.queryParameter(null, "apikey")).isNull();
        assertThat(SupabaseGateway.queryParameter("a=1&apikey=k%2B1", "apikey")).isEqualTo("k+1");
        assertThat(SupabaseGateway.withoutParameter("apikey=k", "apikey")).isNull();
        assertThat(SupabaseGateway.withoutParameter("apikeyx=1&apikey=k&b=2", "apikey"))
                .isEqualTo("apikeyx=1&b=2");
    }
}

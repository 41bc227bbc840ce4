package dev.billing.testkit.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small java.net.http client for calling a real server in tests. Every exchange is checked against the server's
 * OpenAPI document ({@link OpenApiContract}), fetched once from {@code /openapi.json} on the first exchange: an answer
 * (or a successful request) the document does not describe fails the test with the validator's messages. A server
 * without such a document (the Stripe emulator, a stub) is called unchecked.
 */
public final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final String base;
    private final boolean checked;
    private volatile Optional<OpenApiContract> contract;

    public Http(String base) {
        this(base, true);
    }

    private Http(String base, boolean checked) {
        this.base = base;
        this.checked = checked;
    }

    public static Http local(int port) {
        return new Http("http://127.0.0.1:" + port);
    }

    public String base() {
        return base;
    }

    /**
     * The same client without the OpenAPI check, for the few tests that must not spend a request on fetching the
     * document (an exact rate-limit budget) or that send what no document describes on purpose.
     */
    public Http unchecked() {
        return new Http(base, false);
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    }

    public Response get(String path, String token) {
        HttpRequest.Builder b = request(path).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    public Response post(String path, String token, String json) {
        return post(path, token, json, Map.of());
    }

    public Response post(String path, String token, String json, Map<String, String> headers) {
        HttpRequest.Builder b = request(path)
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        return send(b);
    }

    public Response delete(String path, String token) {
        HttpRequest.Builder b = request(path).DELETE();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    public Response send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        Response response = exchange(request);
        if (checked) {
            contract().ifPresent(c -> check(c, request, response));
        }
        return response;
    }

    private static void check(OpenApiContract contract, HttpRequest request, Response response) {
        List<String> violations = contract.violations(new OpenApiContract.Exchange(
                request.method(),
                request.uri(),
                request.headers(),
                RequestBodies.text(request),
                response.status(),
                response.headers(),
                response.body()));
        if (!violations.isEmpty()) {
            throw new AssertionError(request.method() + " " + request.uri().getRawPath()
                    + (request.uri().getRawQuery() == null
                            ? ""
                            : "?" + request.uri().getRawQuery())
                    + " -> " + response.status() + " breaks the server's /openapi.json:\n  "
                    + String.join("\n  ", violations) + "\nanswer: " + abbreviate(response.body()));
        }
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 2000 ? String.valueOf(body) : body.substring(0, 2000) + "...";
    }

    private Optional<OpenApiContract> contract() {
        Optional<OpenApiContract> known = contract;
        if (known == null) {
            synchronized (this) {
                known = contract;
                if (known == null) {
                    Response doc = exchange(request("/openapi.json").GET().build());
                    known = OpenApiContract.isDocument(doc.status(), doc.body())
                            ? Optional.of(OpenApiContract.of(doc.body()))
                            : Optional.empty();
                    contract = known;
                }
            }
        }
        return known;
    }

    private static Response exchange(HttpRequest request) {
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer: status, headers, body, with JSON helpers. */
    public record Response(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String errorCode() {
            return json().path("error").path("code").asText(null);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}

package dev.billing.supabase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Calls PostgREST behind Supabase's {@code /rest/v1} with the service-role key, and turns every failure into the
 * core's store errors: unreachable, timed out or 5xx is {@link StoreUnavailableException}; a rejected key, a
 * missing table or function, or a URL that serves no PostgREST is {@link SupabaseConfigurationException}; any
 * other error is a {@link StoreException} with PostgREST's code and message (never the key, the query string or
 * row details). Idempotent requests ({@link Request#retryable()}) are retried a couple of times, quickly, when
 * Supabase could not be reached or answered 502/503/504; nothing else is ever retried.
 */
final class PostgrestClient {
    static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final System.Logger LOG = System.getLogger(PostgrestClient.class.getName());
    private static final long[] RETRY_PAUSES_MILLIS = {50, 150, 300, 500};

    private final SupabaseConfig config;
    private final HttpClient http;
    private final String restUrl;
    private volatile boolean closed;

    PostgrestClient(SupabaseConfig config) {
        this.config = config;
        this.restUrl = config.restUrl().toString();
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                // PostgREST speaks HTTP/1.1; over TLS (Supabase) HTTP/2 is negotiated, over plain http no h2c upgrade.
                .version(
                        config.url().getScheme().equals("https")
                                ? HttpClient.Version.HTTP_2
                                : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Request get(String resource) {
        return new Request("GET", resource);
    }

    Request head(String resource) {
        return new Request("HEAD", resource);
    }

    Request post(String resource) {
        return new Request("POST", resource);
    }

    Request patch(String resource) {
        return new Request("PATCH", resource);
    }

    Request delete(String resource) {
        return new Request("DELETE", resource);
    }

    /** {@code POST /rpc/<function>} with the named arguments as a JSON object. */
    Request rpc(String function, Object arguments) {
        return new Request("POST", "rpc/" + function).json(arguments);
    }

    void close() {
        closed = true;
    }

    /** One request being built. Not thread-safe; build and send on one thread. */
    final class Request {
        private final String method;
        private final String resource;
        private final List<String> query = new ArrayList<>();
        private final List<String> prefer = new ArrayList<>();
        private final Set<Integer> accepted = new HashSet<>();
        private String body;
        private String cause;
        private boolean retryable;

        private Request(String method, String resource) {
            this.method = method;
            this.resource = resource;
        }

        /** A query parameter; the value is taken literally by PostgREST's simple operators (eq., gt., ...). */
        Request param(String name, String value) {
            query.add(encode(name) + "=" + encode(value));
            return this;
        }

        Request prefer(String preference) {
            prefer.add(preference);
            return this;
        }

        Request json(Object value) {
            try {
                body = JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new StoreException("Could not write the request to Supabase as JSON", e);
            }
            return this;
        }

        /**
         * The audit cause of this write ({@code AuditCause.text()}, or null): sent as {@code X-Billing-Cause}, which
         * PostgREST hands to the transaction, where 011's triggers read it.
         */
        Request cause(String text) {
            this.cause = text;
            return this;
        }

        /** Safe to send again: a read, or a write idempotent by construction. */
        Request retryable() {
            this.retryable = true;
            return this;
        }

        /** Hands a response with this status to the caller instead of failing (e.g. 409 for a unique violation). */
        Request accept(int status) {
            accepted.add(status);
            return this;
        }

        Response send() {
            if (closed) {
                throw new StoreException("The Supabase store is closed");
            }
            int attempts = retryable ? config.maxAttempts() : 1;
            for (int attempt = 1; ; attempt++) {
                try {
                    return sendOnce();
                } catch (StoreUnavailableException e) {
                    if (attempt >= attempts || !(e.getCause() instanceof Retry)) {
                        throw e;
                    }
                    LOG.log(
                            System.Logger.Level.DEBUG,
                            "Supabase {0} {1}: {2}; attempt {3} of {4}",
                            method,
                            resource,
                            e.getMessage(),
                            attempt + 1,
                            attempts);
                    pause(RETRY_PAUSES_MILLIS[Math.min(attempt - 1, RETRY_PAUSES_MILLIS.length - 1)]);
                }
            }
        }

        private Response sendOnce() {
            String uri = restUrl + "/" + resource + (query.isEmpty() ? "" : "?" + String.join("&", query));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                    .timeout(config.requestTimeout())
                    .header("apikey", config.serviceRoleKey())
                    .header("Authorization", "Bearer " + config.serviceRoleKey())
                    .header("Accept", "application/json");
            if (!prefer.isEmpty()) {
                request.header("Prefer", String.join(",", prefer));
            }
            if (cause != null) {
                request.header("X-Billing-Cause", cause);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpConnectTimeoutException | ConnectException e) {
                throw new StoreUnavailableException(
                        describe() + ": Supabase is unreachable ("
                                + e.getClass().getSimpleName() + ")",
                        new Retry(e));
            } catch (HttpTimeoutException e) {
                throw new StoreUnavailableException(
                        describe() + ": Supabase did not answer within "
                                + config.requestTimeout().toMillis() + " ms",
                        e);
            } catch (IOException e) {
                throw new StoreUnavailableException(
                        describe() + ": Supabase connection failed ("
                                + e.getClass().getSimpleName() + ")",
                        new Retry(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException(describe() + ": interrupted", e);
            }
            int status = response.statusCode();
            if (status / 100 == 2 || accepted.contains(status)) {
                return new Response(status, response.body(), response.headers());
            }
            throw failure(status, response.body());
        }

        private RuntimeException failure(int status, String responseBody) {
            PostgrestError error = PostgrestError.parse(responseBody);
            String what = describe() + ": HTTP " + status + error.summary(config.serviceRoleKey());
            if (status == 401 || status == 403) {
                if (error.code() == null
                        || error.code().startsWith("PGRST3")
                        || error.code().equals("42501")) {
                    return new SupabaseConfigurationException(what + ". Supabase refused the key: "
                            + "SUPABASE_SERVICE_ROLE_KEY must be the project's service_role key, and the billing SQL "
                            + "(billing-server supabase-sql) must have granted it the billing tables");
                }
            }
            if (status == 404
                    && (error.code() == null
                            || error.code().equals("PGRST202")
                            || error.code().equals("PGRST205")
                            || error.code().equals("42P01")
                            || error.code().equals("42883"))) {
                return new SupabaseConfigurationException(what + ". A billing table or function is missing, or "
                        + "SUPABASE_URL is not the project URL: apply the billing SQL (billing-server supabase-sql)");
            }
            if (status >= 500 || status == 408 || status == 429) {
                Throwable cause = status == 502 || status == 503 || status == 504 ? new Retry(null) : null;
                return new StoreUnavailableException(what, cause);
            }
            return new StoreException(what);
        }

        private String describe() {
            return "Supabase " + method + " /rest/v1/" + resource;
        }
    }

    /** A response with a status the caller accepts. */
    record Response(int status, String body, HttpHeaders headers) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new StoreException("Supabase answered with something that is not JSON (HTTP " + status + ")", e);
            }
        }

        /** The total of a {@code Prefer: count=exact} response, from {@code Content-Range: 0-9/42} or {@code * /0}. */
        long count() {
            String range = headers.firstValue("Content-Range")
                    .orElseThrow(() -> new StoreException("Supabase answered a count without Content-Range"));
            int slash = range.lastIndexOf('/');
            try {
                return Long.parseLong(range.substring(slash + 1).trim());
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw new StoreException("Supabase answered an unreadable Content-Range: " + range);
            }
        }
    }

    /** PostgREST's error body {@code {"code","message","details","hint"}}, or the gateway's {@code {"message"}}. */
    record PostgrestError(String code, String message) {

        static PostgrestError parse(String body) {
            if (body == null || body.isBlank()) {
                return new PostgrestError(null, null);
            }
            try {
                JsonNode node = JSON.readTree(body);
                if (node != null && node.isObject()) {
                    return new PostgrestError(text(node, "code"), text(node, "message"));
                }
            } catch (JsonProcessingException notJson) {
                // a proxy's HTML page: keep nothing of it
            }
            return new PostgrestError(null, null);
        }

        /** {@code ", code 23505: duplicate key ..."}: details and hints are left out (they can hold row values). */
        String summary(String secret) {
            StringBuilder s = new StringBuilder();
            if (code != null) {
                s.append(", code ").append(code);
            }
            if (message != null) {
                String clean = message.replace(secret, "<key>");
                s.append(code != null ? ": " : ", ")
                        .append(clean.length() > 300 ? clean.substring(0, 300) + "..." : clean);
            }
            return s.toString();
        }

        private static String text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }
    }

    /**
     * Marks a failure after which an idempotent request may be sent again: Supabase could not be reached, the
     * connection broke, or its gateway answered 502/503/504. (A request that timed out is not retried: Supabase is
     * slow, not down, and another attempt would only double the wait.)
     */
    private static final class Retry extends Exception {
        private static final long serialVersionUID = 1L;

        Retry(Throwable cause) {
            super(cause == null ? "gateway error" : cause.getClass().getSimpleName(), cause, false, false);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("Interrupted while waiting to retry a Supabase call", e);
        }
    }
}

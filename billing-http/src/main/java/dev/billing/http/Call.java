package dev.billing.http;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Identity;
import dev.billing.core.model.UserId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/**
 * One request as a route handler sees it: the caller, path and query parameters, headers, and the body (read at
 * most once, within the route's size limit, parsed strictly).
 *
 * <p>Usage: {@code UsageRequest body = call.body(UsageRequest.class); UserId user = call.user();}
 */
public final class Call {
    private final Exchange exchange;
    private final ApiRoute route;
    private final Identity identity;
    private final JsonCodec json;
    private final long maxBodyBytes;
    private final String clientIp;
    private byte[] body;

    Call(Exchange exchange, ApiRoute route, Identity identity, JsonCodec json, long maxBodyBytes, String clientIp) {
        this.clientIp = clientIp;
        this.exchange = exchange;
        this.route = route;
        this.identity = identity;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** This request acting for another billing account (an organization the caller may act for). */
    Call actingAs(Identity account) {
        return new Call(exchange, route, account, json, maxBodyBytes, clientIp);
    }

    /** The client's address as the rate limits see it (behind a trusted proxy: the forwarded one). */
    String clientIp() {
        return clientIp;
    }

    public ApiRoute route() {
        return route;
    }

    /** The verified caller of a {@link Access#USER} route. */
    public Identity identity() {
        if (identity == null) {
            throw new IllegalStateException("route " + route.key() + " has no signed-in caller");
        }
        return identity;
    }

    public UserId user() {
        return identity().userId();
    }

    public String pathParam(String name) {
        return exchange.pathParam(name);
    }

    public String header(String name) {
        return exchange.header(name);
    }

    public Optional<String> query(String name) {
        String value = exchange.queryParam(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** An integer query parameter within bounds, or the default; anything else is 400 {@code invalid_<name>}. */
    public int queryInt(String name, int min, int max, int defaultValue) {
        Optional<String> raw = query(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String text = raw.get();
        if (!text.matches("-?[0-9]{1,10}")) {
            throw invalidQuery(name, name + " must be a whole number between " + min + " and " + max + ".");
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            throw invalidQuery(name, name + " must be a whole number between " + min + " and " + max + ".");
        }
        return (int) value;
    }

    /** {@code true}/{@code false}, or empty when absent; anything else is 400 {@code invalid_<name>}. */
    public Optional<Boolean> queryBool(String name) {
        Optional<String> raw = query(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw invalidQuery(name, name + " must be true or false.");
        };
    }

    /** A query parameter matching {@code pattern} (max 255 chars), or empty; else 400 {@code invalid_<name>}. */
    public Optional<String> queryToken(String name, String pattern) {
        Optional<String> raw = query(name);
        if (raw.isPresent() && (raw.get().length() > 255 || !raw.get().matches(pattern))) {
            throw invalidQuery(name, name + " is malformed.");
        }
        return raw;
    }

    /** The JSON body as {@code type}; an empty body reads as {@code {}}. */
    public <T> T body(Class<T> type) {
        byte[] bytes = rawBody();
        if (bytes.length > 0 && !isJson(exchange.header("Content-Type"))) {
            throw ApiException.of(415, "unsupported_media_type", "Send the body as application/json.");
        }
        return json.read(bytes, type);
    }

    /**
     * The raw body, within the route's limit: a {@code Content-Length} above it is refused before reading, and a
     * chunked body is read only up to it. 413 {@code payload_too_large} otherwise.
     */
    public byte[] rawBody() {
        if (body != null) {
            return body;
        }
        long declared = exchange.contentLength();
        if (declared > maxBodyBytes) {
            if (declared <= maxBodyBytes + MAX_SWALLOW_BYTES) {
                swallowRest();
            }
            throw tooLarge();
        }
        try (InputStream in = exchange.body()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
            byte[] chunk = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(chunk)) != -1) {
                total += n;
                if (total > maxBodyBytes) {
                    swallowRest();
                    throw tooLarge();
                }
                out.write(chunk, 0, n);
            }
            body = out.toByteArray();
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    /**
     * How much of a body past the limit is read and dropped before the 413 goes out (Tomcat's {@code maxSwallowSize}
     * is the same idea, 2 MB): a client that is still sending then reads the answer on a connection that stays
     * open. Unread, Jetty closes the connection under the sender, whose next write meets a reset, and the client
     * may never see the 413. Larger bodies are cut off unread.
     */
    static final long MAX_SWALLOW_BYTES = 2L * 1024 * 1024;

    /** Reads and drops what is left of the body, at most {@link #MAX_SWALLOW_BYTES}; a failure only ends it. */
    private void swallowRest() {
        try {
            InputStream in = exchange.body();
            byte[] chunk = new byte[8192];
            long dropped = 0;
            int n;
            while (dropped <= MAX_SWALLOW_BYTES && (n = in.read(chunk)) != -1) {
                dropped += n;
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or the body is cut off: the 413 is still the answer
        }
    }

    private ApiException tooLarge() {
        return ApiException.of(413, "payload_too_large", "The request body is larger than " + maxBodyBytes + " bytes.");
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private static InvalidRequestException invalidQuery(String name, String message) {
        return new InvalidRequestException("invalid_" + JsonCodec.snake(name), name, message);
    }
}

package dev.billing.http;

import java.util.Map;
import java.util.Objects;

/**
 * A response other than "this record as JSON with the route's status": another status, raw content, extra headers.
 *
 * <p>Usage: {@code return Reply.json(409, body);} or {@code return Reply.text(200, "text/plain", scrape);}
 */
public record Reply(int status, String contentType, Object body, Map<String, String> headers) {
    public Reply {
        Objects.requireNonNull(headers, "headers");
        headers = Map.copyOf(headers);
    }

    public static Reply json(int status, Object body) {
        return new Reply(status, "application/json", body, Map.of());
    }

    public static Reply text(int status, String contentType, String body) {
        return new Reply(status, contentType, body, Map.of());
    }
}

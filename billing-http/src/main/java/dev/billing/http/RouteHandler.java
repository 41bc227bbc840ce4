package dev.billing.http;

/**
 * A route's logic. Returns the response body (a record, serialized as JSON with the route's success status), a
 * {@link Reply} for anything else, or null for {@code 204 No Content}.
 */
@FunctionalInterface
public interface RouteHandler {
    Object handle(Call call) throws Exception;
}

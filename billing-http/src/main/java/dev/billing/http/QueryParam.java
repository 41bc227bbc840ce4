package dev.billing.http;

import java.util.List;

/**
 * A documented query parameter of a route (for /openapi.json), with its range or its values when it has them.
 *
 * <p>Usage: {@code QueryParam.integer("limit", "1-100, default 20.").range(1, 100)}
 */
public record QueryParam(String name, String type, String description, Long min, Long max, List<String> values) {
    public QueryParam {
        values = List.copyOf(values);
    }

    public static QueryParam integer(String name, String description) {
        return new QueryParam(name, "integer", description, null, null, List.of());
    }

    public static QueryParam string(String name, String description) {
        return new QueryParam(name, "string", description, null, null, List.of());
    }

    public static QueryParam bool(String name, String description) {
        return new QueryParam(name, "boolean", description, null, null, List.of());
    }

    /** The inclusive range of an integer parameter. */
    public QueryParam range(long minimum, long maximum) {
        return new QueryParam(name, type, description, minimum, maximum, values);
    }

    /** The values a string parameter may take. */
    public QueryParam oneOf(String... allowed) {
        return new QueryParam(name, type, description, min, max, List.of(allowed));
    }
}

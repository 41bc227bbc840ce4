package dev.billing.http;

/** A documented query parameter of a route (for /openapi.json). */
public record QueryParam(String name, String type, String description) {

    public static QueryParam integer(String name, String description) {
        return new QueryParam(name, "integer", description);
    }

    public static QueryParam string(String name, String description) {
        return new QueryParam(name, "string", description);
    }

    public static QueryParam bool(String name, String description) {
        return new QueryParam(name, "boolean", description);
    }
}

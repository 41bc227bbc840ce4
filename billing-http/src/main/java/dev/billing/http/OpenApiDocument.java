package dev.billing.http;

import dev.billing.http.wire.Doc;
import dev.billing.http.wire.ErrorBody;
import dev.billing.http.wire.OneOf;
import dev.billing.http.wire.OptionalField;
import dev.billing.http.wire.Range;
import dev.billing.http.wire.Requests;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the OpenAPI 3.0 document from the route table: one operation per route, its parameters, security, body
 * and answers, and a schema per body record (read by reflection from the records' components).
 *
 * <p>Usage: {@code Map<String, Object> doc = OpenApiDocument.of(routes, "1.0.0");}
 */
final class OpenApiDocument {
    private final Map<String, Object> schemas = new TreeMap<>();

    private OpenApiDocument() {}

    static Map<String, Object> of(List<ApiRoute> routes, String version) {
        return new OpenApiDocument().build(routes, version);
    }

    private Map<String, Object> build(List<ApiRoute> routes, String version) {
        schemaRef(ErrorBody.class);
        Map<String, Object> paths = new TreeMap<>();
        for (ApiRoute route : routes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item =
                    (Map<String, Object>) paths.computeIfAbsent(route.path(), p -> new TreeMap<String, Object>());
            item.put(route.method().name().toLowerCase(Locale.ROOT), operation(route));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put(
                "info",
                Map.of(
                        "title",
                        "billing",
                        "version",
                        version,
                        "description",
                        "Stripe-first billing: customers, checkout, subscriptions, invoices, entitlements "
                                + "and usage quotas. Every error is {\"error\":{\"code\",\"message\",\"requestId\"}} "
                                + "(the Error schema). A field without a value is left out of an answer, never null. "
                                + "Besides each operation's listed answers, a path or method not listed here answers "
                                + "404 not_found or 405 method_not_allowed (with Allow), HEAD on a route that is not "
                                + "public 405. Error codes: "
                                + ErrorCodes.CODE));
        doc.put("paths", paths);
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("schemas", schemas);
        components.put(
                "securitySchemes",
                Map.of(
                        "sessionToken",
                                Map.of(
                                        "type",
                                        "http",
                                        "scheme",
                                        "bearer",
                                        "bearerFormat",
                                        "JWT",
                                        "description",
                                        "A Clerk session token."),
                        "sessionCookie",
                                Map.of(
                                        "type",
                                        "apiKey",
                                        "in",
                                        "cookie",
                                        "name",
                                        "__session",
                                        "description",
                                        "Clerk's session cookie (writes also need an allowed Origin)."),
                        "adminToken", Map.of("type", "http", "scheme", "bearer", "description", "BILLING_ADMIN_TOKEN."),
                        "serviceKey",
                                Map.of(
                                        "type",
                                        "http",
                                        "scheme",
                                        "bearer",
                                        "bearerFormat",
                                        "bsk_<16 hex>_<64 hex>",
                                        "description",
                                        "A service API key (docs/AUTHENTICATION.md, \"Service keys\"), on the "
                                                + "operations that list it, with the scope each names in "
                                                + "x-service-key-scope and the party in the "
                                                + ServiceAccess.ACT_AS
                                                + " header; never on admin routes.")));
        doc.put("components", components);
        return doc;
    }

    private Map<String, Object> operation(ApiRoute route) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", operationId(route));
        op.put("summary", route.summary());
        op.put("tags", List.of(route.tag()));
        List<Object> parameters = new ArrayList<>();
        for (String name : route.pathParams()) {
            parameters.add(Map.of("name", name, "in", "path", "required", true, "schema", Map.of("type", "string")));
        }
        for (QueryParam q : route.query()) {
            Map<String, Object> schema = new LinkedHashMap<>();
            schema.put("type", q.type());
            if (q.min() != null) {
                schema.put("minimum", q.min());
            }
            if (q.max() != null) {
                schema.put("maximum", q.max());
            }
            if (!q.values().isEmpty()) {
                schema.put("enum", q.values());
            }
            parameters.add(Map.of(
                    "name",
                    q.name(),
                    "in",
                    "query",
                    "required",
                    false,
                    "description",
                    q.description(),
                    "schema",
                    schema));
        }
        if (route.idempotencyKey()) {
            // POST /usage takes 1-255 printable ASCII characters, POST /admin/refunds 1-200 characters.
            int max = route.access() == Access.ADMIN ? 200 : 255;
            parameters.add(Map.of(
                    "name",
                    "Idempotency-Key",
                    "in",
                    "header",
                    "required",
                    true,
                    "description",
                    "1-" + max + " characters; the same key and body answer the same.",
                    "schema",
                    Map.of("type", "string", "minLength", 1, "maxLength", max)));
        }
        if (ServiceAccess.scopeOf(route).isPresent()) {
            parameters.add(Map.of(
                    "name",
                    ServiceAccess.ACT_AS,
                    "in",
                    "header",
                    "required",
                    false,
                    "description",
                    "With a service key (required then): whom it acts for, user:<userId> or org:<orgId>.",
                    "schema",
                    Map.of("type", "string", "pattern", "^(user|org):[A-Za-z0-9_-]{1,128}$")));
        }
        for (String header : webhookHeaders(route)) {
            parameters.add(
                    Map.of("name", header, "in", "header", "required", true, "schema", Map.of("type", "string")));
        }
        if (!parameters.isEmpty()) {
            op.put("parameters", parameters);
        }
        if (route.requestBody() != null) {
            op.put(
                    "requestBody",
                    Map.of(
                            "required",
                            false,
                            "content",
                            Map.of("application/json", Map.of("schema", schemaRef(route.requestBody())))));
        } else if (route.access() == Access.WEBHOOK) {
            op.put(
                    "requestBody",
                    Map.of(
                            "required",
                            true,
                            "content",
                            Map.of(
                                    "application/json",
                                    Map.of(
                                            "schema",
                                            Map.of(
                                                    "type",
                                                    "object",
                                                    "description",
                                                    route.path().endsWith("/clerk")
                                                            ? "A Clerk event, exactly as Svix signed it."
                                                            : "A Stripe event, exactly as Stripe signed it.")))));
        }
        switch (route.access()) {
            case USER -> {
                List<Object> security =
                        new ArrayList<>(List.of(Map.of("sessionToken", List.of()), Map.of("sessionCookie", List.of())));
                ServiceAccess.scopeOf(route).ifPresent(scope -> {
                    security.add(Map.of("serviceKey", List.of()));
                    op.put("x-service-key-scope", scope.wireName());
                });
                op.put("security", security);
            }
            case ADMIN -> op.put("security", List.of(Map.of("adminToken", List.of())));
            default -> op.put("security", List.of());
        }
        Map<String, Object> responses = new TreeMap<>();
        Map<String, Object> success = new LinkedHashMap<>();
        success.put("description", "OK");
        if (route.responseBody() != null) {
            success.put("content", Map.of("application/json", Map.of("schema", schemaRef(route.responseBody()))));
        } else {
            success.put(
                    "content",
                    Map.of(
                            route.responseType(),
                            Map.of(
                                    "schema",
                                    Map.of(
                                            "type",
                                            route.responseType().startsWith("application/json")
                                                    ? "object"
                                                    : "string"))));
        }
        responses.put(Integer.toString(route.status()), success);
        for (int status : errorStatuses(route)) {
            responses.put(
                    Integer.toString(status),
                    Map.of(
                            "description",
                            ErrorCodes.describe(status),
                            "content",
                            Map.of(
                                    "application/json",
                                    Map.of("schema", Map.of("$ref", "#/components/schemas/Error")))));
        }
        op.put("responses", responses);
        return op;
    }

    /**
     * The route's own error statuses and those every route of its kind can answer: 400 (bad_request, a request line
     * that cannot be decoded), 431 (headers too large) and 500 always; 429 (rate limited) except for the health
     * checks and the webhooks; 401 and 403 (a token or a session) and 503 (auth, store or Stripe unavailable) for user
     * routes; 401, 403 (a service key), 404 (no admin token configured) and 503 for admin routes; 400 and 413 for the webhooks; 400, 413
     * and 415 for routes that read a JSON body.
     */
    static Set<Integer> errorStatuses(ApiRoute route) {
        Set<Integer> statuses = new TreeSet<>(route.errors());
        statuses.addAll(List.of(400, 431, 500));
        switch (route.access()) {
            case USER -> statuses.addAll(List.of(401, 403, 429, 503));
            case ADMIN -> statuses.addAll(List.of(401, 403, 404, 429, 503));
            case PUBLIC -> statuses.add(429);
            case WEBHOOK -> statuses.addAll(List.of(400, 413));
            default -> {}
        }
        if (route.requestBody() != null) {
            statuses.addAll(List.of(400, 413, 415));
        }
        return statuses;
    }

    private static List<String> webhookHeaders(ApiRoute route) {
        if (route.access() != Access.WEBHOOK) {
            return List.of();
        }
        return route.path().endsWith("/clerk")
                ? List.of("svix-id", "svix-timestamp", "svix-signature")
                : List.of("Stripe-Signature");
    }

    static String operationId(ApiRoute route) {
        StringBuilder id = new StringBuilder(route.method().name().toLowerCase(Locale.ROOT));
        for (String part : route.path().split("[/{}.-]+")) {
            if (!part.isEmpty()) {
                id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return id.toString();
    }

    private Map<String, Object> schemaRef(Class<?> type) {
        String name = schemaName(type);
        if (!schemas.containsKey(name)) {
            schemas.put(name, Map.of()); // placeholder against cycles
            schemas.put(name, objectSchema(type));
        }
        return Map.of("$ref", "#/components/schemas/" + name);
    }

    private Map<String, Object> objectSchema(Class<?> type) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        Doc doc = type.getAnnotation(Doc.class);
        if (doc != null) {
            schema.put("description", doc.value());
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                Map<String, Object> property = new LinkedHashMap<>(schemaOf(component.getGenericType()));
                Doc fieldDoc = component.getAnnotation(Doc.class);
                if (fieldDoc != null) {
                    property.put("description", fieldDoc.value());
                }
                constrain(property, component);
                if (component.getAnnotation(OptionalField.class) == null) {
                    required.add(component.getName());
                }
                if (property.containsKey("$ref") && property.size() > 1) { // a $ref's siblings are ignored
                    Object ref = property.remove("$ref");
                    property.put("allOf", List.of(Map.of("$ref", ref)));
                }
                properties.put(component.getName(), property);
            }
        }
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    /** {@link Range} and {@link OneOf} of a field as {@code minimum}/{@code maximum} and {@code enum}. */
    private static void constrain(Map<String, Object> property, RecordComponent component) {
        Range range = component.getAnnotation(Range.class);
        Map<String, Object> target = property;
        if (property.get("type") instanceof String t
                && t.equals("array")
                && property.get("items") instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked")
            Map<String, Object> items = new LinkedHashMap<>((Map<String, Object>) property.get("items"));
            property.put("items", items);
            target = items;
        }
        if (range != null) {
            if (range.min() != Long.MIN_VALUE) {
                target.put("minimum", range.min());
            }
            if (range.max() != Long.MAX_VALUE) {
                target.put("maximum", range.max());
            }
        }
        OneOf oneOf = component.getAnnotation(OneOf.class);
        if (oneOf != null) {
            target.put("enum", values(oneOf));
        }
    }

    static List<String> values(OneOf oneOf) {
        List<String> values = new ArrayList<>(List.of(oneOf.value()));
        for (Enum<?> constant : oneOf.of().getEnumConstants()) {
            values.add(wireName(constant));
        }
        return List.copyOf(values);
    }

    private static String wireName(Enum<?> constant) {
        for (String accessor : List.of("stripeName", "wireName")) {
            try {
                return (String) constant.getClass().getMethod(accessor).invoke(constant);
            } catch (ReflectiveOperationException e) {
                // try the next spelling
            }
        }
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private Map<String, Object> schemaOf(Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            if (Collection.class.isAssignableFrom(raw)) {
                Map<String, Object> array = new LinkedHashMap<>();
                array.put("type", "array");
                array.put("items", schemaOf(p.getActualTypeArguments()[0]));
                if (Set.class.isAssignableFrom(raw)) {
                    array.put("uniqueItems", true);
                }
                return array;
            }
            if (Map.class.isAssignableFrom(raw)) {
                return Map.of("type", "object", "additionalProperties", schemaOf(p.getActualTypeArguments()[1]));
            }
        }
        if (type == Object.class) {
            return Map.of(); // any JSON value (an embedded webhook payload)
        }
        if (type instanceof Class<?> c) {
            if (c == String.class) {
                return Map.of("type", "string");
            }
            if (c == long.class || c == Long.class) {
                return Map.of("type", "integer", "format", "int64");
            }
            if (c == int.class || c == Integer.class) {
                return Map.of("type", "integer", "format", "int32");
            }
            if (c == boolean.class || c == Boolean.class) {
                return Map.of("type", "boolean");
            }
            if (c == double.class || c == Double.class) {
                return Map.of("type", "number", "format", "double");
            }
            if (c == Instant.class) {
                return Map.of("type", "string", "format", "date-time");
            }
            if (c.isRecord()) {
                return schemaRef(c);
            }
        }
        throw new IllegalStateException("no OpenAPI mapping for " + type);
    }

    private static boolean isRequestBody(Class<?> type) {
        return type.getEnclosingClass() == Requests.class;
    }

    static String schemaName(Class<?> type) {
        if (type == ErrorBody.class) {
            return "Error";
        }
        if (type == ErrorBody.Detail.class) {
            return "ErrorDetail";
        }
        return isRequestBody(type) ? type.getSimpleName() + "Request" : type.getSimpleName();
    }
}

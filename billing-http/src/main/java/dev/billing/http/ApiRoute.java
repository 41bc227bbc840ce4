package dev.billing.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One row of the route table: what the server (Javalin, or Spring MVC) serves and what {@code /openapi.json}
 * documents.
 *
 * <p>Usage: {@code ApiRoute.post("/usage", Access.USER, usage::record).summary("...").body(UsageRequest.class)
 * .returns(UsageResponse.class).requiresIdempotencyKey().errors(400, 422, 429)}
 *
 * @param method        HTTP method
 * @param path          path template ({@code /stripe/invoices/{id}})
 * @param access        who may call it
 * @param tag           OpenAPI tag (group)
 * @param summary       one line for people
 * @param requestBody   JSON body record, or null
 * @param responseBody  JSON body record of the success answer, or null (then {@code responseType} says what)
 * @param responseType  content type of the success answer
 * @param status        success status
 * @param query         documented query parameters
 * @param idempotencyKey whether an {@code Idempotency-Key} header is required
 * @param errors        documented error statuses (auth and generic ones are added by the generator)
 * @param handler       the logic
 */
public record ApiRoute(
        HttpMethod method,
        String path,
        Access access,
        String tag,
        String summary,
        Class<?> requestBody,
        Class<?> responseBody,
        String responseType,
        int status,
        List<QueryParam> query,
        boolean idempotencyKey,
        Set<Integer> errors,
        RouteHandler handler) {
    public ApiRoute {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(responseType, "responseType");
        query = List.copyOf(query);
        errors = Set.copyOf(errors);
        Objects.requireNonNull(handler, "handler");
    }

    public static ApiRoute get(String path, Access access, RouteHandler handler) {
        return of(HttpMethod.GET, path, access, handler);
    }

    public static ApiRoute post(String path, Access access, RouteHandler handler) {
        return of(HttpMethod.POST, path, access, handler);
    }

    public static ApiRoute delete(String path, Access access, RouteHandler handler) {
        return of(HttpMethod.DELETE, path, access, handler);
    }

    private static ApiRoute of(HttpMethod method, String path, Access access, RouteHandler handler) {
        return new ApiRoute(
                method, path, access, "", "", null, null, "application/json", 200, List.of(), false, Set.of(), handler);
    }

    public ApiRoute tag(String value) {
        return new ApiRoute(
                method,
                path,
                access,
                value,
                summary,
                requestBody,
                responseBody,
                responseType,
                status,
                query,
                idempotencyKey,
                errors,
                handler);
    }

    public ApiRoute summary(String value) {
        return new ApiRoute(
                method,
                path,
                access,
                tag,
                value,
                requestBody,
                responseBody,
                responseType,
                status,
                query,
                idempotencyKey,
                errors,
                handler);
    }

    public ApiRoute body(Class<?> value) {
        return new ApiRoute(
                method,
                path,
                access,
                tag,
                summary,
                value,
                responseBody,
                responseType,
                status,
                query,
                idempotencyKey,
                errors,
                handler);
    }

    public ApiRoute returns(Class<?> value) {
        return new ApiRoute(
                method,
                path,
                access,
                tag,
                summary,
                requestBody,
                value,
                responseType,
                status,
                query,
                idempotencyKey,
                errors,
                handler);
    }

    public ApiRoute returnsText(String contentType) {
        return new ApiRoute(
                method,
                path,
                access,
                tag,
                summary,
                requestBody,
                null,
                contentType,
                status,
                query,
                idempotencyKey,
                errors,
                handler);
    }

    public ApiRoute status(int value) {
        return new ApiRoute(
                method,
                path,
                access,
                tag,
                summary,
                requestBody,
                responseBody,
                responseType,
                value,
                query,
                idempotencyKey,
                errors,
                handler);
    }

    public ApiRoute query(QueryParam... params) {
        List<QueryParam> all = new ArrayList<>(query);
        all.addAll(List.of(params));
        return new ApiRoute(
                method,
                path,
                access,
                tag,
                summary,
                requestBody,
                responseBody,
                responseType,
                status,
                all,
                idempotencyKey,
                errors,
                handler);
    }

    public ApiRoute requiresIdempotencyKey() {
        return new ApiRoute(
                method,
                path,
                access,
                tag,
                summary,
                requestBody,
                responseBody,
                responseType,
                status,
                query,
                true,
                errors,
                handler);
    }

    public ApiRoute errors(Integer... statuses) {
        Set<Integer> all = new TreeSet<>(errors);
        all.addAll(List.of(statuses));
        return new ApiRoute(
                method,
                path,
                access,
                tag,
                summary,
                requestBody,
                responseBody,
                responseType,
                status,
                query,
                idempotencyKey,
                all,
                handler);
    }

    /** {@code GET /stripe/invoices/{id}}. */
    public String key() {
        return method.name() + " " + path;
    }

    /** The path parameters, in order ({@code id} for {@code /stripe/invoices/{id}}). */
    public List<String> pathParams() {
        List<String> names = new ArrayList<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}

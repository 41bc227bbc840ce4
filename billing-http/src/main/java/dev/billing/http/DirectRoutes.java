package dev.billing.http;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The routes whose paths have no parameters (the webhooks, the catalog, entitlements and usage, ...) served on Jetty's
 * own handler API, in front of Javalin's servlet: the same {@link ApiDispatcher#dispatch} as every route (request id,
 * headers, access checks, the route, the error answer, the access line and the request timer), without the servlet
 * request and response wrappers and Javalin's per-request context, routing and output stream, whose work these
 * requests do not need (docs/BENCHMARKS_HISTORY.md, "Webhooks and fixed-path reads beside Javalin"). Matching them is
 * one map lookup. A request these routes do not take exactly (another method, HEAD, a CORS preflight, a trailing
 * slash, an encoded path) and every route with path parameters go on to Javalin.
 */
final class DirectRoutes extends Handler.Wrapper {
    private final ApiDispatcher api;
    /** By method and path, {@code "POST /webhooks/stripe"}. */
    private final Map<String, ApiRoute> routes;

    DirectRoutes(ApiDispatcher api, List<ApiRoute> routes) {
        this.api = api;
        this.routes = routes.stream().collect(Collectors.toUnmodifiableMap(DirectRoutes::key, Function.identity()));
    }

    /** The routes {@link HttpApi} serves here: those whose paths are fixed. */
    static List<ApiRoute> of(List<ApiRoute> all) {
        return all.stream().filter(r -> r.path().indexOf('{') < 0).toList();
    }

    /** What is served here, as {@code "POST /webhooks/stripe"}, sorted. */
    List<String> served() {
        return routes.keySet().stream().sorted().toList();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        ApiRoute route = path == null ? null : routes.get(request.getMethod() + " " + path);
        if (route == null) {
            return super.handle(request, response, callback);
        }
        JettyExchange exchange = new JettyExchange(request, response, path);
        api.dispatch(exchange, route);
        if (!request.consumeAvailable()) {
            // Answered before the body arrived (a 401 or 429 refuses before reading it): Jetty will close the
            // connection, and a client not told so would send its next request down a closed connection.
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        exchange.send(callback);
        return true;
    }

    private static String key(ApiRoute route) {
        return route.method().name() + " " + route.path();
    }
}

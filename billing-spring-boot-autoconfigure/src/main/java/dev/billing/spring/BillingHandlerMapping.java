package dev.billing.spring;

import dev.billing.http.ApiDispatcher;
import dev.billing.http.ApiException;
import dev.billing.http.ApiRoute;
import dev.billing.http.HttpMethod;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.http.server.PathContainer;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Serves the billing routes in Spring MVC's DispatcherServlet: a request whose path is one of the served routes'
 * goes to the {@link ApiDispatcher}, which answers exactly as the standalone server does (same JSON, same errors,
 * same authentication, CORS and rate limits). Paths of no billing route are left to the application's own
 * handlers. Its order puts it after the application's controllers and before static resources.
 */
final class BillingHandlerMapping extends AbstractHandlerMapping {
    /** After {@code RequestMappingHandlerMapping} (0), before the resource handler ({@code LOWEST_PRECEDENCE - 1}). */
    static final int ORDER = 10;

    private final ApiDispatcher api;
    private final List<Entry> entries = new ArrayList<>();

    BillingHandlerMapping(ApiDispatcher api, Predicate<ApiRoute> served) {
        this.api = api;
        PathPatternParser parser = new PathPatternParser();
        for (ApiRoute route : api.routes()) {
            if (served.test(route)) {
                entries.add(new Entry(route, parser.parse(route.path())));
            }
        }
        setOrder(ORDER);
    }

    /** The served routes' path templates. */
    List<String> paths() {
        return entries.stream().map(e -> e.route().path()).distinct().toList();
    }

    @Override
    protected Object getHandlerInternal(HttpServletRequest request) {
        PathContainer path = PathContainer.parsePath(initLookupPath(request));
        String method = request.getMethod();
        Set<String> allowed = new LinkedHashSet<>();
        Entry matchedPath = null;
        for (Entry entry : entries) {
            PathPattern.PathMatchInfo match = entry.pattern().matchAndExtract(path);
            if (match == null) {
                continue;
            }
            HttpMethod routeMethod = entry.route().method();
            allowed.add(routeMethod.name());
            matchedPath = entry;
            boolean head = method.equals("HEAD") && routeMethod == HttpMethod.GET;
            if (method.equals(routeMethod.name()) || head || method.equals("OPTIONS")) {
                matched(request, entry.route().path());
                return handler(entry.route(), match.getUriVariables());
            }
        }
        if (matchedPath == null) {
            return null;
        }
        String template = matchedPath.route().path();
        matched(request, template);
        ApiException refusal = ApiException.of(
                405,
                "method_not_allowed",
                "This route does not accept this method.",
                Map.of("Allow", String.join(", ", allowed)));
        return (HttpRequestHandler) (req, res) -> {
            ServletExchange exchange = new ServletExchange(req, res, Map.of());
            api.refuse(exchange, template, refusal);
            exchange.commit();
        };
    }

    /**
     * Names the route's template as Spring's own handler mappings do, so that Spring's {@code http.server.requests}
     * observation (its metric's {@code uri} tag and its span's name) reads {@code /stripe/subscriptions/{id}} rather
     * than {@code UNKNOWN}.
     */
    private static void matched(HttpServletRequest request, String template) {
        request.setAttribute(BEST_MATCHING_PATTERN_ATTRIBUTE, template);
        ServerHttpObservationFilter.findObservationContext(request)
                .ifPresent(context -> context.setPathPattern(template));
    }

    private HttpRequestHandler handler(ApiRoute route, Map<String, String> variables) {
        return (req, res) -> {
            ServletExchange exchange = new ServletExchange(req, res, variables);
            api.dispatch(exchange, route);
            exchange.commit();
        };
    }

    /** The dispatcher answers CORS itself (only for the configured origins); Spring's CORS handling stays out. */
    @Override
    protected HandlerExecutionChain getCorsHandlerExecutionChain(
            HttpServletRequest request, HandlerExecutionChain chain, CorsConfiguration config) {
        return chain;
    }

    private record Entry(ApiRoute route, PathPattern pattern) {}
}

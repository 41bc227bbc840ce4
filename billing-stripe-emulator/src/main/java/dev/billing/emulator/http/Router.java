package dev.billing.emulator.http;

import dev.billing.emulator.wire.Routes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Method + path-pattern routing ({@code /v1/customers/{id}}); literal segments win over variables.
 * A strict router (the Stripe API's) knows the parameters each route accepts.
 */
final class Router implements Routes {
    private record Route(String method, String pattern, String[] segments, Handler handler, ParamSpec accepts) {}

    /** A matched route; {@code accepts} is null when the router does not check parameters. */
    record Match(Handler handler, Map<String, String> vars, ParamSpec accepts) {}

    private final List<Route> routes = new ArrayList<>();
    private final Function<String, ParamSpec> declarations;

    /** A router that accepts any parameters (the emulator's own control API). */
    Router() {
        this.declarations = null;
    }

    /**
     * A strict router: every route must be declared in {@code declarations} (keyed
     * {@code "METHOD /pattern"}), and a match carries what its route accepts.
     */
    Router(Function<String, ParamSpec> declarations) {
        this.declarations = declarations;
    }

    @Override
    public Router add(String method, String pattern, Handler handler) {
        ParamSpec accepts = null;
        if (declarations != null) {
            accepts = declarations.apply(method + " " + pattern);
            if (accepts == null) {
                throw new IllegalStateException(method + " " + pattern + " declares no parameters");
            }
        }
        routes.add(new Route(method, pattern, split(pattern), handler, accepts));
        return this;
    }

    /** The registered routes, as {@code "METHOD /pattern"}. */
    List<String> routes() {
        return routes.stream().map(r -> r.method + " " + r.pattern).toList();
    }

    /** The best match: most literal segments; null if no route matches. */
    Match match(String method, String path) {
        String[] parts = split(path);
        Match best = null;
        int bestLiterals = -1;
        for (Route route : routes) {
            if (!route.method.equals(method) || route.segments.length != parts.length) {
                continue;
            }
            Map<String, String> vars = new HashMap<>();
            int literals = 0;
            boolean ok = true;
            for (int i = 0; i < parts.length; i++) {
                String seg = route.segments[i];
                if (seg.startsWith("{") && seg.endsWith("}")) {
                    if (parts[i].isEmpty()) {
                        ok = false;
                        break;
                    }
                    vars.put(seg.substring(1, seg.length() - 1), parts[i]);
                } else if (seg.equals(parts[i])) {
                    literals++;
                } else {
                    ok = false;
                    break;
                }
            }
            if (ok && literals > bestLiterals) {
                best = new Match(route.handler, vars, route.accepts);
                bestLiterals = literals;
            }
        }
        return best;
    }

    boolean anyMethodMatches(String path) {
        for (String m : List.of("GET", "POST", "DELETE")) {
            if (match(m, path) != null) {
                return true;
            }
        }
        return false;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.split("/", -1);
    }
}

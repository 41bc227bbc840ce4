package dev.billing.emulator.wire;

import java.util.Map;

/**
 * Where a resource declares the calls it answers ({@code POST /v1/customers/{id}}). The HTTP layer's
 * router implements it, so a resource names its own paths without depending on the layer above it.
 */
public interface Routes {
    /** Registers {@code handler} for a method and a path whose {@code {name}} segments are variables. */
    Routes add(String method, String pattern, Handler handler);

    /** Handles one API call and returns the JSON body (status 200). */
    @FunctionalInterface
    interface Handler {
        Map<String, Object> handle(Call call);
    }

    /**
     * A matched request; {@code stripeVersion} is the request's {@code Stripe-Version} header, or null (the few
     * routes that need one, such as ephemeral keys, refuse a request without it).
     */
    record Call(
            String method,
            String path,
            Map<String, String> vars,
            Params params,
            String requestId,
            String idempotencyKey,
            String stripeVersion) {
        public Call(
                String method,
                String path,
                Map<String, String> vars,
                Params params,
                String requestId,
                String idempotencyKey) {
            this(method, path, vars, params, requestId, idempotencyKey, null);
        }

        public String var(String name) {
            return vars.get(name);
        }
    }
}

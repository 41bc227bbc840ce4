package dev.billing.testkit.fake;

import dev.billing.core.error.GatewayRejectedException;

/** The rejections the fake's resources share. */
final class FakeErrors {
    private FakeErrors() {}

    /** Stripe's 404 for an id that names nothing. */
    static GatewayRejectedException missing(String resource, String id) {
        return new GatewayRejectedException(
                "No such " + resource + ": '" + id + "'", 404, GatewayRejectedException.RESOURCE_MISSING, "id");
    }

    /** Stripe's 400 for a parameter it refuses. */
    static GatewayRejectedException rejected(String param, String message) {
        return new GatewayRejectedException(message + ": " + param, 400, "parameter_invalid_integer", param);
    }
}

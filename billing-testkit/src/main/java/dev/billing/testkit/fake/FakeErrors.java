package dev.billing.testkit.fake;

import dev.billing.core.error.GatewayRejectedException;

/** The rejections the fake's resources share. */
final class FakeErrors {
    private FakeErrors() {
    }

    /** Stripe's 404 for an id that names nothing. */
    static GatewayRejectedException missing(String resource, String id) {
        return new GatewayRejectedException("No such " + resource + ": '" + id + "'", 404,
                GatewayRejectedException.RESOURCE_MISSING, "id");
    }
}

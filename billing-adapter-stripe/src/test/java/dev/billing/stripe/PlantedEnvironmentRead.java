package dev.billing.stripe;

import java.util.Map;

/** Planted for the architecture test: the adapter reading its configuration from the environment. Not production code. */
final class PlantedEnvironmentRead {
    private PlantedEnvironmentRead() {}

    static String secretKey() {
        return System.getenv("STRIPE_SECRET_KEY");
    }

    static Map<String, String> everything() {
        return System.getenv();
    }
}

package dev.billing.clerk;

import java.util.Map;

/** Planted for the architecture test: the adapter reading its configuration from the environment. Not production code. */
final class PlantedEnvironmentRead {
    private PlantedEnvironmentRead() {}

    static String issuer() {
        return System.getenv("CLERK_ISSUER");
    }

    static Map<String, String> everything() {
        return System.getenv();
    }
}

package dev.billing.postgres;

import java.util.Map;

/** Planted for the architecture test: the adapter reading its configuration from the environment. Not production code. */
final class PlantedEnvironmentRead {
    private PlantedEnvironmentRead() {}

    static String databaseUrl() {
        return System.getenv("DATABASE_URL");
    }

    static Map<String, String> everything() {
        return System.getenv();
    }
}

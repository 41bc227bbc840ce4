package dev.billing.supabase;

import java.util.Map;

/** Planted for the architecture test: the adapter reading its configuration from the environment. Not production code. */
final class PlantedEnvironmentRead {
    private PlantedEnvironmentRead() {}

    static String serviceRoleKey() {
        return System.getenv("SUPABASE_SERVICE_ROLE_KEY");
    }

    static Map<String, String> everything() {
        return System.getenv();
    }
}

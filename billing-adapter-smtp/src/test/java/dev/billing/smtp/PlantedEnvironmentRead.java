package dev.billing.smtp;

import java.util.Map;

/** Planted for the architecture test: the adapter reading its configuration from the environment. Not production code. */
final class PlantedEnvironmentRead {
    private PlantedEnvironmentRead() {}

    static String host() {
        return System.getenv("BILLING_SMTP_HOST");
    }

    static Map<String, String> everything() {
        return System.getenv();
    }
}

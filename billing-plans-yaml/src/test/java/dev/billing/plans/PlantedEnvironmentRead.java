package dev.billing.plans;

import java.util.Map;

/** Planted for the architecture test: the reader looking its placeholders up in the environment. Not production code. */
final class PlantedEnvironmentRead {
    private PlantedEnvironmentRead() {}

    static String proPrice() {
        return System.getenv("STRIPE_PRICE_PRO_MONTHLY");
    }

    static Map<String, String> everything() {
        return System.getenv();
    }
}

package dev.billing.spring;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Planted for the architecture test: auto-configuration that picks a Jackson. Not production code. */
final class PlantedJacksonUse {
    private PlantedJacksonUse() {}

    static Object mapper() {
        return new ObjectMapper();
    }
}

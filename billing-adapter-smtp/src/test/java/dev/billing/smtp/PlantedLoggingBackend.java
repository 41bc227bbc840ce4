package dev.billing.smtp;

import org.slf4j.LoggerFactory;

/** Planted for the architecture test: a logging library the adapter must not bring to its host. Not production code. */
public final class PlantedLoggingBackend {
    private PlantedLoggingBackend() {}

    static Object logger() {
        return LoggerFactory.getLogger(PlantedLoggingBackend.class);
    }
}

package dev.billing.http;

/** A class that logs through SLF4J directly, for the architecture test to catch. */
final class PlantedSlf4jUse {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlantedSlf4jUse.class);

    void log() {
        LOG.info("planted");
    }
}

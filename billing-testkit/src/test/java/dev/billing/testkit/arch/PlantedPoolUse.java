package dev.billing.testkit.arch;

import com.zaxxer.hikari.HikariConfig;

/** Planted for the architecture test: an adapter's library in the testkit. Not production code. */
public final class PlantedPoolUse {
    private PlantedPoolUse() {}

    static Object config() {
        return new HikariConfig();
    }
}

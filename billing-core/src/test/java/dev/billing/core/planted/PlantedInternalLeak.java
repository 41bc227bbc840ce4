package dev.billing.core.planted;

import dev.billing.core.gateway.IdempotencyKeys;

/** Planted for PublicApiTest: an API type whose public method hands out an {@code @Internal} type. Not production code. */
public final class PlantedInternalLeak {
    public IdempotencyKeys keys() {
        return null;
    }
}

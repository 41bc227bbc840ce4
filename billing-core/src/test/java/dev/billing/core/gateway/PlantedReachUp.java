package dev.billing.core.gateway;

import dev.billing.core.checkout.RedirectPolicy;

/** Planted in a low capability, reaching up to checkout: the capability rule must reject it. */
public final class PlantedReachUp {
    private PlantedReachUp() {}

    static Object reachUp(RedirectPolicy policy) {
        return policy;
    }
}

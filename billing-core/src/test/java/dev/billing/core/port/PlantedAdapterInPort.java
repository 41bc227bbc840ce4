package dev.billing.core.port;

import dev.billing.core.model.CustomerId;

/** Planted for CoreArchitectureTest: an implementation that does not belong in port. Not production code. */
public final class PlantedAdapterInPort implements ProjectionListener {
    @Override
    public void projectionChanged(CustomerId customerId) {
        // nothing: it only has to exist
    }
}

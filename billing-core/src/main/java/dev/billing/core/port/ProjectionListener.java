package dev.billing.core.port;

import dev.billing.core.model.CustomerId;

/** Told after a webhook, reconcile or user action changed a customer's projection (caches invalidate on it). */
@FunctionalInterface
public interface ProjectionListener {

    ProjectionListener NONE = customerId -> {};

    void projectionChanged(CustomerId customerId);
}

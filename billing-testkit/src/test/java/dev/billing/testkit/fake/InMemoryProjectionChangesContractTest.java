package dev.billing.testkit.fake;

import dev.billing.core.port.ProjectionChanges;
import dev.billing.testkit.contract.ProjectionChangesContract;

class InMemoryProjectionChangesContractTest extends ProjectionChangesContract {
    private final InMemoryProjectionChanges changes = new InMemoryProjectionChanges();

    @Override
    protected ProjectionChanges changes() {
        return changes;
    }
}

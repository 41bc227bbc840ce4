package dev.billing.testkit.fake;

import dev.billing.core.port.EventInbox;
import dev.billing.testkit.contract.EventInboxContract;

class InMemoryEventInboxContractTest extends EventInboxContract {
    private final InMemoryEventInbox inbox = new InMemoryEventInbox();

    @Override
    protected EventInbox inbox() {
        return inbox;
    }
}

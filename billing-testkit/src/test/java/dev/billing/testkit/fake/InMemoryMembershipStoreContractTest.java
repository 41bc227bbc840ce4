package dev.billing.testkit.fake;

import dev.billing.core.port.MembershipStore;
import dev.billing.testkit.contract.MembershipStoreContract;

class InMemoryMembershipStoreContractTest extends MembershipStoreContract {
    private final InMemoryMembershipStore store = new InMemoryMembershipStore();

    @Override
    protected MembershipStore memberships() {
        return store;
    }
}

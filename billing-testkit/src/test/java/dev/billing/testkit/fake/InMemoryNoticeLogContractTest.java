package dev.billing.testkit.fake;

import dev.billing.core.port.NoticeLog;
import dev.billing.testkit.contract.NoticeLogContract;

class InMemoryNoticeLogContractTest extends NoticeLogContract {
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();

    @Override
    protected NoticeLog log() {
        return stores.stores().notices();
    }
}

package dev.billing.testkit.fake;

import dev.billing.core.port.UsageLedger;
import dev.billing.testkit.contract.UsageLedgerContract;

class InMemoryUsageLedgerContractTest extends UsageLedgerContract {
    private final InMemoryUsageLedger ledger = new InMemoryUsageLedger();

    @Override
    protected UsageLedger ledger() {
        return ledger;
    }
}

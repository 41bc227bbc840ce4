package dev.billing.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.port.BillingStores;
import org.junit.jupiter.api.Test;

class InMemoryBillingStoresTest {

    @Test
    void pingFollowsTheStoreSwitch() {
        InMemoryBillingStores memory = InMemoryBillingStores.create();
        BillingStores stores = memory.stores();
        assertThatCode(stores::ping).doesNotThrowAnyException();
        memory.storeSwitch().down();
        assertThatThrownBy(stores::ping).isInstanceOf(StoreUnavailableException.class);
        memory.storeSwitch().up();
        assertThatCode(stores::ping).doesNotThrowAnyException();
    }

    @Test
    void itsStoresAreOneValueSoTheyCanBeCompared() {
        InMemoryBillingStores memory = InMemoryBillingStores.create();
        assertThat(memory.stores()).isEqualTo(memory.stores());
        assertThat(memory.stores()).isNotEqualTo(InMemoryBillingStores.create().stores());
    }
}

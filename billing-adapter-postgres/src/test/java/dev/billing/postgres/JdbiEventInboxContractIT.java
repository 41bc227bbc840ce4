package dev.billing.postgres;

import dev.billing.core.model.InboxStatus;
import dev.billing.core.model.StripeEvent;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.EventInbox;
import dev.billing.testkit.contract.EventInboxContract;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link EventInboxContract} against JdbiEventInbox on a fresh, migrated Postgres database, and what this store
 * keeps beyond the contract: the payload's exact bytes (a text column since V4).
 */
@ExtendWith(PostgresDatabaseExtension.class)
class JdbiEventInboxContractIT extends EventInboxContract {
    private static final String OWNER = "bytes-test";
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static BillingStores stores;

    @BeforeAll
    static void openStores(TestDatabase db) {
        stores = TestStores.open(db);
    }

    @AfterAll
    static void closeStores() {
        stores.close();
    }

    @Override
    protected EventInbox inbox() {
        return stores.inbox();
    }

    @Test
    @DisplayName("the payload reads back byte for byte: whitespace, key order, duplicate keys and number spellings")
    void keepsThePayloadsExactBytes() {
        String payload = "{\"id\": \"evt_bytes\",  \"b\":2,\"a\":[1.50, 1e2, \"\\u00e9\", \"é\"],\n\"a\":{}}";
        StripeEvent event = anEvent().withPayload(payload).createdAt(T0).build();
        Instant now = T0.plusSeconds(1);

        stores.inbox().record(event, now);
        assertThat(stores.inbox().find(event.id()).orElseThrow().event().payload()).isEqualTo(payload);
        settle(event.id(), stores.inbox().claim(event.id(), OWNER, now, LEASE).orElseThrow().leaseOwner());

        StripeEvent leased = anEvent().withPayload(payload).createdAt(T0).build();
        stores.inbox().recordLeased(leased, now, OWNER, LEASE);
        assertThat(stores.inbox().find(leased.id()).orElseThrow().event().payload()).isEqualTo(payload);
        settle(leased.id(), OWNER);
    }

    @Test
    @DisplayName("a payload with the JSON escape \\u0000 is recorded (jsonb refused it before V4)")
    void recordsThePayloadWithAnEscapedNul() {
        String payload = "{\"id\":\"evt_nul\",\"data\":{\"object\":{\"description\":\"a\\u0000b\"}}}";
        StripeEvent event = anEvent().withPayload(payload).createdAt(T0).build();

        assertThat(stores.inbox().recordLeased(event, T0, OWNER, LEASE).outcome())
                .isEqualTo(EventInbox.RecordOutcome.RECORDED);
        assertThat(stores.inbox().find(event.id()).orElseThrow().event().payload()).isEqualTo(payload);
        settle(event.id(), OWNER);
    }

    /** Marks the event processed, so the contract's {@code claimDue} tests on this shared inbox never see it. */
    private static void settle(String eventId, String owner) {
        assertThat(stores.inbox().complete(eventId, owner, InboxStatus.PROCESSED, T0.plusSeconds(2))).isTrue();
    }
}

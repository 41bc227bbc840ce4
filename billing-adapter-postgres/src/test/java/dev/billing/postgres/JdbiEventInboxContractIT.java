package dev.billing.postgres;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aCustomerLink;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.testkit.contract.EventInboxContract;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link EventInboxContract} against JdbiEventInbox on a fresh, migrated Postgres database, and what this store
 * keeps beyond the contract: the payload's exact bytes (a text column since V4), and {@code about}'s order of ties
 * and exact matching of any object id.
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

    /** This database's: the links and the entries are written in one statement. */
    @Override
    protected CustomerStore customers() {
        return stores.customers();
    }

    @Test
    @DisplayName("the payload reads back byte for byte: whitespace, key order, duplicate keys and number spellings")
    void keepsThePayloadsExactBytes() {
        String payload = "{\"id\": \"evt_bytes\",  \"b\":2,\"a\":[1.50, 1e2, \"\\u00e9\", \"é\"],\n\"a\":{}}";
        StripeEvent event = anEvent().withPayload(payload).createdAt(T0).build();
        Instant now = T0.plusSeconds(1);

        stores.inbox().record(event, now);
        assertThat(stores.inbox().find(event.id()).orElseThrow().event().payload())
                .isEqualTo(payload);
        settle(
                event.id(),
                stores.inbox()
                        .claim(event.id(), OWNER, now, LEASE)
                        .orElseThrow()
                        .leaseOwner());

        StripeEvent leased = anEvent().withPayload(payload).createdAt(T0).build();
        stores.inbox().recordLeased(leased, now, OWNER, LEASE);
        assertThat(stores.inbox().find(leased.id()).orElseThrow().event().payload())
                .isEqualTo(payload);
        settle(leased.id(), OWNER);
    }

    @Test
    @DisplayName("a payload with the JSON escape \\u0000 is recorded (jsonb refused it before V4)")
    void recordsThePayloadWithAnEscapedNul() {
        String payload = "{\"id\":\"evt_nul\",\"data\":{\"object\":{\"description\":\"a\\u0000b\"}}}";
        StripeEvent event = anEvent().withPayload(payload).createdAt(T0).build();

        assertThat(stores.inbox().recordLeased(event, T0, OWNER, LEASE).outcome())
                .isEqualTo(EventInbox.RecordOutcome.RECORDED);
        assertThat(stores.inbox().find(event.id()).orElseThrow().event().payload())
                .isEqualTo(payload);
        settle(event.id(), OWNER);
    }

    @Nested
    @DisplayName("events about objects: ties and odd ids")
    class AboutBeyondTheContract {

        @Test
        @DisplayName("entries received at the same instant come in event id order, as list has them")
        void tiesComeInEventIdOrderAsInList() {
            String customer = unique("cus_");
            String subscription = unique("sub_");
            String tie = unique("evt_");
            InboxEntry oldest = restored(unique("evt_"), customer, T0);
            InboxEntry tieB = restored(tie + "b", subscription, T0.plusSeconds(1));
            InboxEntry tieA = restored(tie + "a", customer, T0.plusSeconds(1));
            InboxEntry newest = restored(unique("evt_"), subscription, T0.plusSeconds(2));
            restored(unique("evt_"), unique("cus_"), T0.plusSeconds(3));

            assertThat(stores.inbox().about(Set.of(customer, subscription), 10))
                    .containsExactly(newest, tieA, tieB, oldest);
            assertThat(stores.inbox().about(Set.of(customer, subscription), 2)).containsExactly(newest, tieA);
            assertThat(stores.inbox().about(Set.of(customer), 10)).containsExactly(tieA, oldest);
        }

        @Test
        @DisplayName("object ids are matched exactly, whatever characters they hold")
        void objectIdsAreMatchedExactly() {
            String base = unique("obj_");
            Set<String> odd = Set.of(
                    base + ",x",
                    base + "(x)",
                    base + "\"x\"",
                    base + "\\x",
                    " " + base + " ",
                    base + ".x",
                    base + "{x}");
            for (String id : odd) {
                restored(unique("evt_"), id, T0);
            }
            restored(unique("evt_"), base, T0);

            assertThat(stores.inbox().about(odd, 10))
                    .extracting(e -> e.event().objectId())
                    .containsExactlyInAnyOrderElementsOf(odd);
        }

        /** An entry processed long ago, so the contract's claims on this shared inbox never see it. */
        private InboxEntry restored(String eventId, String objectId, Instant receivedAt) {
            StripeEvent event = anEvent()
                    .withId(eventId)
                    .forObject("customer", objectId)
                    .withPayload("{\"id\":\"" + eventId + "\"}")
                    .createdAt(receivedAt)
                    .build();
            stores.inbox()
                    .restore(new InboxEntry(
                            event, InboxStatus.PROCESSED, 1, null, receivedAt, null, null, null, receivedAt, null));
            return stores.inbox().find(eventId).orElseThrow();
        }
    }

    /** Marks the event processed, so the contract's {@code claimDue} tests on this shared inbox never see it. */
    private static void settle(String eventId, String owner) {
        assertThat(stores.inbox().complete(eventId, owner, InboxStatus.PROCESSED, T0.plusSeconds(2)))
                .isTrue();
    }

    @Nested
    @DisplayName("events whose whole effect is a link: the links and the entries in one statement")
    class LinksAndEntriesTogether {

        @Test
        @DisplayName("an entry Postgres refuses writes no link either")
        void aRefusedEntryWritesNoLink() {
            // Postgres' timestamptz ends in the year 294276: the entry's insert fails on the server.
            StripeEvent event = anEvent()
                    .createdAt(Instant.parse("+300000-01-01T00:00:00Z"))
                    .build();
            CustomerLink link = aCustomerLink(unique("user_"), unique("cus_"));
            Instant now = T0.plusSeconds(7);
            assertThatThrownBy(() -> stores.inbox()
                            .linkAndRecordProcessed(
                                    stores.customers(),
                                    List.of(new EventInbox.Processed(event, now, InboxStatus.PROCESSED, now)),
                                    List.of(link),
                                    List.of(AuditCause.event(event.id()))))
                    .isInstanceOf(StoreException.class);
            assertThat(stores.customers().findByUserId(link.userId())).isEmpty();
            assertThat(stores.inbox().find(event.id())).isEmpty();
        }

        @Test
        @DisplayName("each link is audited once, with its own event as the cause")
        void eachLinkIsAuditedWithItsEvent() {
            StripeEvent first = anEvent().createdAt(T0).build();
            StripeEvent second = anEvent().createdAt(T0).build();
            CustomerLink a = aCustomerLink(unique("user_"), unique("cus_"));
            CustomerLink b = aCustomerLink(unique("user_"), unique("cus_"));
            Instant now = T0.plusSeconds(8);
            stores.inbox()
                    .linkAndRecordProcessed(
                            stores.customers(),
                            List.of(
                                    new EventInbox.Processed(first, now, InboxStatus.PROCESSED, now),
                                    new EventInbox.Processed(second, now, InboxStatus.PROCESSED, now)),
                            List.of(a, b),
                            List.of(AuditCause.event(first.id()), AuditCause.event(second.id())));
            auditedOnceWith(a, first);
            auditedOnceWith(b, second);
        }

        private void auditedOnceWith(CustomerLink link, StripeEvent event) {
            List<AuditEntry> entries = stores.audit()
                    .list(AuditQuery.all(10).withUser(link.userId()))
                    .items();
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).cause()).isEqualTo(AuditCause.event(event.id()));
            assertThat(entries.get(0).customerId()).isEqualTo(link.customerId());
        }
    }
}

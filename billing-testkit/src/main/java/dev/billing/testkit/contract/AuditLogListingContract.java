package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aPurchase;
import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anInvoice;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.testkit.Builders.SubscriptionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link dev.billing.core.port.AuditLog} contract about reading the trail back and copying it: paging
 * by cursor, filters, and a migration's copy (restored entries keep their id, time and cause). {@link
 * AuditLogContract} extends it, so each implementation still subclasses one contract and runs both parts; they are
 * apart only so that neither file does two jobs.
 */
public abstract class AuditLogListingContract {
    BillingStores stores;
    String customer;

    /** The customer, subscription and audit ports of one store. */
    protected abstract BillingStores stores();

    @BeforeEach
    void setUpAudit() {
        stores = stores();
        customer = unique("cus_audit_");
    }

    List<AuditEntry> all(AuditQuery query) {
        List<AuditEntry> entries = new ArrayList<>();
        Page<AuditEntry> page = stores.audit().list(query);
        entries.addAll(page.items());
        while (page.hasMore()) {
            page = stores.audit().list(query.after(page.nextCursor()));
            entries.addAll(page.items());
        }
        return entries;
    }

    List<AuditEntry> ofCustomer() {
        return all(AuditQuery.all(100).withCustomer(CustomerId.of(customer)));
    }

    SubscriptionBuilder sub(String id, int second) {
        return aSubscription().withId(id).withCustomer(customer).snapshotAt(T0.plusSeconds(second));
    }

    static AuditCause event(String id) {
        return AuditCause.event(id);
    }

    @Nested
    @DisplayName("the listing")
    class Listing {
        @Test
        @DisplayName("the cursor pages through every matching entry once, newest first")
        void theCursorPagesThroughEveryMatchingEntryOnce() {
            for (int i = 0; i < 7; i++) {
                stores.subscriptions().upsertSubscription(sub(unique("sub_"), 0).build(), event("evt_p" + i));
            }
            List<AuditEntry> expected = stores.audit()
                    .list(AuditQuery.all(100).withCustomer(CustomerId.of(customer)))
                    .items();
            assertThat(expected).hasSize(7);

            List<AuditEntry> paged = new ArrayList<>();
            Page<AuditEntry> page = stores.audit().list(AuditQuery.all(3).withCustomer(CustomerId.of(customer)));
            int pages = 1;
            paged.addAll(page.items());
            while (page.hasMore()) {
                page = stores.audit()
                        .list(AuditQuery.all(3)
                                .withCustomer(CustomerId.of(customer))
                                .after(page.nextCursor()));
                paged.addAll(page.items());
                pages++;
            }
            assertThat(pages).isEqualTo(3);
            assertThat(paged).isEqualTo(expected);
            assertThat(paged).extracting(AuditEntry::id).isSortedAccordingTo((a, b) -> Long.compare(b, a));
            assertThat(paged)
                    .extracting(e -> e.cause().id())
                    .containsExactly("evt_p6", "evt_p5", "evt_p4", "evt_p3", "evt_p2", "evt_p1", "evt_p0");
        }

        @Test
        @DisplayName("filters by account (its own entries and its customer's), action and time")
        void filtersByAccountActionAndTime() {
            UserId user = UserId.of(unique("user_"));
            String id = unique("sub_");
            stores.subscriptions().upsertSubscription(sub(id, 0).build(), event("evt_f1"));
            stores.customers().link(new CustomerLink(user, CustomerId.of(customer), null, T0), event("evt_f2"));
            stores.subscriptions().upsertSubscription(sub(id, 1).withQuantity(2).build(), event("evt_f3"));
            stores.subscriptions().upsertSubscription(sub(id, 2).withQuantity(3).build(), event("evt_f4"));
            stores.subscriptions()
                    .upsertSubscription(
                            sub(unique("sub_"), 0)
                                    .withCustomer(unique("cus_other_"))
                                    .build(),
                            event("evt_other"));

            assertThat(all(AuditQuery.all(2).withUser(user)))
                    .extracting(e -> e.cause().id())
                    .containsExactly("evt_f4", "evt_f3", "evt_f2", "evt_f1");
            assertThat(all(AuditQuery.all(2).withUser(user).withAction(AuditAction.SUBSCRIPTION_QUANTITY_CHANGED)))
                    .extracting(e -> e.cause().id())
                    .containsExactly("evt_f4", "evt_f3");
            assertThat(all(AuditQuery.all(100).withUser(UserId.of(unique("user_nobody_")))))
                    .isEmpty();

            List<AuditEntry> mine = ofCustomer();
            Instant from = mine.get(2).recordedAt(); // evt_f2's
            Instant to = mine.get(0).recordedAt(); // evt_f4's, excluded
            assertThat(all(AuditQuery.all(100)
                            .withCustomer(CustomerId.of(customer))
                            .between(from, to)))
                    .containsExactlyElementsOf(mine.stream()
                            .filter(e -> !e.recordedAt().isBefore(from)
                                    && e.recordedAt().isBefore(to))
                            .toList())
                    .extracting(e -> e.cause().id())
                    .contains("evt_f2")
                    .doesNotContain("evt_f4");
        }
    }

    @Nested
    @DisplayName("a copy (migration)")
    class Copy {
        /**
         * An id above every entry of the store, far enough that tests sharing the store do not reach it first:
         * restored ids are chosen by the source, not by this store.
         */
        private long freshId() {
            List<AuditEntry> newest = stores.audit().list(AuditQuery.all(1)).items();
            long top = newest.isEmpty() ? 0 : newest.get(0).id();
            return top + 1_000 + Math.floorMod(customer.hashCode(), 1_000_000);
        }

        @Test
        @DisplayName("projection writes with the migration cause record nothing")
        void projectionWritesWithTheMigrationCauseRecordNothing() {
            String id = unique("sub_");
            var subs = stores.subscriptions();
            subs.upsertSubscription(
                    sub(id, 0).withStatus(SubscriptionStatus.TRIALING).build(), AuditCause.MIGRATION);
            subs.upsertSubscription(sub(id, 1).withQuantity(4).build(), AuditCause.MIGRATION);
            stores.customers()
                    .link(
                            new CustomerLink(UserId.of(unique("user_")), CustomerId.of(customer), null, T0),
                            AuditCause.MIGRATION);
            subs.upsertInvoice(
                    anInvoice()
                            .withId(unique("in_"))
                            .withCustomer(customer)
                            .withAmounts(2900, 2900)
                            .withVersion(sub("x", 0).build().version())
                            .build(),
                    AuditCause.MIGRATION);
            subs.recordPurchase(aPurchase().withCustomer(customer).build(), AuditCause.MIGRATION);

            assertThat(ofCustomer()).isEmpty();
            subs.upsertSubscription(sub(id, 2).withQuantity(5).build(), event("evt_after"));
            assertThat(ofCustomer())
                    .extracting(e -> e.action(), e -> e.cause().text())
                    .containsExactly(tuple(AuditAction.SUBSCRIPTION_QUANTITY_CHANGED, "event:evt_after"));
        }

        @Test
        @DisplayName("restore writes an entry with its own id, time and cause, once; entries after it come later")
        void restoreWritesAnEntryWithItsOwnIdTimeAndCauseOnce() {
            long id = freshId();
            AuditEntry created = new AuditEntry(
                    id,
                    Instant.parse("2024-03-01T10:15:30.123456Z"),
                    AuditAction.SUBSCRIPTION_CREATED,
                    unique("sub_"),
                    null,
                    CustomerId.of(customer),
                    event("evt_src_1"),
                    Map.of("new_status", "active", "price_id", "price_pro_monthly", "quantity", "1"));
            AuditEntry linked = new AuditEntry(
                    id + 1,
                    Instant.parse("2024-03-01T10:15:31Z"),
                    AuditAction.CUSTOMER_LINKED,
                    customer,
                    UserId.of(unique("user_")),
                    CustomerId.of(customer),
                    null,
                    Map.of());

            assertThat(stores.audit().restore(linked)).isTrue();
            assertThat(stores.audit().restore(created)).isTrue();
            assertThat(stores.audit().restore(created)).isFalse();
            assertThat(stores.audit().restore(linked)).isFalse();
            assertThat(ofCustomer()).containsExactly(linked, created);

            stores.subscriptions().upsertSubscription(sub(unique("sub_"), 0).build(), event("evt_later"));
            List<AuditEntry> entries = ofCustomer();
            assertThat(entries).hasSize(3);
            assertThat(entries.get(0).id()).isGreaterThan(linked.id());
            assertThat(entries.get(0).cause()).isEqualTo(event("evt_later"));
        }

        @Test
        @DisplayName("restore replaces a different entry of the same id (an erasure in the source)")
        void restoreReplacesADifferentEntryOfTheSameId() {
            AuditEntry linked = new AuditEntry(
                    freshId(),
                    Instant.parse("2024-03-01T10:15:31Z"),
                    AuditAction.CUSTOMER_LINKED,
                    customer,
                    UserId.of(unique("user_")),
                    CustomerId.of(customer),
                    event("evt_link"),
                    Map.of());
            AuditEntry erased = new AuditEntry(
                    linked.id(),
                    linked.recordedAt(),
                    linked.action(),
                    linked.entityId(),
                    UserId.of(UserId.PSEUDONYM_PREFIX + unique("p")),
                    linked.customerId(),
                    linked.cause(),
                    Map.of());

            assertThat(stores.audit().restore(linked)).isTrue();
            assertThat(stores.audit().restore(erased)).isTrue();
            assertThat(stores.audit().restore(erased)).isFalse();
            assertThat(ofCustomer()).containsExactly(erased);
        }

        @Test
        @DisplayName("a restored explicit entry counts for record's once-per-cause rule")
        void aRestoredExplicitEntryCountsForRecordsOncePerCauseRule() {
            String invoice = unique("in_");
            AuditEntry failed = new AuditEntry(
                    freshId(),
                    Instant.parse("2024-03-02T08:00:00Z"),
                    AuditAction.INVOICE_PAYMENT_FAILED,
                    invoice,
                    null,
                    CustomerId.of(customer),
                    event("evt_fail"),
                    Map.of("amount_due", "2900", "currency", "usd"));

            assertThat(stores.audit().restore(failed)).isTrue();
            assertThat(stores.audit()
                            .record(new AuditRecord(
                                    AuditAction.INVOICE_PAYMENT_FAILED,
                                    invoice,
                                    null,
                                    CustomerId.of(customer),
                                    event("evt_fail"),
                                    Map.of())))
                    .isFalse();
            assertThat(ofCustomer()).containsExactly(failed);
        }
    }
}

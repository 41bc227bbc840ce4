package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aPurchase;
import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.anInvoice;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageKey;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore.LinkResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every store does as the target of a store-to-store copy ({@code MigrateStores}), beyond its ports' own
 * contracts: each record type's {@code remove*} deletes exactly the record under its key (its neighbours stay), says
 * whether there was one, and adds nothing to the audit trail (the copy brings the source's own entries); a removed
 * link frees its customer for the link that replaces it. The stores may be shared: every test uses ids of its own.
 *
 * <p>Usage: {@code class JdbiMigrationTargetContractIT extends MigrationTargetContract { ... stores() ... }}
 */
public abstract class MigrationTargetContract {
    private static final Instant AT = T0.plusMillis(123).plusNanos(456_000);

    private BillingStores stores;
    private String id;

    /** Every store port of one store. */
    protected abstract BillingStores stores();

    @BeforeEach
    void setUpTarget() {
        stores = stores();
        id = unique("mt");
    }

    private long trail() {
        return stores.audit().list(AuditQuery.all(AuditQuery.MAX_LIMIT)).items().stream()
                .mapToLong(AuditEntry::id)
                .max()
                .orElse(0);
    }

    @Test
    @DisplayName("a removed link is gone, frees its customer for the link that replaces it, and audits nothing")
    void aRemovedLinkFreesItsCustomer() {
        UserId user = UserId.of("user_" + id);
        UserId pseudonym = UserId.of("erased_" + id);
        CustomerId customer = CustomerId.of("cus_" + id);
        UserId neighbour = UserId.of("user_" + id + "_2");
        stores.customers().link(new CustomerLink(user, customer, "a@example.com", AT), AuditCause.MIGRATION);
        stores.customers()
                .link(new CustomerLink(neighbour, CustomerId.of("cus_" + id + "_2"), null, AT), AuditCause.MIGRATION);
        long newest = trail();

        assertThat(stores.customers().remove(user)).isTrue();
        assertThat(stores.customers().remove(user)).isFalse();

        assertThat(stores.customers().findByUserId(user)).isEmpty();
        assertThat(stores.customers().findByCustomerId(customer)).isEmpty();
        assertThat(stores.customers().findByUserId(neighbour)).isPresent();
        CustomerLink moved = new CustomerLink(pseudonym, customer, null, AT);
        assertThat(stores.customers().link(moved, AuditCause.MIGRATION)).isInstanceOf(LinkResult.Linked.class);
        assertThat(trail())
                .as("no audit entry for the removal or the copy's link")
                .isEqualTo(newest);
    }

    @Test
    @DisplayName("subscriptions, invoices, purchases, refunds and invoice payments are removed by key")
    void projectionRowsAreRemovedByKey() {
        String customer = "cus_" + id;
        stores.subscriptions()
                .upsertSubscription(
                        aSubscription()
                                .withId("sub_" + id)
                                .withCustomer(customer)
                                .build(),
                        AuditCause.MIGRATION);
        stores.subscriptions()
                .upsertSubscription(
                        aSubscription()
                                .withId("sub_" + id + "_2")
                                .withCustomer(customer)
                                .build(),
                        AuditCause.MIGRATION);
        stores.subscriptions()
                .upsertInvoice(
                        anInvoice().withId("in_" + id).withCustomer(customer).build(), AuditCause.MIGRATION);
        stores.subscriptions()
                .recordPurchase(
                        aPurchase().withId("cs_" + id).withCustomer(customer).build(), AuditCause.MIGRATION);
        stores.subscriptions()
                .upsertRefund(new PaymentRefund(
                        "re_" + id,
                        CustomerId.of(customer),
                        null,
                        "pi_" + id,
                        100,
                        "usd",
                        "succeeded",
                        null,
                        AT,
                        SourceVersion.snapshot(T0)));
        InvoicePayment payment = new InvoicePayment("in_" + id, "pi_" + id);
        InvoicePayment other = new InvoicePayment("in_" + id, "pi_" + id + "_2");
        stores.subscriptions().recordInvoicePayment(payment);
        stores.subscriptions().recordInvoicePayment(other);
        long newest = trail();

        assertThat(stores.subscriptions().removeSubscription("sub_" + id)).isTrue();
        assertThat(stores.subscriptions().removeInvoice("in_" + id)).isTrue();
        assertThat(stores.subscriptions().removePurchase("cs_" + id)).isTrue();
        assertThat(stores.subscriptions().removeRefund("re_" + id)).isTrue();
        assertThat(stores.subscriptions().removeInvoicePayment(payment)).isTrue();

        assertThat(stores.subscriptions().subscriptionsOf(CustomerId.of(customer)))
                .extracting(s -> s.id())
                .containsExactly("sub_" + id + "_2");
        assertThat(stores.subscriptions().findInvoice("in_" + id)).isEmpty();
        assertThat(stores.subscriptions().purchasesOf(CustomerId.of(customer))).isEmpty();
        assertThat(stores.subscriptions().refundsOf(CustomerId.of(customer))).isEmpty();
        assertThat(stores.subscriptions().invoicePaymentsOf(List.of("in_" + id)))
                .containsExactly(other);
        assertThat(stores.subscriptions().removeSubscription("sub_" + id)).isFalse();
        assertThat(stores.subscriptions().removeInvoice("in_" + id)).isFalse();
        assertThat(stores.subscriptions().removePurchase("cs_" + id)).isFalse();
        assertThat(stores.subscriptions().removeRefund("re_" + id)).isFalse();
        assertThat(stores.subscriptions().removeInvoicePayment(payment)).isFalse();
        assertThat(trail()).isEqualTo(newest);
    }

    @Test
    @DisplayName("an inbox entry is removed whatever its status")
    void anInboxEntryIsRemoved() {
        InboxEntry entry = new InboxEntry(
                anEvent().withId("evt_" + id).build(),
                InboxStatus.FAILED,
                12,
                "boom",
                AT,
                null,
                null,
                null,
                null,
                null);
        stores.inbox().restore(entry);

        assertThat(stores.inbox().remove("evt_" + id)).isTrue();

        assertThat(stores.inbox().find("evt_" + id)).isEmpty();
        assertThat(stores.inbox().remove("evt_" + id)).isFalse();
    }

    @Test
    @DisplayName("usage counters, keys and meter reports are removed by key")
    void usageRowsAreRemovedByKey() {
        UserId user = UserId.of("user_" + id);
        UsagePeriod period = new UsagePeriod(AT, AT.plus(Duration.ofDays(30)));
        UsagePeriod previous = new UsagePeriod(AT.minus(Duration.ofDays(30)), AT);
        stores.usage().restoreCounter(new UsageCounter(user, "api_calls", period, 5, AT));
        UsageCounter kept = new UsageCounter(user, "api_calls", previous, 7, AT);
        stores.usage().restoreCounter(kept);
        stores.usage().restoreKey(new UsageKey(user, "k1", "api_calls", period.start(), "api_calls:5", 5, 5, 100, AT));
        stores.usage().restoreKey(new UsageKey(user, "k2", "api_calls", period.start(), "api_calls:1", 1, 6, 100, AT));
        stores.usage()
                .restoreReport(MeterReport.pending(
                        new MeterEvent("api_calls", CustomerId.of("cus_" + id), 5, "usage-" + id, AT)));

        assertThat(stores.usage().removeCounter(user, "api_calls", period.start()))
                .isTrue();
        assertThat(stores.usage().removeKey(user, "k1")).isTrue();
        assertThat(stores.usage().removeReport("usage-" + id)).isTrue();

        assertThat(stores.usage().countersOf(user)).containsExactly(kept);
        assertThat(stores.usage().used(user, "api_calls", period.start())).isZero();
        assertThat(stores.usage().removeCounter(user, "api_calls", period.start()))
                .isFalse();
        assertThat(stores.usage().removeKey(user, "k1")).isFalse();
        assertThat(stores.usage().removeKey(user, "k2")).isTrue();
        assertThat(stores.usage().removeReport("usage-" + id)).isFalse();
    }

    @Test
    @DisplayName("a membership and a guest purchase are removed by key")
    void membershipsAndGuestPurchasesAreRemovedByKey() {
        UserId user = UserId.of("user_" + id);
        stores.memberships().restore(new OrgMember("org_" + id, user, "org:admin", true, AT, "msg_" + id));
        OrgMember other = new OrgMember("org_" + id, UserId.of("user_" + id + "_2"), null, true, AT, "msg_" + id);
        stores.memberships().restore(other);
        stores.guests()
                .restore(new GuestPurchase(
                        "cs_guest_" + id,
                        id + "@example.com",
                        "price_credits_100",
                        1,
                        "usd",
                        500,
                        null,
                        AT,
                        null,
                        null));

        assertThat(stores.memberships().remove("org_" + id, user)).isTrue();
        assertThat(stores.guests().remove("cs_guest_" + id)).isTrue();

        assertThat(stores.memberships().find("org_" + id, user)).isEmpty();
        assertThat(stores.memberships().find("org_" + id, other.userId())).contains(other);
        assertThat(stores.guests().ofEmail(id + "@example.com")).isEmpty();
        assertThat(stores.memberships().remove("org_" + id, user)).isFalse();
        assertThat(stores.guests().remove("cs_guest_" + id)).isFalse();
    }

    @Test
    @DisplayName("an audit entry and a notice are removed by id, recording nothing about it")
    void trailEntriesAndNoticesAreRemovedById() {
        CustomerId customer = CustomerId.of("cus_" + id);
        UserId user = UserId.of("user_" + id);
        stores.audit()
                .record(new AuditRecord(
                        AuditAction.REFUND_CREATED,
                        "re_" + id,
                        null,
                        customer,
                        AuditCause.admin("req_" + id),
                        Map.of()));
        AuditEntry entry = stores.audit()
                .list(AuditQuery.all(10).withCustomer(customer))
                .items()
                .get(0);
        stores.notices()
                .record(new NoticeRecord(
                        "evt_" + id,
                        NoticeKind.values()[0],
                        user,
                        customer,
                        NoticeStatus.SENT,
                        "<m@example.com>",
                        null,
                        AT));
        NoticeEntry notice = stores.notices().forUser(user).get(0);

        assertThat(stores.audit().remove(entry.id())).isTrue();
        assertThat(stores.notices().remove(notice.id())).isTrue();

        assertThat(stores.audit()
                        .list(AuditQuery.all(10).withCustomer(customer))
                        .items())
                .isEmpty();
        assertThat(stores.notices().forUser(user)).isEmpty();
        assertThat(stores.audit().remove(entry.id())).isFalse();
        assertThat(stores.notices().remove(notice.id())).isFalse();
        // Its place is free again: the same explicit entry can be recorded (or copied) anew.
        assertThat(stores.audit().restore(entry)).isTrue();
        assertThat(stores.audit()
                        .list(AuditQuery.all(10).withCustomer(customer))
                        .items())
                .containsExactly(entry);
    }

    /**
     * A copy restores a page's entries side by side: however their restores interleave, each log's identity ends past
     * every restored id, so the entries recorded after them take new ids (an identity moved back by a lower restore
     * that set it last would hand out ids already taken).
     */
    @Test
    @DisplayName("restores run side by side leave each log's identity past every restored id")
    void restoresSideBySideLeaveEachLogsIdentityPastTheirIds() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            long base = Math.max(trail(), notices()) + 1_000;
            for (int round = 0; round < 40; round++) {
                long first = base + round * 100L;
                CustomerId customer = CustomerId.of("cus_" + id + "_" + round);
                UserId user = UserId.of("user_" + id + "_" + round);
                CyclicBarrier start = new CyclicBarrier(writers);
                List<Future<Boolean>> restores = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    long entryId = first + i;
                    restores.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        return stores.audit().restore(auditEntry(entryId, customer))
                                && stores.notices().restore(new NoticeEntry(entryId, notice(entryId, user, customer)));
                    }));
                }
                for (Future<Boolean> restore : restores) {
                    assertThat(restore.get(60, TimeUnit.SECONDS)).isTrue();
                }
                long last = first + writers - 1;

                stores.audit()
                        .record(new AuditRecord(
                                AuditAction.REFUND_CREATED,
                                "re_" + id + "_" + round + "_after",
                                null,
                                customer,
                                AuditCause.admin("req_" + id),
                                Map.of()));
                stores.notices().record(notice(-1, user, customer));

                assertThat(stores.audit()
                                .list(AuditQuery.all(20).withCustomer(customer))
                                .items())
                        .as("round %d: the trail's entries, the one recorded after the restores first", round)
                        .hasSize(writers + 1)
                        .first()
                        .satisfies(e -> assertThat(e.id()).isGreaterThan(last));
                assertThat(stores.notices().forUser(user).stream().mapToLong(NoticeEntry::id))
                        .as("round %d: the notices' ids", round)
                        .hasSize(writers + 1)
                        .filteredOn(n -> n > last)
                        .hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private long notices() {
        return stores.notices().list(NoticeQuery.all(1)).items().stream()
                .mapToLong(NoticeEntry::id)
                .max()
                .orElse(0);
    }

    private AuditEntry auditEntry(long entryId, CustomerId customer) {
        return new AuditEntry(
                entryId,
                AT,
                AuditAction.REFUND_CREATED,
                "re_" + id + "_" + entryId,
                null,
                customer,
                AuditCause.admin("req_" + id),
                Map.of());
    }

    private NoticeRecord notice(long n, UserId user, CustomerId customer) {
        return new NoticeRecord(
                "evt_" + id + "_" + n, NoticeKind.values()[0], user, customer, NoticeStatus.SENT, null, null, AT);
    }
}

package dev.billing.testkit.migration;

import static dev.billing.testkit.Builders.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.migration.MigrateStores;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.migration.MigrationReport;
import dev.billing.core.model.migration.MigrationReport.TypeReport;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageKey;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.CustomerStore.LinkResult;
import dev.billing.core.port.MigrationCheckpoint;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.InMemoryMigrationCheckpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link MigrateStores} converges: whatever the source removed or changed between two passes (an erasure moves rows
 * to a pseudonym by delete-and-insert and rewrites others at the same version), the next pass makes the target hold
 * exactly the source's records, also when it is interrupted and resumed; a dry run counts what it would do.
 */
class MigrateStoresConvergenceTest {
    private static final int N = 30;
    private static final UserId ERASED = UserId.of("user_00003");

    /** The source is a whole billing core's store, so the erasure is the real use case. */
    private final BillingHarness harness = BillingHarness.create();

    private final InMemoryBillingStores source = harness.stores();
    private final InMemoryBillingStores target = InMemoryBillingStores.create();

    MigrateStoresConvergenceTest() {
        MigrationSeed.fill(source.stores(), N);
        // An event about the user's customer that names them: the erasure redacts it in the source.
        source.inbox()
                .restore(new InboxEntry(
                        Builders.anEvent()
                                .withId("evt_about_3")
                                .forObject("customer", "cus_00003")
                                .withPayload("{\"id\":\"evt_about_3\",\"data\":{\"object\":{\"metadata\":{\"user_id\":"
                                        + "\"user_00003\"}}}}")
                                .build(),
                        dev.billing.core.model.event.InboxStatus.PROCESSED,
                        1,
                        null,
                        T0,
                        null,
                        null,
                        null,
                        T0.plusSeconds(1),
                        null));
    }

    private MigrationReport copy() {
        return MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(7)
                .run();
    }

    @Test
    void anErasureBetweenTwoPassesReachesTheTargetAndTheNextPassVerifiesClean() {
        copy();
        assertThat(everything(target.stores())).contains(ERASED.value());

        ErasePersonalData.Erased erased =
                harness.billing().useCases().erasePersonalData().erase(ERASED, ErasePersonalData.Options.localOnly());
        UserId pseudonym = erased.pseudonym();
        assertThat(erased.usageRows()).isPositive();
        assertThat(erased.memberships()).isEqualTo(1);
        assertThat(erased.guestPurchases()).isEqualTo(1);

        MigrationReport second = copy();

        assertThat(second.matches()).as(second.summary()).isTrue();
        assertThat(second.types()).allSatisfy(t -> assertThat(t.conflicts()).isZero());
        // The link under the pseudonym replaced the old one (same customer); the counters, keys and membership moved
        // (new keys written, old ones removed); the subscription, guest purchase, notice and trail rows changed in
        // place; the redacted event changed.
        assertThat(type(second, MigrationRecordType.CUSTOMER_LINKS))
                .extracting(TypeReport::written, TypeReport::removed)
                .containsExactly(1L, 1L);
        assertThat(type(second, MigrationRecordType.SUBSCRIPTIONS).changed()).isEqualTo(1);
        assertThat(type(second, MigrationRecordType.USAGE_COUNTERS))
                .extracting(TypeReport::written, TypeReport::removed)
                .containsExactly(2L, 2L);
        assertThat(type(second, MigrationRecordType.USAGE_KEYS))
                .extracting(TypeReport::written, TypeReport::removed)
                .containsExactly(2L, 2L);
        assertThat(type(second, MigrationRecordType.MEMBERSHIPS))
                .extracting(TypeReport::written, TypeReport::removed)
                .containsExactly(1L, 1L);
        assertThat(type(second, MigrationRecordType.GUEST_PURCHASES).changed()).isEqualTo(1);
        assertThat(type(second, MigrationRecordType.NOTICES).changed()).isEqualTo(1);
        assertThat(type(second, MigrationRecordType.INBOX_ENTRIES).changed()).isEqualTo(1);
        assertThat(type(second, MigrationRecordType.AUDIT_ENTRIES).written()).isPositive();
        // No trace of the erased id in any record of the target; the records stand under the pseudonym.
        assertThat(everything(target.stores()))
                .doesNotContain(ERASED.value())
                .contains(pseudonym.value())
                .isEqualTo(everything(source.stores()));
        assertThat(target.customers().findByUserId(pseudonym).orElseThrow().customerId())
                .isEqualTo(CustomerId.of("cus_00003"));
        assertThat(target.subscriptions()
                        .findSubscription("sub_00003")
                        .orElseThrow()
                        .metadata())
                .containsEntry("user_id", pseudonym.value());
        assertThat(target.usage().countersOf(pseudonym)).hasSize(2);
        assertThat(target.memberships().ofUser(pseudonym)).hasSize(1);
        // Nothing of the copy's own in the target's trail: it is the source's, entry by entry.
        assertThat(target.audit().entries()).isEqualTo(source.audit().entries());

        MigrationReport third = copy();
        assertThat(third.matches()).isTrue();
        assertThat(third.written() + third.removed())
                .as("converged: a third pass has nothing to do")
                .isZero();
    }

    /**
     * A customer that changed hands between two passes: the target holds {@code cus_1} under user_1, the source under
     * user_0, and user_1 has a new customer. Writing user_0's link finds {@code cus_1} held by user_1, whose own link
     * is rewritten in the same page. The store below makes them meet at the worst moment: user_0's write sees
     * {@code cus_1} held, then user_1's link moves; a write that removed the holder then would take user_1's new link.
     */
    @Test
    void aCustomerThatChangedHandsEndsUnderItsNewUserWhileItsOldUserMovesBesideIt() {
        InMemoryBillingStores from = InMemoryBillingStores.create();
        InMemoryBillingStores into = InMemoryBillingStores.create();
        into.customers().link(link("user_0", "cus_0"));
        into.customers().link(link("user_1", "cus_1"));
        from.customers().link(link("user_0", "cus_1"));
        from.customers().link(link("user_1", "cus_9"));
        HandOver handOver = new HandOver(into.customers());
        BillingStores target = withCustomers(into, handOver);

        MigrationReport report =
                MigrateStores.from(from.stores()).to(target).writers(8).run();

        assertThat(handOver.met).as("the two writes met as arranged").isTrue();
        assertThat(report.matches()).as(report.summary()).isTrue();
        assertThat(type(report, MigrationRecordType.CUSTOMER_LINKS).conflicts()).isZero();
        assertThat(into.customers().findByUserId(UserId.of("user_0")).map(CustomerLink::customerId))
                .contains(CustomerId.of("cus_1"));
        assertThat(into.customers().findByUserId(UserId.of("user_1")).map(CustomerLink::customerId))
                .contains(CustomerId.of("cus_9"));
    }

    /** Holds user_1's removal until user_0's write has seen cus_1 held, and that write until user_1 has moved. */
    private static final class HandOver extends BackwardsCustomers {
        private final CountDownLatch heldSeen = new CountDownLatch(1);
        private final CountDownLatch moved = new CountDownLatch(1);
        private final AtomicBoolean firstRemoval = new AtomicBoolean(true);
        private volatile boolean met;

        HandOver(CustomerStore store) {
            super(store);
        }

        @Override
        public LinkResult link(CustomerLink link) {
            LinkResult result = super.link(link);
            if (link.userId().value().equals("user_1") && result instanceof LinkResult.Linked) {
                moved.countDown();
            }
            if (link.userId().value().equals("user_0")
                    && result instanceof LinkResult.CustomerAlreadyLinked held
                    && held.link().userId().value().equals("user_1")
                    && heldSeen.getCount() > 0) {
                heldSeen.countDown();
                met = await(moved);
            }
            return result;
        }

        @Override
        public boolean remove(UserId user) {
            if (user.value().equals("user_1") && firstRemoval.getAndSet(false)) {
                await(heldSeen);
            }
            return super.remove(user);
        }

        @Override
        public Page<CustomerLink> list(String cursor, int limit) {
            return store.list(cursor, limit);
        }

        private static boolean await(CountDownLatch latch) {
            try {
                return latch.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** The stores of {@code stores} with another customer store in front of its own. */
    private static BillingStores withCustomers(InMemoryBillingStores stores, CustomerStore customers) {
        return new BillingStores(
                customers,
                stores.subscriptions(),
                stores.inbox(),
                stores.usage(),
                stores.changes(),
                stores.stores().lifecycle(),
                stores.memberships(),
                stores.guests(),
                stores.audit(),
                stores.analytics(),
                stores.notices());
    }

    private static CustomerLink link(String user, String customer) {
        return new CustomerLink(UserId.of(user), CustomerId.of(customer), user + "@example.com", T0);
    }

    @Test
    void aDryRunCountsWhatTheNextPassDoes() {
        copy();
        harness.billing().useCases().erasePersonalData().erase(ERASED, ErasePersonalData.Options.localOnly());

        MigrationReport dry = MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(5)
                .dryRun(true)
                .run();
        MigrationReport pass = copy();

        assertThat(dry.matches()).isFalse();
        assertThat(dry.removed()).isPositive();
        assertThat(dry.changed()).isPositive();
        assertThat(pass.types())
                .extracting(
                        TypeReport::read,
                        TypeReport::written,
                        TypeReport::changed,
                        TypeReport::alreadyPresent,
                        TypeReport::removed)
                .containsExactlyElementsOf(dry.types().stream()
                        .map(t -> tuple(t.read(), t.written(), t.changed(), t.alreadyPresent(), t.removed()))
                        .toList());
        assertThat(dry.summary()).contains("removed").contains("changed").contains("Nothing was written.");
    }

    @Test
    void aRemovalAndASameVersionChangeOfEveryRecordTypeReachTheTarget() {
        copy();
        removeOneAndChangeOneOfEachType(source.stores());

        MigrationReport dry = MigrateStores.from(source.stores())
                .to(target.stores())
                .dryRun(true)
                .run();
        MigrationReport pass = copy();

        assertThat(pass.matches()).as(pass.summary()).isTrue();
        for (TypeReport t : pass.types()) {
            assertThat(t.removed()).as(t.type().wireName() + " removed").isPositive();
            if (t.type() != MigrationRecordType.INVOICE_PAYMENTS) { // nothing but its key
                assertThat(t.changed()).as(t.type().wireName() + " changed").isPositive();
            }
        }
        assertThat(pass.types())
                .extracting(TypeReport::changed, TypeReport::removed)
                .containsExactlyElementsOf(dry.types().stream()
                        .map(t -> tuple(t.changed(), t.removed()))
                        .toList());
        assertThat(copy().written()).isZero();
    }

    @Test
    void aPassInterruptedWhileRemovingResumesAndConverges() {
        copy();
        harness.billing().useCases().erasePersonalData().erase(ERASED, ErasePersonalData.Options.localOnly());
        removeOneAndChangeOneOfEachType(source.stores());
        MigrationCheckpoint checkpoint = new InMemoryMigrationCheckpoint();
        int failures = 0;
        // Fails after a few target calls, again and again, until one run gets through: every cut lands elsewhere.
        for (int calls = 3; ; calls += 11) {
            target.storeSwitch().failAfter(calls, 1);
            try {
                MigrationReport report = MigrateStores.from(source.stores())
                        .to(target.stores())
                        .batchSize(4)
                        .checkpoint(checkpoint)
                        .run();
                assertThat(report.matches()).as(report.summary()).isTrue();
                break;
            } catch (StoreUnavailableException cut) {
                failures++;
            }
        }
        target.storeSwitch().up();

        assertThat(failures).as("the pass was cut several times").isGreaterThan(5);
        MigrationReport again = MigrateStores.from(source.stores())
                .to(target.stores())
                .dryRun(true)
                .run();
        assertThat(again.matches()).isTrue();
        assertThat(again.written() + again.removed()).isZero();
        assertThat(everything(target.stores())).doesNotContain(ERASED.value());
    }

    @Test
    void anEntryTheSourceNowListsElsewhereIsRewrittenNotRemoved() {
        copy();
        // Received again later (its position in the newest-first listing moves): the merge meets it in the source
        // first, then the target's stale copy further on, which the source still has under its id.
        InboxEntry entry = source.inbox().find("evt_00020").orElseThrow();
        InboxEntry moved = new InboxEntry(
                entry.event(),
                entry.status(),
                entry.attempts(),
                entry.lastError(),
                T0.plusSeconds(86_400),
                entry.nextAttemptAt(),
                entry.leaseOwner(),
                entry.leaseExpiresAt(),
                entry.processedAt(),
                entry.notifiedAt());
        source.inbox().restore(moved);

        MigrationReport pass = MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(50)
                .run();

        assertThat(pass.matches()).as(pass.summary()).isTrue();
        assertThat(target.inbox().find("evt_00020")).contains(moved);
        assertThat(type(pass, MigrationRecordType.INBOX_ENTRIES).removed()).isZero();
    }

    @Test
    void aStoreListingOutOfOrderStopsThePassBeforeItRemovesAnything() {
        copy();
        source.customers().remove(UserId.of("user_00001"));
        CustomerStore backwards = new BackwardsCustomers(target.customers());
        BillingStores shuffled = withCustomers(target, backwards);

        assertThatThrownBy(
                        () -> MigrateStores.from(source.stores()).to(shuffled).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("customer_links")
                .hasMessageContaining("out of the order");
        assertThat(target.customers().count()).isEqualTo(N);
    }

    /** Through the source's ports: per type one record removed and one changed without a newer version. */
    private static void removeOneAndChangeOneOfEachType(BillingStores s) {
        // The trail first: the changes below record entries of their own, which the target never had.
        List<AuditEntry> trail =
                s.audit().list(dev.billing.core.model.audit.AuditQuery.all(2)).items();
        s.audit().remove(trail.get(0).id());
        AuditEntry audited = trail.get(1);
        s.audit()
                .restore(new AuditEntry(
                        audited.id(),
                        audited.recordedAt(),
                        audited.action(),
                        audited.entityId(),
                        audited.userId(),
                        audited.customerId(),
                        audited.cause(),
                        Map.of("changed", "yes")));
        List<NoticeEntry> notices = s.notices().list(NoticeQuery.all(2)).items();
        s.notices().remove(notices.get(0).id());
        NoticeRecord r = notices.get(1).record();
        s.notices()
                .restore(new NoticeEntry(
                        notices.get(1).id(),
                        new NoticeRecord(
                                r.eventId(),
                                r.kind(),
                                r.userId(),
                                r.customerId(),
                                r.status(),
                                r.messageId(),
                                "changed",
                                r.at())));

        List<ServiceKey> serviceKeys = s.serviceKeys().list(null, 2).items();
        s.serviceKeys().remove(serviceKeys.get(0).id());
        s.serviceKeys().restore(serviceKeys.get(1).revoked(T0.plusSeconds(999)));

        s.customers().remove(UserId.of("user_00010"));
        CustomerLink link = s.customers().findByUserId(UserId.of("user_00011")).orElseThrow();
        s.customers().remove(link.userId());
        s.customers().link(new CustomerLink(link.userId(), link.customerId(), "changed@example.com", link.createdAt()));

        s.subscriptions().removeSubscription("sub_00010");
        s.subscriptions().pseudonymise(CustomerId.of("cus_00011"), UserId.of("user_00011"), UserId.of("erased_x11"));
        s.subscriptions().removeInvoice("in_00010");
        Invoice invoice = s.subscriptions().findInvoice("in_00011").orElseThrow();
        s.subscriptions().removeInvoice(invoice.id());
        s.subscriptions()
                .upsertInvoice(new Invoice(
                        invoice.id(),
                        invoice.customerId(),
                        invoice.subscriptionId(),
                        invoice.status(),
                        "INV-changed",
                        invoice.currency(),
                        invoice.amountDue(),
                        invoice.amountPaid(),
                        invoice.amountRemaining(),
                        invoice.tax(),
                        invoice.hostedInvoiceUrl(),
                        invoice.invoicePdf(),
                        invoice.billingReason(),
                        invoice.periodStart(),
                        invoice.periodEnd(),
                        invoice.created(),
                        invoice.version()));
        s.subscriptions().removePurchase("cs_00010");
        Purchase purchase =
                s.subscriptions().listPurchases("cs_00010", 1).items().get(0);
        s.subscriptions().removePurchase(purchase.id());
        s.subscriptions()
                .recordPurchase(new Purchase(
                        purchase.id(),
                        purchase.customerId(),
                        purchase.priceId(),
                        purchase.quantity(),
                        purchase.currency(),
                        purchase.amountTotal() + 1,
                        purchase.paymentIntentId(),
                        purchase.purchasedAt()));
        s.subscriptions().removeRefund("re_00010");
        PaymentRefund refund =
                s.subscriptions().listRefunds("re_00010", 1).items().get(0);
        s.subscriptions().removeRefund(refund.id());
        s.subscriptions()
                .upsertRefund(new PaymentRefund(
                        refund.id(),
                        refund.customerId(),
                        refund.chargeId(),
                        refund.paymentIntentId(),
                        refund.amount(),
                        refund.currency(),
                        "canceled",
                        refund.reason(),
                        refund.created(),
                        refund.version()));
        InvoicePayment payment =
                s.subscriptions().listInvoicePayments(null, 1).items().get(0);
        s.subscriptions().removeInvoicePayment(payment);

        s.inbox().remove("evt_00010");
        InboxEntry entry = s.inbox().find("evt_00011").orElseThrow();
        s.inbox()
                .restore(new InboxEntry(
                        entry.event(),
                        entry.status(),
                        entry.attempts() + 1,
                        "changed",
                        entry.receivedAt(),
                        entry.nextAttemptAt(),
                        entry.leaseOwner(),
                        entry.leaseExpiresAt(),
                        entry.processedAt(),
                        entry.notifiedAt()));

        List<UsageCounter> counters = s.usage().listCounters(null, 2).items();
        s.usage()
                .removeCounter(
                        counters.get(0).userId(),
                        counters.get(0).meter(),
                        counters.get(0).period().start());
        UsageCounter counter = counters.get(1);
        s.usage()
                .restoreCounter(new UsageCounter(
                        counter.userId(), counter.meter(), counter.period(), counter.used() + 1, counter.updatedAt()));
        List<UsageKey> keys = s.usage().listKeys(null, 2).items();
        s.usage().removeKey(keys.get(0).userId(), keys.get(0).idempotencyKey());
        UsageKey key = keys.get(1);
        s.usage().removeKey(key.userId(), key.idempotencyKey());
        s.usage()
                .restoreKey(new UsageKey(
                        key.userId(),
                        key.idempotencyKey(),
                        key.meter(),
                        key.periodStart(),
                        "changed",
                        key.amount(),
                        key.usedAfter(),
                        key.limit(),
                        key.createdAt()));
        List<MeterReport> reports = s.usage().listReports(null, 2).items();
        s.usage().removeReport(reports.get(0).identifier());
        MeterReport report = reports.get(1);
        s.usage()
                .restoreReport(new MeterReport(
                        report.event(), report.attempts() + 1, "changed", report.nextAttemptAt(), report.reportedAt()));

        List<OrgMember> members = s.memberships().list(null, 2).items();
        s.memberships().remove(members.get(0).orgId(), members.get(0).userId());
        OrgMember member = members.get(1);
        s.memberships()
                .restore(new OrgMember(
                        member.orgId(),
                        member.userId(),
                        "org:changed",
                        member.active(),
                        member.changedAt(),
                        member.eventId()));
        List<GuestPurchase> guests = s.guests().list(null, 2).items();
        s.guests().remove(guests.get(0).sessionId());
        GuestPurchase guest = guests.get(1);
        s.guests()
                .restore(new GuestPurchase(
                        guest.sessionId(),
                        "changed@example.com",
                        guest.priceId(),
                        guest.quantity(),
                        guest.currency(),
                        guest.amountTotal(),
                        guest.customerId(),
                        guest.purchasedAt(),
                        guest.claimedBy(),
                        guest.claimedAt()));
    }

    private static TypeReport type(MigrationReport report, MigrationRecordType type) {
        return report.types().get(type.ordinal());
    }

    /**
     * Every record of every type, as text, but meter reports: the seed names them after the user (the core names
     * them by a hash), and they are the customer's.
     */
    static String everything(BillingStores s) {
        StringBuilder all = new StringBuilder();
        all.append(each(s.customers()::list))
                .append(each(s.subscriptions()::listSubscriptions))
                .append(each(s.subscriptions()::listInvoices))
                .append(each(s.subscriptions()::listPurchases))
                .append(each((c, l) -> s.inbox().list(null, c, l)))
                .append(each(s.usage()::listCounters))
                .append(each(s.usage()::listKeys))
                .append(each(s.memberships()::list))
                .append(each(s.guests()::list))
                .append(each(s.subscriptions()::listRefunds))
                .append(each(s.subscriptions()::listInvoicePayments))
                .append(each((c, l) -> s.audit()
                        .list(dev.billing.core.model.audit.AuditQuery.all(l).after(c))))
                .append(each((c, l) -> s.notices().list(NoticeQuery.all(l).after(c))));
        return all.toString();
    }

    private static <T> String each(BiFunction<String, Integer, Page<T>> lister) {
        StringBuilder text = new StringBuilder();
        String cursor = null;
        Page<T> page;
        do {
            page = lister.apply(cursor, 100);
            page.items().forEach(r -> text.append(r).append('\n'));
            cursor = page.nextCursor();
        } while (page.hasMore());
        return text.toString();
    }

    /** A customer store that lists newest user first: not the order every store sorts links in. */
    private static class BackwardsCustomers implements CustomerStore {
        final CustomerStore store;

        BackwardsCustomers(CustomerStore store) {
            this.store = store;
        }

        @Override
        public Optional<CustomerLink> findByUserId(UserId userId) {
            return store.findByUserId(userId);
        }

        @Override
        public Optional<CustomerLink> findByCustomerId(CustomerId customerId) {
            return store.findByCustomerId(customerId);
        }

        @Override
        public LinkResult link(CustomerLink link) {
            return store.link(link);
        }

        @Override
        public boolean remove(UserId user) {
            return store.remove(user);
        }

        @Override
        public Page<CustomerLink> list(String cursor, int limit) {
            List<CustomerLink> all = new ArrayList<>(store.list(null, 1_000).items());
            all.sort(
                    Comparator.comparing((CustomerLink l) -> l.userId().value()).reversed());
            return new Page<>(all, false, null);
        }

        @Override
        public long count() {
            return store.count();
        }
    }
}

package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aPurchase;
import static dev.billing.testkit.Builders.anInvoice;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every store's audit trail guarantees: each change of billing state is recorded once, with the cause its write
 * was given (also when writes are group-committed from several threads); a duplicate or stale write records nothing;
 * an explicit entry is recorded once per action, entity and cause; the filters and the cursor page through exactly
 * the matching entries, newest first; an erasure leaves no entry naming the erased account. The stores may be shared:
 * every test uses customers of its own.
 */
public abstract class AuditLogContract extends AuditLogListingContract {
    @Nested
    @DisplayName("changes of the projection")
    class Changes {
        @Test
        @DisplayName("each subscription change is recorded once, with its cause and what changed")
        void eachSubscriptionChangeIsRecordedOnceWithItsCause() {
            String id = unique("sub_");
            var subs = stores.subscriptions();
            subs.upsertSubscription(
                    sub(id, 0).withStatus(SubscriptionStatus.TRIALING).build(), event("evt_1"));
            subs.upsertSubscription(sub(id, 1).build(), event("evt_2"));
            assertThat(subs.upsertSubscription(sub(id, 1).build(), event("evt_2")))
                    .isEqualTo(UpsertResult.SAME_VERSION);
            subs.upsertSubscription(sub(id, 2).withPrice("price_team_monthly").build(), event("evt_3"));
            subs.upsertSubscription(
                    sub(id, 3).withPrice("price_team_monthly").withQuantity(5).build(), AuditCause.request("req_4"));
            subs.upsertSubscription(
                    sub(id, 4)
                            .withPrice("price_team_monthly")
                            .withQuantity(5)
                            .withMetadata("note", "x")
                            .build(),
                    event("evt_5")); // nothing the trail records
            subs.upsertSubscription(
                    sub(id, 5)
                            .withPrice("price_team_monthly")
                            .withQuantity(5)
                            .cancelingAtPeriodEnd()
                            .build(),
                    AuditCause.request("req_6"));
            subs.upsertSubscription(
                    sub(id, 6).withPrice("price_team_monthly").withQuantity(5).build(), AuditCause.admin("req_7"));
            assertThat(subs.upsertSubscription(
                            sub(id, 1).withStatus(SubscriptionStatus.PAST_DUE).build(), event("evt_old")))
                    .isEqualTo(UpsertResult.STALE);
            subs.upsertSubscription(
                    sub(id, 8)
                            .withPrice("price_team_monthly")
                            .withQuantity(5)
                            .canceled(T0)
                            .build(),
                    event("evt_9"));

            assertThat(ofCustomer())
                    .extracting(e -> e.action(), e -> e.entityId(), e -> String.valueOf(e.cause()), AuditEntry::detail)
                    .containsExactly(
                            tuple(
                                    AuditAction.SUBSCRIPTION_CANCELED,
                                    id,
                                    "event:evt_9",
                                    Map.of("old_status", "active", "new_status", "canceled")),
                            tuple(
                                    AuditAction.SUBSCRIPTION_RESUMED,
                                    id,
                                    "admin:req_7",
                                    Map.of("cancel_at_period_end", "false")),
                            tuple(
                                    AuditAction.SUBSCRIPTION_CANCEL_SCHEDULED,
                                    id,
                                    "request:req_6",
                                    Map.of("cancel_at_period_end", "true")),
                            tuple(
                                    AuditAction.SUBSCRIPTION_QUANTITY_CHANGED,
                                    id,
                                    "request:req_4",
                                    Map.of("old_quantity", "1", "new_quantity", "5")),
                            tuple(
                                    AuditAction.SUBSCRIPTION_PLAN_CHANGED,
                                    id,
                                    "event:evt_3",
                                    Map.of("old_price_id", "price_pro_monthly", "new_price_id", "price_team_monthly")),
                            tuple(
                                    AuditAction.SUBSCRIPTION_STATUS_CHANGED,
                                    id,
                                    "event:evt_2",
                                    Map.of("old_status", "trialing", "new_status", "active")),
                            tuple(
                                    AuditAction.SUBSCRIPTION_CREATED,
                                    id,
                                    "event:evt_1",
                                    Map.of(
                                            "new_status",
                                            "trialing",
                                            "price_id",
                                            "price_pro_monthly",
                                            "quantity",
                                            "1")));
            assertThat(ofCustomer()).allSatisfy(e -> assertThat(e.customerId()).isEqualTo(CustomerId.of(customer)));
        }

        @Test
        @DisplayName("a batch and concurrent writers keep each row's own cause")
        void aBatchAndConcurrentWritersKeepEachRowsOwnCause() throws Exception {
            List<Subscription> batch = new ArrayList<>();
            List<AuditCause> causes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                batch.add(sub("sub_b" + i + "_" + customer, 0).build());
                causes.add(event("evt_b" + i));
            }
            String twice = unique("sub_");
            batch.add(sub(twice, 0).build());
            causes.add(event("evt_first"));
            batch.add(sub(twice, 1).withQuantity(3).build());
            causes.add(event("evt_second"));
            stores.subscriptions().upsertSubscriptions(batch, causes);

            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<UpsertResult>> writes = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    int n = i;
                    writes.add(() -> stores.subscriptions()
                            .upsertSubscription(
                                    sub("sub_c" + n + "_" + customer, 0).build(), event("evt_c" + n)));
                }
                for (Future<UpsertResult> done : pool.invokeAll(writes)) {
                    assertThat(done.get()).isEqualTo(UpsertResult.APPLIED);
                }
            } finally {
                pool.shutdownNow();
            }

            List<AuditEntry> entries = ofCustomer();
            assertThat(entries).hasSize(6 + 2 + 24);
            assertThat(entries)
                    .filteredOn(e -> e.action() == AuditAction.SUBSCRIPTION_CREATED
                            && !e.entityId().equals(twice))
                    .allSatisfy(e -> assertThat(e.cause().id())
                            .isEqualTo("evt_"
                                    + e.entityId().substring(4, e.entityId().indexOf('_', 4))));
            assertThat(entries)
                    .filteredOn(e -> e.entityId().equals(twice))
                    .extracting(e -> e.action(), e -> e.cause().id())
                    .containsExactly(
                            tuple(AuditAction.SUBSCRIPTION_QUANTITY_CHANGED, "evt_second"),
                            tuple(AuditAction.SUBSCRIPTION_CREATED, "evt_first"));
        }

        @Test
        @DisplayName("a link, a paid invoice and a purchase are recorded once; refused and repeated writes not")
        void aLinkAPaidInvoiceAndAPurchaseAreRecordedOnce() {
            UserId user = UserId.of(unique("user_"));
            CustomerLink link = new CustomerLink(user, CustomerId.of(customer), null, T0);
            stores.customers().link(link, event("evt_link"));
            stores.customers().link(link, event("evt_link_again"));
            stores.customers()
                    .link(
                            new CustomerLink(UserId.of(unique("user_")), CustomerId.of(customer), null, T0),
                            event("evt_taken"));
            String invoice = unique("in_");
            var subs = stores.subscriptions();
            subs.upsertInvoice(
                    anInvoice()
                            .withId(invoice)
                            .withCustomer(customer)
                            .withStatus(InvoiceStatus.OPEN)
                            .withAmounts(2900, 0)
                            .withVersion(sub("x", 0).build().version())
                            .build(),
                    event("evt_open"));
            subs.upsertInvoice(
                    anInvoice()
                            .withId(invoice)
                            .withCustomer(customer)
                            .withAmounts(2900, 2900)
                            .withVersion(sub("x", 1).build().version())
                            .build(),
                    event("evt_paid"));
            subs.upsertInvoice(
                    anInvoice()
                            .withId(invoice)
                            .withCustomer(customer)
                            .withAmounts(2900, 2900)
                            .withNumber("INV-2")
                            .withVersion(sub("x", 2).build().version())
                            .build(),
                    event("evt_again"));
            var purchase = aPurchase()
                    .withCustomer(customer)
                    .withQuantity(2)
                    .withAmount(1500)
                    .build();
            assertThat(subs.recordPurchase(purchase, event("evt_buy"))).isTrue();
            assertThat(subs.recordPurchase(purchase, event("evt_buy_again"))).isFalse();

            assertThat(ofCustomer())
                    .extracting(
                            e -> e.action(), e -> e.entityId(), e -> e.cause().text(), AuditEntry::detail)
                    .containsExactly(
                            tuple(
                                    AuditAction.PURCHASE_RECORDED,
                                    purchase.id(),
                                    "event:evt_buy",
                                    Map.of(
                                            "price_id",
                                            "price_credits_100",
                                            "quantity",
                                            "2",
                                            "amount_total",
                                            "1500",
                                            "currency",
                                            "usd")),
                            tuple(
                                    AuditAction.INVOICE_PAID,
                                    invoice,
                                    "event:evt_paid",
                                    Map.of("amount_paid", "2900", "currency", "usd")),
                            tuple(AuditAction.CUSTOMER_LINKED, customer, "event:evt_link", Map.of()));
            assertThat(ofCustomer().get(2).userId()).isEqualTo(user);
        }

        @Test
        @DisplayName("an explicit entry is recorded once per action, entity and cause")
        void anExplicitEntryIsRecordedOncePerActionEntityAndCause() {
            AuditRecord failed = new AuditRecord(
                    AuditAction.INVOICE_PAYMENT_FAILED,
                    unique("in_"),
                    null,
                    CustomerId.of(customer),
                    event("evt_failed"),
                    Map.of("amount_due", "2900", "currency", "usd"));

            assertThat(stores.audit().record(failed)).isTrue();
            assertThat(stores.audit().record(failed)).isFalse();
            assertThat(stores.audit()
                            .record(new AuditRecord(
                                    failed.action(),
                                    failed.entityId(),
                                    null,
                                    failed.customerId(),
                                    event("evt_failed_again"),
                                    Map.of())))
                    .isTrue();

            assertThat(ofCustomer())
                    .extracting(e -> e.cause().id(), AuditEntry::detail)
                    .containsExactly(
                            tuple("evt_failed_again", Map.of()),
                            tuple("evt_failed", Map.of("amount_due", "2900", "currency", "usd")));
        }
    }

    @Nested
    @DisplayName("entries kept once per entity")
    class OncePerEntity {
        @Test
        @DisplayName("a refund's creation is recorded once per refund, whatever the cause (a retried request)")
        void aRefundsCreationIsRecordedOncePerRefund() {
            String refund = unique("re_");
            AuditRecord created = new AuditRecord(
                    AuditAction.REFUND_CREATED,
                    refund,
                    null,
                    CustomerId.of(customer),
                    AuditCause.admin("req_first"),
                    Map.of("amount", "400", "currency", "usd"));

            assertThat(stores.audit().record(created)).isTrue();
            assertThat(stores.audit()
                            .record(new AuditRecord(
                                    created.action(),
                                    refund,
                                    null,
                                    created.customerId(),
                                    AuditCause.admin("req_retry"),
                                    created.detail())))
                    .isFalse();
            assertThat(stores.audit()
                            .record(new AuditRecord(
                                    created.action(),
                                    unique("re_"),
                                    null,
                                    created.customerId(),
                                    AuditCause.admin("req_retry"),
                                    created.detail())))
                    .isTrue();

            assertThat(ofCustomer())
                    .filteredOn(e -> e.entityId().equals(refund))
                    .singleElement()
                    .satisfies(e -> assertThat(e.cause().text()).isEqualTo("admin:req_first"));
        }

        @Test
        @DisplayName("a request's entry of a refund's creation takes over its webhook's, in its place, once")
        void aRequestsRefundEntryTakesOverItsWebhooks() {
            String refund = unique("re_");
            String other = unique("re_");
            Map<String, String> pending = Map.of("amount", "400", "currency", "usd", "status", "pending");
            BiFunction<String, AuditCause, AuditRecord> created = (id, cause) ->
                    new AuditRecord(AuditAction.REFUND_CREATED, id, null, CustomerId.of(customer), cause, pending);
            assertThat(stores.audit().record(created.apply(refund, event("evt_refund_created"))))
                    .isTrue();
            assertThat(stores.audit().record(created.apply(other, event("evt_other"))))
                    .isTrue();
            long place = ofCustomer().stream()
                    .filter(e -> e.entityId().equals(refund))
                    .findFirst()
                    .orElseThrow()
                    .id();

            AuditRecord byAdmin = new AuditRecord(
                    AuditAction.REFUND_CREATED,
                    refund,
                    null,
                    CustomerId.of(unique("cus_")), // the entry keeps whom the webhook named
                    AuditCause.admin("req_admin"),
                    Map.of("amount", "400", "currency", "usd", "status", "succeeded"));
            assertThat(stores.audit().record(byAdmin)).as("taken over").isTrue();
            assertThat(stores.audit()
                            .record(created.apply(refund, AuditCause.service("bsk_0123456789abcdef", "req_late"))))
                    .as("a request's entry is not taken over")
                    .isFalse();
            assertThat(stores.audit().record(created.apply(refund, event("evt_refund_created"))))
                    .as("nor by an event")
                    .isFalse();
            assertThat(stores.audit().record(created.apply(refund, event("evt_refund_updated"))))
                    .isFalse();

            assertThat(ofCustomer())
                    .filteredOn(e -> e.entityId().equals(refund))
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.id()).as("in the webhook's place").isEqualTo(place);
                        assertThat(e.cause()).isEqualTo(AuditCause.admin("req_admin"));
                        assertThat(e.customerId()).isEqualTo(CustomerId.of(customer));
                        assertThat(e.detail()).containsEntry("status", "succeeded");
                    });
            assertThat(ofCustomer())
                    .filteredOn(e -> e.entityId().equals(other))
                    .singleElement()
                    .satisfies(e -> assertThat(e.cause()).isEqualTo(event("evt_other")));
        }

        @Test
        @DisplayName(
                "an account's erasure is recorded once per pseudonym, whatever the cause (a second run): a request's"
                        + " does not take an event's over, as a refund's would")
        void anAccountsErasureIsRecordedOncePerPseudonym() {
            UserId pseudonym = UserId.of(unique("user_gone")).pseudonym();
            AuditRecord erased = new AuditRecord(
                    AuditAction.ACCOUNT_ERASED,
                    pseudonym.value(),
                    pseudonym,
                    null,
                    event("evt_user_deleted"), // Clerk's user.deleted
                    Map.of("events", "2"));

            assertThat(stores.audit().record(erased)).isTrue();
            assertThat(stores.audit()
                            .record(new AuditRecord(
                                    erased.action(),
                                    pseudonym.value(),
                                    pseudonym,
                                    null,
                                    AuditCause.request("req_again"),
                                    Map.of("events", "0"))))
                    .isFalse();

            assertThat(stores.audit()
                            .list(AuditQuery.all(10).withUser(pseudonym).withAction(AuditAction.ACCOUNT_ERASED))
                            .items())
                    .singleElement()
                    .satisfies(e -> assertThat(e.cause()).isEqualTo(event("evt_user_deleted")));
        }
    }

    @Test
    @DisplayName("an erasure leaves no entry naming the erased account")
    void anErasureLeavesNoEntryNamingTheErasedAccount() {
        UserId user = UserId.of(unique("user_"));
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        stores.customers()
                .link(new CustomerLink(user, CustomerId.of(customer), "ada@example.com", T0), event("evt_e1"));
        stores.subscriptions()
                .upsertSubscription(
                        sub(unique("sub_"), 0)
                                .withMetadata("user_id", user.value())
                                .build(),
                        event("evt_e2"));

        assertThat(stores.customers().pseudonymise(user, pseudonym, AuditCause.admin("req_erase")))
                .isTrue();
        stores.subscriptions().pseudonymise(CustomerId.of(customer), user, pseudonym);

        List<AuditEntry> entries = ofCustomer();
        assertThat(entries)
                .extracting(AuditEntry::action)
                .containsExactly(
                        AuditAction.CUSTOMER_PSEUDONYMISED,
                        AuditAction.SUBSCRIPTION_CREATED,
                        AuditAction.CUSTOMER_LINKED);
        assertThat(entries.get(0).userId()).isEqualTo(pseudonym);
        assertThat(entries.get(0).cause()).isEqualTo(AuditCause.admin("req_erase"));
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.userId()).isNotEqualTo(user);
            assertThat(e.toString()).doesNotContain(user.value()).doesNotContain("ada@example.com");
        });
        assertThat(all(AuditQuery.all(100).withUser(user))).isEmpty();
        assertThat(all(AuditQuery.all(100).withUser(pseudonym))).hasSize(3);
    }

    @Test
    @DisplayName("a customer deleted at Stripe is recorded once, naming its account; erasing it leaves no trace")
    void aRetiredLinkIsRecordedOnceNamingItsAccount() {
        UserId user = UserId.of(unique("user_"));
        CustomerLink link = new CustomerLink(user, CustomerId.of(customer), "ada@example.com", T0);
        stores.customers().link(link, event("evt_r1"));

        assertThat(stores.customers().retire(link, user.retiredLink(1), event("evt_r2")))
                .isTrue();
        assertThat(stores.customers().retire(link, user.retiredLink(2), event("evt_r3")))
                .isFalse();

        List<AuditEntry> entries = ofCustomer();
        assertThat(entries)
                .extracting(AuditEntry::action)
                .containsExactly(AuditAction.CUSTOMER_DELETED, AuditAction.CUSTOMER_LINKED);
        assertThat(entries.get(0).userId()).isEqualTo(user);
        assertThat(entries.get(0).cause()).isEqualTo(event("evt_r2"));
        assertThat(all(AuditQuery.all(100).withUser(user))).hasSize(2);

        // An erasure moves the account's own link (none here), then the retired one.
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        stores.customers().pseudonymise(user, pseudonym, AuditCause.admin("req_erase"));
        UserId second = UserId.of(pseudonym.value() + "_2");
        assertThat(stores.customers().pseudonymise(user.retiredLink(1), second, AuditCause.admin("req_erase")))
                .isTrue();
        assertThat(all(AuditQuery.all(100).withUser(user))).isEmpty();
        assertThat(ofCustomer())
                .hasSize(3)
                .allSatisfy(e ->
                        assertThat(e.toString()).doesNotContain(user.value()).doesNotContain("ada@example.com"));
    }
}

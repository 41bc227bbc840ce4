package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.GuestPurchaseStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GuestPurchaseStore} guarantees: a session is stored once; an email's purchases are claimed by
 * exactly one user, also when claims race, and a retried claim answers what the user holds; a claim moves the
 * purchase itself to the user's customer (one row, its payment intent kept, one audit entry for the move). The
 * stores may be shared: every test uses emails and customers of its own.
 */
public abstract class GuestPurchaseStoreContract {
    private BillingStores stores;
    private GuestPurchaseStore store;
    private String email;

    /** The guest purchase, subscription and audit ports of one store. */
    protected abstract BillingStores stores();

    @BeforeEach
    void setUpGuests() {
        stores = stores();
        store = stores.guests();
        email = unique("guest") + "@example.com";
    }

    private GuestPurchase bought(String address, int second) {
        return new GuestPurchase(
                unique("cs_"),
                address,
                "price_credits_100",
                2,
                "usd",
                1_000,
                CustomerId.of(unique("cus_")),
                T0.plusSeconds(second),
                null,
                null);
    }

    @Test
    void aSessionIsStoredOnceAndFoundByItsEmailWhateverItsCase() {
        GuestPurchase p = bought(email.toUpperCase(java.util.Locale.ROOT), 1);

        assertThat(store.record(p)).isTrue();
        assertThat(store.record(p)).isFalse();

        assertThat(store.ofEmail(" " + email + " ")).singleElement().satisfies(found -> {
            assertThat(found.sessionId()).isEqualTo(p.sessionId());
            assertThat(found.email()).isEqualTo(email);
            assertThat(found.quantity()).isEqualTo(2);
            assertThat(found.amountTotal()).isEqualTo(1_000);
            assertThat(found.customerId()).isEqualTo(p.customerId());
            assertThat(found.purchasedAt()).isEqualTo(p.purchasedAt());
            assertThat(found.claimedBy()).isNull();
        });
    }

    @Test
    void aClaimTakesEveryUnclaimedPurchaseOfTheEmailAndARetryAnswersTheSame() {
        GuestPurchase first = bought(email, 1);
        GuestPurchase second = bought(email, 2);
        GuestPurchase someoneElses = bought(unique("other") + "@example.com", 3);
        store.record(first);
        store.record(second);
        store.record(someoneElses);
        UserId ada = UserId.of(unique("user_"));

        List<GuestPurchase> claimed = store.claim(email, ada, T0.plusSeconds(10));

        assertThat(claimed)
                .extracting(GuestPurchase::sessionId)
                .containsExactlyInAnyOrder(first.sessionId(), second.sessionId());
        assertThat(claimed).allSatisfy(p -> {
            assertThat(p.claimedBy()).isEqualTo(ada);
            assertThat(p.claimedAt()).isEqualTo(T0.plusSeconds(10));
        });
        assertThat(store.claim(email, ada, T0.plusSeconds(20)))
                .extracting(GuestPurchase::claimedAt)
                .containsOnly(T0.plusSeconds(10));
        assertThat(store.claim(email, UserId.of(unique("user_")), T0.plusSeconds(30)))
                .isEmpty();
        assertThat(store.ofEmail(someoneElses.email()))
                .singleElement()
                .satisfies(p -> assertThat(p.claimedBy()).isNull());
    }

    @Test
    void racingClaimersOfOneEmailGetEachPurchaseExactlyOnce() {
        for (int i = 0; i < 5; i++) {
            store.record(bought(email, i));
        }

        List<List<GuestPurchase>> results =
                Race.run(10, i -> store.claim(email, UserId.of("user_racer_" + i), T0.plusSeconds(100)));

        assertThat(results.stream().mapToInt(List::size).sum()).isEqualTo(5);
        assertThat(store.ofEmail(email))
                .extracting(GuestPurchase::claimedBy)
                .filteredOn(Objects::nonNull)
                .hasSize(5);
        assertThat(results.stream()
                        .filter(r -> !r.isEmpty())
                        .map(r -> r.get(0).claimedBy())
                        .distinct())
                .hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void aUsersClaimedPurchasesAreFoundAndErasedWithTheUnclaimedOnesOfTheirEmail() {
        GuestPurchase claimedOne = bought(email, 1);
        GuestPurchase unclaimed = bought(email, 2);
        String otherEmail = unique("other") + "@example.com";
        GuestPurchase someoneElses = bought(otherEmail, 3);
        UserId ada = UserId.of(unique("user_"));
        store.record(claimedOne);
        store.claim(email, ada, T0.plusSeconds(10));
        store.record(unclaimed);
        store.record(someoneElses);
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));

        assertThat(store.claimedBy(ada)).extracting(GuestPurchase::sessionId).containsExactly(claimedOne.sessionId());
        assertThat(store.pseudonymise(ada, email, pseudonym)).isEqualTo(2);

        assertThat(store.ofEmail(email)).isEmpty();
        assertThat(store.claimedBy(ada)).isEmpty();
        assertThat(store.claimedBy(pseudonym)).singleElement().satisfies(p -> {
            assertThat(p.sessionId()).isEqualTo(claimedOne.sessionId());
            assertThat(p.email()).isEqualTo(GuestPurchaseStore.erasedEmail(pseudonym));
            assertThat(p.amountTotal()).isEqualTo(1_000);
        });
        assertThat(store.ofEmail(GuestPurchaseStore.erasedEmail(pseudonym)))
                .extracting(GuestPurchase::sessionId)
                .containsExactlyInAnyOrder(claimedOne.sessionId(), unclaimed.sessionId());
        assertThat(store.claim(email, UserId.of(unique("user_")), T0.plusSeconds(20)))
                .isEmpty();
        assertThat(store.ofEmail(otherEmail)).hasSize(1);
        assertThat(store.pseudonymise(ada, email, pseudonym)).isZero();
    }

    @Test
    void everyPurchaseIsListedAndRestoredAsItIs() {
        long before = store.count();
        GuestPurchase open = bought(email, 1);
        GuestPurchase taken = bought(email, 2).claimed(UserId.of(unique("user_")), T0.plusSeconds(5));
        assertThat(store.restore(open)).isTrue();
        assertThat(store.restore(taken)).isTrue();
        assertThat(store.restore(taken)).isFalse();

        List<GuestPurchase> listed = new java.util.ArrayList<>();
        String cursor = null;
        do {
            dev.billing.core.model.Page<GuestPurchase> page = store.list(cursor, 1);
            listed.addAll(page.items());
            assertThat(page.nextCursor()).as("a cursor that moves on").isNotEqualTo(cursor);
            cursor = page.nextCursor();
            assertThat(listed.size())
                    .as("pages end (the store holds far fewer rows)")
                    .isLessThan(100_000);
        } while (cursor != null);

        assertThat(listed).filteredOn(p -> p.email().equals(email)).containsExactlyInAnyOrder(open, taken);
        assertThat(listed).extracting(GuestPurchase::sessionId).isSorted();
        assertThat(store.count()).isEqualTo(before + 2);
        GuestPurchase changed = open.claimed(UserId.of(unique("user_")), T0.plusSeconds(9));
        assertThat(store.restore(changed)).isTrue();
        assertThat(store.ofEmail(email)).contains(changed);
    }

    /** A guest's paid session as Checkout's webhook leaves it: the purchase under Stripe's guest customer, and kept. */
    private GuestPurchase paidAsGuest(int second) {
        GuestPurchase guest = bought(email, second);
        assertThat(stores.subscriptions()
                        .recordPurchase(
                                new Purchase(
                                        guest.sessionId(),
                                        guest.customerId(),
                                        guest.priceId(),
                                        guest.quantity(),
                                        guest.currency(),
                                        guest.amountTotal(),
                                        "pi_" + guest.sessionId(),
                                        guest.purchasedAt()),
                                AuditCause.event("evt_" + guest.sessionId())))
                .isTrue();
        assertThat(store.record(guest)).isTrue();
        return guest;
    }

    private List<AuditEntry> trailOf(String purchaseId, CustomerId... customers) {
        List<AuditEntry> entries = new java.util.ArrayList<>();
        for (CustomerId c : customers) {
            stores.audit().list(AuditQuery.all(100).withCustomer(c)).items().stream()
                    .filter(e -> e.entityId().equals(purchaseId))
                    .forEach(entries::add);
        }
        return entries;
    }

    @Test
    void aClaimMovesThePurchaseItselfToTheUsersCustomerAndAuditsTheMoveOnce() {
        GuestPurchase guest = paidAsGuest(1);
        long purchases = stores.subscriptions().countPurchases();
        UserId ada = UserId.of(unique("user_"));
        CustomerId adas = CustomerId.of(unique("cus_ada_"));

        List<GuestPurchase> claimed = store.claim(email, ada, adas, T0.plusSeconds(10), AuditCause.request("req_1"));

        assertThat(claimed).extracting(GuestPurchase::sessionId).containsExactly(guest.sessionId());
        assertThat(stores.subscriptions().purchasesOf(adas))
                .singleElement()
                .isEqualTo(new Purchase(
                        guest.sessionId(),
                        adas,
                        guest.priceId(),
                        guest.quantity(),
                        guest.currency(),
                        guest.amountTotal(),
                        "pi_" + guest.sessionId(),
                        guest.purchasedAt()));
        assertThat(stores.subscriptions().purchasesOf(guest.customerId())).isEmpty();
        assertThat(stores.subscriptions().countPurchases())
                .as("moved, not copied")
                .isEqualTo(purchases);
        assertThat(trailOf(guest.sessionId(), guest.customerId(), adas))
                .extracting(
                        AuditEntry::action,
                        e -> e.customerId().value(),
                        e -> e.cause().text())
                .containsExactlyInAnyOrder(
                        org.assertj.core.api.Assertions.tuple(
                                AuditAction.PURCHASE_RECORDED,
                                guest.customerId().value(),
                                "event:evt_" + guest.sessionId()),
                        org.assertj.core.api.Assertions.tuple(
                                AuditAction.PURCHASE_CLAIMED, adas.value(), "request:req_1"));
        assertThat(trailOf(guest.sessionId(), adas))
                .singleElement()
                .satisfies(e -> assertThat(e.detail())
                        .containsEntry("old_customer_id", guest.customerId().value())
                        .containsEntry("amount_total", "1000")
                        .containsEntry("currency", "usd"));

        // A retried claim (another request) answers the same and records nothing more.
        assertThat(store.claim(email, ada, adas, T0.plusSeconds(20), AuditCause.request("req_2")))
                .isEqualTo(claimed);
        assertThat(trailOf(guest.sessionId(), guest.customerId(), adas)).hasSize(2);
        // Another user with the same email gets nothing and moves nothing.
        CustomerId bobs = CustomerId.of(unique("cus_bob_"));
        assertThat(store.claim(
                        email, UserId.of(unique("user_")), bobs, T0.plusSeconds(30), AuditCause.request("req_3")))
                .isEmpty();
        assertThat(stores.subscriptions().purchasesOf(bobs)).isEmpty();
        assertThat(stores.subscriptions().purchasesOf(adas)).hasSize(1);
    }

    @Test
    void theRefundsOfAClaimedPurchaseAreTheClaimersThoughStripeNamesTheGuestsCustomer() {
        GuestPurchase guest = paidAsGuest(1);
        CustomerId adas = CustomerId.of(unique("cus_ada_"));
        store.claim(email, UserId.of(unique("user_")), adas, T0.plusSeconds(10), AuditCause.request("req_1"));
        PaymentRefund refund = new PaymentRefund(
                unique("re_"),
                guest.customerId(),
                unique("ch_"),
                "pi_" + guest.sessionId(),
                400,
                "usd",
                "succeeded",
                null,
                T0.plusSeconds(60),
                SourceVersion.snapshot(T0.plusSeconds(60)));

        stores.subscriptions().upsertRefund(refund);

        assertThat(stores.subscriptions().refundsOf(adas)).containsExactly(refund);
        assertThat(stores.subscriptions().refundsOf(guest.customerId())).containsExactly(refund);
    }

    @Test
    void aClaimFinishesOneThatTookThePurchasesWithoutMovingThem() {
        GuestPurchase guest = paidAsGuest(1);
        UserId ada = UserId.of(unique("user_"));
        CustomerId adas = CustomerId.of(unique("cus_ada_"));
        store.claim(email, ada, T0.plusSeconds(10)); // as a claim before claims moved purchases

        assertThat(store.claim(email, ada, adas, T0.plusSeconds(20), AuditCause.request("req_retry")))
                .singleElement()
                .satisfies(p -> assertThat(p.claimedAt()).isEqualTo(T0.plusSeconds(10)));

        assertThat(stores.subscriptions().purchasesOf(adas))
                .extracting(Purchase::id)
                .containsExactly(guest.sessionId());
        assertThat(trailOf(guest.sessionId(), adas))
                .extracting(AuditEntry::action)
                .containsExactly(AuditAction.PURCHASE_CLAIMED);
    }

    @Test
    void racingClaimersWithTheirOwnCustomersMoveEachPurchaseToOneOfThemOnce() {
        GuestPurchase first = paidAsGuest(1);
        GuestPurchase second = paidAsGuest(2);
        List<CustomerId> customers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            customers.add(CustomerId.of(unique("cus_racer_")));
        }

        List<List<GuestPurchase>> results = Race.run(
                8,
                i -> store.claim(
                        email,
                        UserId.of("user_racer_" + i),
                        customers.get(i),
                        T0.plusSeconds(100),
                        AuditCause.request("req_race_" + i)));

        assertThat(results.stream().mapToInt(List::size).sum()).isEqualTo(2);
        List<Purchase> moved = customers.stream()
                .flatMap(c -> stores.subscriptions().purchasesOf(c).stream())
                .toList();
        assertThat(moved).extracting(Purchase::id).containsExactlyInAnyOrder(first.sessionId(), second.sessionId());
        CustomerId[] all = customers.toArray(CustomerId[]::new);
        assertThat(trailOf(first.sessionId(), all)).hasSize(1);
        assertThat(trailOf(second.sessionId(), all)).hasSize(1);
        assertThat(Map.of(first.sessionId(), first.customerId(), second.sessionId(), second.customerId()))
                .allSatisfy(
                        (id, guestCustomer) -> assertThat(stores.subscriptions().purchasesOf(guestCustomer))
                                .isEmpty());
    }
}

package dev.billing.testkit.contract;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.GuestPurchase;
import dev.billing.core.model.UserId;
import dev.billing.core.port.GuestPurchaseStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Objects;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link GuestPurchaseStore} guarantees: a session is stored once; an email's purchases are claimed by
 * exactly one user, also when claims race, and a retried claim answers what the user holds. The store may be
 * shared: every test uses emails of its own.
 */
public abstract class GuestPurchaseStoreContract {
    private GuestPurchaseStore store;
    private String email;

    protected abstract GuestPurchaseStore guests();

    @BeforeEach
    void setUpGuests() {
        store = guests();
        email = unique("guest") + "@example.com";
    }

    private GuestPurchase bought(String address, int second) {
        return new GuestPurchase(unique("cs_"), address, "price_credits_100", 2, "usd", 1_000,
                CustomerId.of(unique("cus_")), T0.plusSeconds(second), null, null);
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

        assertThat(claimed).extracting(GuestPurchase::sessionId).containsExactlyInAnyOrder(first.sessionId(),
                second.sessionId());
        assertThat(claimed).allSatisfy(p -> {
            assertThat(p.claimedBy()).isEqualTo(ada);
            assertThat(p.claimedAt()).isEqualTo(T0.plusSeconds(10));
        });
        assertThat(store.claim(email, ada, T0.plusSeconds(20))).extracting(GuestPurchase::claimedAt)
                .containsOnly(T0.plusSeconds(10));
        assertThat(store.claim(email, UserId.of(unique("user_")), T0.plusSeconds(30))).isEmpty();
        assertThat(store.ofEmail(someoneElses.email())).singleElement()
                .satisfies(p -> assertThat(p.claimedBy()).isNull());
    }

    @Test
    void racingClaimersOfOneEmailGetEachPurchaseExactlyOnce() {
        for (int i = 0; i < 5; i++) {
            store.record(bought(email, i));
        }

        List<List<GuestPurchase>> results = Race.run(10, i -> store.claim(email, UserId.of("user_racer_" + i),
                T0.plusSeconds(100)));

        assertThat(results.stream().mapToInt(List::size).sum()).isEqualTo(5);
        assertThat(store.ofEmail(email)).extracting(GuestPurchase::claimedBy).filteredOn(Objects::nonNull)
                .hasSize(5);
        assertThat(results.stream().filter(r -> !r.isEmpty()).map(r -> r.get(0).claimedBy()).distinct())
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
        assertThat(store.ofEmail(GuestPurchaseStore.erasedEmail(pseudonym))).extracting(GuestPurchase::sessionId)
                .containsExactlyInAnyOrder(claimedOne.sessionId(), unclaimed.sessionId());
        assertThat(store.claim(email, UserId.of(unique("user_")), T0.plusSeconds(20))).isEmpty();
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
            assertThat(listed.size()).as("pages end (the store holds far fewer rows)").isLessThan(100_000);
        } while (cursor != null);

        assertThat(listed).filteredOn(p -> p.email().equals(email)).containsExactlyInAnyOrder(open, taken);
        assertThat(listed).extracting(GuestPurchase::sessionId).isSorted();
        assertThat(store.count()).isEqualTo(before + 2);
        GuestPurchase changed = open.claimed(UserId.of(unique("user_")), T0.plusSeconds(9));
        assertThat(store.restore(changed)).isTrue();
        assertThat(store.ofEmail(email)).contains(changed);
    }
}

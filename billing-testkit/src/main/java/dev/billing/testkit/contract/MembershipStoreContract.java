package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.port.MembershipStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MembershipStore} guarantees: the newest change of a membership wins whatever the order and
 * however often changes arrive, also when they race; a removal is remembered; members are counted per
 * organization; a change finds its record by Clerk's membership id whatever an erasure did to the user id, and a
 * record stored without one by its user or that user's pseudonym. The store may be shared: every test uses
 * organizations of its own.
 */
public abstract class MembershipStoreContract {
    private MembershipStore store;
    private String org;

    protected abstract MembershipStore memberships();

    @BeforeEach
    void setUpMemberships() {
        store = memberships();
        org = unique("org_");
    }

    private OrgMember joined(String user, int second) {
        return new OrgMember(org, UserId.of(user), "org:member", true, T0.plusSeconds(second), unique("msg_"));
    }

    private OrgMember left(String user, int second) {
        return new OrgMember(org, UserId.of(user), "org:member", false, T0.plusSeconds(second), unique("msg_"));
    }

    /** A change of membership {@code membershipId} of {@code user}, as Clerk's events carry it. */
    private OrgMember change(UserId user, String membershipId, String role, boolean active, int second) {
        return new OrgMember(org, user, role, active, T0.plusSeconds(second), unique("msg_"), membershipId);
    }

    @Test
    void aJoiningIsStoredAndCounted() {
        OrgMember ada = new OrgMember(org, UserId.of("user_ada"), "org:admin", true, T0, "msg_1");

        assertThat(store.apply(ada)).isTrue();
        assertThat(store.apply(joined("user_bob", 1))).isTrue();

        assertThat(store.find(org, UserId.of("user_ada"))).contains(ada);
        assertThat(store.find(org, UserId.of("user_nobody"))).isEmpty();
        assertThat(store.countActive(org)).isEqualTo(2);
        assertThat(store.countActive(unique("org_"))).isZero();
    }

    @Test
    void anOlderChangeArrivingLateChangesNothing() {
        store.apply(left("user_ada", 10));

        assertThat(store.apply(joined("user_ada", 5))).isFalse();

        assertThat(store.find(org, UserId.of("user_ada"))).hasValueSatisfying(m -> {
            assertThat(m.active()).isFalse();
            assertThat(m.changedAt()).isEqualTo(T0.plusSeconds(10));
        });
        assertThat(store.countActive(org)).isZero();
        assertThat(store.apply(joined("user_ada", 11))).isTrue();
        assertThat(store.countActive(org)).isEqualTo(1);
    }

    @Test
    void aDuplicateChangesNothing() {
        OrgMember change = joined("user_ada", 1);

        assertThat(store.apply(change)).isTrue();
        assertThat(store.apply(change)).isFalse();
        assertThat(store.countActive(org)).isEqualTo(1);
    }

    @Test
    void atTheSameInstantARemovalWinsInEitherOrder() {
        store.apply(joined("user_ada", 1));
        assertThat(store.apply(left("user_ada", 1))).isTrue();
        store.apply(left("user_bob", 1));
        assertThat(store.apply(joined("user_bob", 1))).isFalse();

        assertThat(store.countActive(org)).isZero();
    }

    @Test
    void aUsersMembershipsAreFoundAcrossOrganizations() {
        String other = unique("org_");
        UserId ada = UserId.of(unique("user_"));
        OrgMember here = new OrgMember(org, ada, "org:admin", true, T0, unique("msg_"));
        OrgMember left = new OrgMember(other, ada, null, false, T0, unique("msg_"));
        store.apply(here);
        store.apply(left);
        store.apply(joined("user_bob", 1));

        assertThat(store.ofUser(ada)).containsExactlyInAnyOrder(here, left);
        assertThat(store.ofUser(UserId.of(unique("user_")))).isEmpty();
    }

    @Test
    void erasureMovesAUsersMembershipsToThePseudonym() {
        UserId ada = UserId.of(unique("user_"));
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        store.apply(new OrgMember(org, ada, "org:admin", true, T0, unique("msg_")));

        assertThat(store.pseudonymise(ada, pseudonym)).isEqualTo(1);

        assertThat(store.ofUser(ada)).isEmpty();
        assertThat(store.ofUser(pseudonym))
                .singleElement()
                .satisfies(m -> assertThat(m.active()).isTrue());
        assertThat(store.countActive(org)).isEqualTo(1);
        assertThat(store.pseudonymise(ada, pseudonym)).isZero();
    }

    @Test
    void organizationsAreCountedApart() {
        String other = unique("org_");
        store.apply(joined("user_ada", 1));
        store.apply(new OrgMember(other, UserId.of("user_ada"), null, true, T0, unique("msg_")));
        store.apply(new OrgMember(other, UserId.of("user_bob"), null, true, T0, unique("msg_")));

        assertThat(store.countActive(org)).isEqualTo(1);
        assertThat(store.countActive(other)).isEqualTo(2);
    }

    @Test
    void racingShuffledAndDuplicatedChangesEndInTheNewestState() {
        // Ten users: each joins, leaves, and the even ones join again; every change is delivered twice, shuffled,
        // from 20 threads at once.
        List<OrgMember> changes = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            String user = "user_" + u;
            changes.add(joined(user, 1));
            changes.add(left(user, 2));
            if (u % 2 == 0) {
                changes.add(joined(user, 3));
            }
        }
        List<OrgMember> deliveries = new ArrayList<>(changes);
        deliveries.addAll(changes);
        Collections.shuffle(deliveries, new Random(19));
        int threads = 20;

        Race.run(threads, t -> {
            for (int i = t; i < deliveries.size(); i += threads) {
                store.apply(deliveries.get(i));
            }
            return null;
        });

        assertThat(store.countActive(org)).isEqualTo(5);
        IntStream.range(0, 10)
                .forEach(u -> assertThat(store.find(org, UserId.of("user_" + u)))
                        .hasValueSatisfying(m -> assertThat(m.active()).isEqualTo(u % 2 == 0)));
    }

    @Test
    void everyRecordIsListedAndRestoredAsItIs() {
        long before = store.count();
        OrgMember ada = joined("user_ada", 1);
        OrgMember bob = change(UserId.of("user_bob"), unique("orgmem_"), "org:member", false, 2);
        store.apply(ada);
        store.apply(bob);

        List<OrgMember> listed = new ArrayList<>();
        String cursor = null;
        do {
            Page<OrgMember> page = store.list(cursor, 1);
            listed.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);

        assertThat(listed).filteredOn(m -> m.orgId().equals(org)).containsExactly(ada, bob);
        assertThat(store.count()).isEqualTo(before + 2);
        assertThat(store.restore(ada)).isFalse();
        OrgMember older = new OrgMember(org, UserId.of("user_ada"), "org:admin", true, T0, "msg_restored");
        assertThat(store.restore(older)).isTrue();
        assertThat(store.find(org, UserId.of("user_ada"))).contains(older);
    }

    @Test
    void anErasedMembersLaterRemovalFindsTheRecordByItsMembershipId() {
        UserId ada = UserId.of(unique("user_"));
        String membership = unique("orgmem_");
        store.apply(change(ada, membership, "org:admin", true, 1));
        store.apply(change(UserId.of(unique("user_")), unique("orgmem_"), null, true, 1));
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        assertThat(store.pseudonymise(ada, pseudonym)).isEqualTo(1);

        assertThat(store.apply(change(ada, membership, "org:admin", false, 5))).isTrue();

        assertThat(store.countActive(org)).isEqualTo(1);
        assertThat(store.ofUser(ada)).as("the erased id is not stored again").isEmpty();
        assertThat(store.ofUser(pseudonym)).singleElement().satisfies(m -> {
            assertThat(m.active()).isFalse();
            assertThat(m.membershipId()).isEqualTo(membership);
            assertThat(m.changedAt()).isEqualTo(T0.plusSeconds(5));
        });
    }

    @Test
    void everyOrderOfAMembershipsEventsAndTheMembersErasureEndsRemoved() {
        // created, updated and deleted of one membership, each delivered twice, in every order, with the member
        // erased before, between or after them: the member is never counted in the end, and once erased the
        // member's own id is never stored again.
        List<List<Integer>> orders = permutations(List.of(0, 1, 2));
        for (List<Integer> order : orders) {
            for (int erasedAfter = 0; erasedAfter <= order.size(); erasedAfter++) {
                String here = unique("org_");
                UserId ada = UserId.of(unique("user_"));
                String membership = unique("orgmem_");
                List<OrgMember> events = List.of(
                        new OrgMember(here, ada, "org:member", true, T0.plusSeconds(1), unique("msg_"), membership),
                        new OrgMember(here, ada, "org:admin", true, T0.plusSeconds(2), unique("msg_"), membership),
                        new OrgMember(here, ada, "org:admin", false, T0.plusSeconds(3), unique("msg_"), membership));
                for (int i = 0; i <= order.size(); i++) {
                    if (i == erasedAfter) {
                        store.pseudonymise(ada, ada.pseudonym());
                    }
                    if (i < order.size()) {
                        store.apply(events.get(order.get(i)));
                        store.apply(events.get(order.get(i)));
                    }
                }
                String at = "order " + order + ", erased after " + erasedAfter + " event(s)";
                assertThat(store.countActive(here)).as(at).isZero();
                List<OrgMember> records = new ArrayList<>(store.ofUser(ada));
                records.addAll(store.ofUser(ada.pseudonym()));
                assertThat(records).as(at).singleElement().satisfies(m -> {
                    assertThat(m.active()).isFalse();
                    assertThat(m.changedAt()).isEqualTo(T0.plusSeconds(3));
                    assertThat(m.membershipId()).isEqualTo(membership);
                });
                if (erasedAfter > 0) {
                    assertThat(store.ofUser(ada)).as(at).isEmpty();
                }
            }
        }
    }

    @Test
    void aRecordStoredWithoutAMembershipIdIsFoundByItsUserOrTheUsersPseudonym() {
        UserId ada = UserId.of(unique("user_"));
        UserId bob = UserId.of(unique("user_"));
        // Stored before membership ids were kept; bob was erased since.
        store.restore(new OrgMember(org, ada, "org:member", true, T0, unique("msg_")));
        store.restore(new OrgMember(org, bob, "org:member", true, T0, unique("msg_")));
        store.pseudonymise(bob, bob.pseudonym());
        String adasMembership = unique("orgmem_");

        assertThat(store.apply(change(ada, adasMembership, "org:admin", true, 1)))
                .isTrue();
        assertThat(store.apply(change(bob, unique("orgmem_"), "org:member", false, 1)))
                .isTrue();

        assertThat(store.countActive(org)).isEqualTo(1);
        assertThat(store.find(org, ada)).hasValueSatisfying(m -> {
            assertThat(m.role()).isEqualTo("org:admin");
            assertThat(m.membershipId()).isEqualTo(adasMembership);
        });
        assertThat(store.ofUser(bob)).isEmpty();
        assertThat(store.find(org, bob.pseudonym()))
                .hasValueSatisfying(m -> assertThat(m.active()).isFalse());
        // Found by its membership id from now on, whatever happens to the user id.
        store.pseudonymise(ada, UserId.of(UserId.PSEUDONYM_PREFIX + unique("p")));
        assertThat(store.apply(change(ada, adasMembership, "org:admin", false, 2)))
                .isTrue();
        assertThat(store.countActive(org)).isZero();
        assertThat(store.ofUser(ada)).isEmpty();
    }

    @Test
    void aMemberWhoLeftAndJoinedAgainIsOneRecordWhateverTheOrder() {
        UserId ada = UserId.of(unique("user_"));
        String first = unique("orgmem_");
        String second = unique("orgmem_");
        OrgMember joined = change(ada, first, "org:member", true, 1);
        OrgMember left = change(ada, first, "org:member", false, 2);
        OrgMember rejoined = change(ada, second, "org:admin", true, 3);

        store.apply(rejoined);
        store.apply(left);
        store.apply(joined);
        store.apply(left);

        assertThat(store.countActive(org)).isEqualTo(1);
        assertThat(store.ofUser(ada)).singleElement().satisfies(m -> {
            assertThat(m.membershipId()).isEqualTo(second);
            assertThat(m.role()).isEqualTo("org:admin");
        });
        assertThat(store.apply(change(ada, second, "org:admin", false, 4))).isTrue();
        assertThat(store.countActive(org)).isZero();
    }

    @Test
    void erasureKeepsTheMembershipIdAndARestoreMovesTheRecordWithIt() {
        UserId ada = UserId.of(unique("user_"));
        String membership = unique("orgmem_");
        OrgMember stored = change(ada, membership, "org:member", true, 1);
        store.apply(stored);
        long before = store.count();
        OrgMember erased = stored.withUser(ada.pseudonym());

        assertThat(store.restore(erased)).isTrue();

        assertThat(store.count()).isEqualTo(before);
        assertThat(store.ofUser(ada)).isEmpty();
        assertThat(store.find(org, ada.pseudonym())).contains(erased);
        assertThat(store.restore(erased)).isFalse();
        assertThat(store.pseudonymise(ada.pseudonym(), ada.pseudonym())).isZero();
        UserId bob = UserId.of(unique("user_"));
        store.apply(change(bob, unique("orgmem_"), null, true, 1));
        UserId bobsPseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        store.pseudonymise(bob, bobsPseudonym);
        assertThat(store.find(org, bobsPseudonym))
                .hasValueSatisfying(m -> assertThat(m.membershipId()).isNotNull());
    }

    private static List<List<Integer>> permutations(List<Integer> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<Integer>> all = new ArrayList<>();
        for (Integer first : items) {
            List<Integer> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<Integer> tail : permutations(rest)) {
                List<Integer> one = new ArrayList<>();
                one.add(first);
                one.addAll(tail);
                all.add(one);
            }
        }
        return all;
    }

    @Test
    void aSeatLeaseHasOneHolderUntilItRunsOutOrIsGivenBack() {
        String customer = unique("cus_");

        assertThat(store.leaseSeats(customer, "process-a", T0, T0.plusSeconds(60)))
                .isTrue();
        assertThat(store.leaseSeats(customer, "process-b", T0.plusSeconds(1), T0.plusSeconds(61)))
                .as("held by another")
                .isFalse();
        assertThat(store.leaseSeats(customer, "process-a", T0.plusSeconds(2), T0.plusSeconds(62)))
                .as("its holder takes it again")
                .isTrue();
        assertThat(store.leaseSeats(customer, "process-b", T0.plusSeconds(61), T0.plusSeconds(121)))
                .as("extended to 62 s")
                .isFalse();
        assertThat(store.leaseSeats(unique("cus_"), "process-b", T0, T0.plusSeconds(60)))
                .as("another customer's")
                .isTrue();

        store.releaseSeats(customer, "process-b"); // not the holder: nothing
        assertThat(store.leaseSeats(customer, "process-c", T0.plusSeconds(3), T0.plusSeconds(63)))
                .isFalse();
        store.releaseSeats(customer, "process-a");
        assertThat(store.leaseSeats(customer, "process-c", T0.plusSeconds(3), T0.plusSeconds(63)))
                .isTrue();
        assertThat(store.leaseSeats(customer, "process-a", T0.plusSeconds(64), T0.plusSeconds(124)))
                .as("process-c's ran out at 63 s")
                .isTrue();
    }

    @Test
    void aSeatLeaseIsRenewedOnlyByAHolderNobodyDisplaced() {
        String customer = unique("cus_");
        store.leaseSeats(customer, "process-a", T0, T0.plusSeconds(60));

        assertThat(store.renewSeats(customer, "process-a", T0.plusSeconds(110)))
                .as("held")
                .isTrue();
        assertThat(store.leaseSeats(customer, "process-b", T0.plusSeconds(100), T0.plusSeconds(160)))
                .as("renewed to 110 s")
                .isFalse();
        assertThat(store.renewSeats(customer, "process-a", T0.plusSeconds(200)))
                .as("ran out at 110 s, but nobody took it")
                .isTrue();
        assertThat(store.renewSeats(customer, "process-b", T0.plusSeconds(300)))
                .as("not the holder")
                .isFalse();
        assertThat(store.leaseSeats(customer, "process-b", T0.plusSeconds(201), T0.plusSeconds(260)))
                .isTrue();
        assertThat(store.renewSeats(customer, "process-a", T0.plusSeconds(300)))
                .as("process-b took it after it ran out")
                .isFalse();
        store.releaseSeats(customer, "process-b");
        assertThat(store.renewSeats(customer, "process-b", T0.plusSeconds(300)))
                .as("given back")
                .isFalse();
        assertThat(store.renewSeats(unique("cus_"), "process-a", T0.plusSeconds(60)))
                .as("never taken")
                .isFalse();
        assertThat(store.leaseSeats(customer, "process-c", T0.plusSeconds(202), T0.plusSeconds(262)))
                .as("a failed renewal takes nothing")
                .isTrue();
    }

    @Test
    void racingHoldersGetTheSeatLeaseOnce() {
        String customer = unique("cus_");
        int threads = 8;

        List<Boolean> taken =
                Race.run(threads, t -> store.leaseSeats(customer, "process-" + t, T0, T0.plusSeconds(60)));

        assertThat(taken).hasSize(threads).containsOnlyOnce(true);
    }
}

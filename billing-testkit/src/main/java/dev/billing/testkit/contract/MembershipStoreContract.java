package dev.billing.testkit.contract;

import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.port.MembershipStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link MembershipStore} guarantees: the newest change of a membership wins whatever the order and
 * however often changes arrive, also when they race; a removal is remembered; members are counted per
 * organization. The store may be shared: every test uses organizations of its own.
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
        assertThat(store.ofUser(pseudonym)).singleElement().satisfies(m -> assertThat(m.active()).isTrue());
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
        IntStream.range(0, 10).forEach(u -> assertThat(store.find(org, UserId.of("user_" + u)))
                .hasValueSatisfying(m -> assertThat(m.active()).isEqualTo(u % 2 == 0)));
    }

    @Test
    void everyRecordIsListedAndRestoredAsItIs() {
        long before = store.count();
        OrgMember ada = joined("user_ada", 1);
        OrgMember bob = left("user_bob", 2);
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
}

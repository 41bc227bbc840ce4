package dev.billing.postgres;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.OrgMember;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.EventInbox;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What erasure does on Postgres beyond the contracts: the inbox keeps exactly the port's redacted text, and an
 * account erased a second time (it came back after the first) merges into its pseudonym's rows instead of failing
 * on their primary keys.
 */
@ExtendWith(PostgresDatabaseExtension.class)
class ErasureIT {
    private static final UsagePeriod PERIOD = new UsagePeriod(T0, T0.plusSeconds(3600));
    private static BillingStores stores;

    @BeforeAll
    static void openStores(TestDatabase database) {
        stores = TestStores.open(database);
    }

    @AfterAll
    static void closeStores() {
        stores.close();
    }

    @Test
    void aRedactedPayloadIsThePortsTextExactly() {
        String customer = unique("cus_");
        StripeEvent event = anEvent()
                .forObject("customer", customer)
                .withPayload("{\"id\":\"x\",\"email\":\"ada@example.com\"}")
                .build();
        stores.inbox().record(event, T0);

        assertThat(stores.inbox().redact(Set.of(customer, unique("sub_")))).isEqualTo(1);

        assertThat(stores.inbox().find(event.id()).orElseThrow().event().payload())
                .isEqualTo(EventInbox.redactedPayload(event.id(), event.type()));
        assertThat(stores.inbox().redact(Set.of())).isZero();
    }

    @Test
    void aSecondErasureAddsTheUsersCountsToThePseudonymsAndKeepsItsKeys() {
        UserId user = UserId.of(unique("user_"));
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        stores.usage().increment(increment(user, 4, "k1"));
        assertThat(stores.usage().pseudonymise(user, pseudonym)).isEqualTo(2);
        // The account comes back in the same period, reusing a key, and is erased again.
        stores.usage().increment(increment(user, 3, "k1"));
        stores.usage().increment(increment(user, 2, "k2"));

        assertThat(stores.usage().pseudonymise(user, pseudonym)).isEqualTo(3);

        assertThat(stores.usage().used(pseudonym, "api_calls", PERIOD.start())).isEqualTo(9);
        assertThat(stores.usage().countersOf(user)).isEmpty();
        // k1 keeps the answer the pseudonym held first; k2 moved with its own.
        assertThat(stores.usage().increment(increment(pseudonym, 4, "k1")))
                .isEqualTo(new UsageResult.Replayed(new UsageResult.Accepted(4, 100)));
        assertThat(stores.usage().increment(increment(pseudonym, 2, "k2")))
                .isEqualTo(new UsageResult.Replayed(new UsageResult.Accepted(5, 100)));
        assertThat(stores.usage().pseudonymise(pseudonym, pseudonym)).isZero();
    }

    @Test
    void aSecondErasureKeepsTheMembershipThatSupersedes() {
        String org = unique("org_");
        UserId user = UserId.of(unique("user_"));
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        stores.memberships().apply(new OrgMember(org, user, "org:admin", true, T0, unique("msg_")));
        assertThat(stores.memberships().pseudonymise(user, pseudonym)).isEqualTo(1);
        stores.memberships().apply(new OrgMember(org, user, "org:member", false, T0.plusSeconds(5), unique("msg_")));

        assertThat(stores.memberships().pseudonymise(user, pseudonym)).isEqualTo(1);

        assertThat(stores.memberships().ofUser(user)).isEmpty();
        assertThat(stores.memberships().ofUser(pseudonym)).singleElement().satisfies(m -> {
            assertThat(m.role()).isEqualTo("org:member");
            assertThat(m.active()).isFalse();
        });
        assertThat(stores.memberships().countActive(org)).isZero();
    }

    private static UsageIncrement increment(UserId user, long amount, String key) {
        return new UsageIncrement(
                user, "api_calls", PERIOD, amount, 100, key, "api_calls:" + amount, T0.plusSeconds(1), null);
    }
}

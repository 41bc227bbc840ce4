package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Subscription;
import dev.billing.core.model.SubscriptionStatus;
import dev.billing.core.model.UserId;
import dev.billing.core.port.BillingStores;
import dev.billing.core.model.UpsertResult;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** The audit trail is written by triggers in the same transaction as the change it records. */
@ExtendWith(PostgresDatabaseExtension.class)
class AuditTrailIT {
    private static BillingStores stores;
    private static TestDatabase db;

    @BeforeAll
    static void openStores(TestDatabase database) {
        db = database;
        stores = TestStores.open(database);
    }

    @AfterAll
    static void closeStores() {
        stores.close();
    }

    @Test
    void statusChangesAreAuditedAndChangesTheTrailDoesNotRecordAreNot() {
        String id = unique("sub_");
        stores.subscriptions().upsertSubscription(aSubscription().withId(id).withCustomer("cus_audit")
                .withStatus(SubscriptionStatus.INCOMPLETE).snapshotAt(T0).build());
        stores.subscriptions().upsertSubscription(aSubscription().withId(id).withCustomer("cus_audit")
                .withStatus(SubscriptionStatus.ACTIVE).snapshotAt(T0.plusSeconds(1)).build());
        // V11 audits a quantity change; a newer version that changes only the period or metadata is not audited.
        stores.subscriptions().upsertSubscription(aSubscription().withId(id).withCustomer("cus_audit")
                .withStatus(SubscriptionStatus.ACTIVE).withQuantity(5).snapshotAt(T0.plusSeconds(2)).build());
        stores.subscriptions().upsertSubscription(aSubscription().withId(id).withCustomer("cus_audit")
                .withStatus(SubscriptionStatus.ACTIVE).withQuantity(5).withMetadata("plan_note", "renewed")
                .withPeriod(T0.plusSeconds(30), T0.plusSeconds(60)).snapshotAt(T0.plusSeconds(3)).build());
        Subscription stale = aSubscription().withId(id).withCustomer("cus_audit")
                .withStatus(SubscriptionStatus.CANCELED).snapshotAt(T0).build();
        assertThat(stores.subscriptions().upsertSubscription(stale)).isEqualTo(UpsertResult.STALE);

        assertThat(Sql.strings(db.dataSource(), "SELECT action || ':' || coalesce(old_status, '-') || '>' "
                + "|| coalesce(new_status, '-') || '@' || source_version FROM billing.audit_log "
                + "WHERE entity = 'subscription' AND entity_id = '" + id + "' ORDER BY id")).containsExactly(
                "created:->incomplete@" + (T0.getEpochSecond() * 10_000_000L),
                "status_changed:incomplete>active@" + ((T0.getEpochSecond() + 1) * 10_000_000L),
                "quantity_changed:->-@" + ((T0.getEpochSecond() + 2) * 10_000_000L));
    }

    @Test
    void aCustomerLinkIsAuditedOnceAndARefusedLinkNotAtAll() {
        String user = unique("user_");
        String customer = unique("cus_");
        stores.customers().link(new CustomerLink(UserId.of(user), CustomerId.of(customer), null, T0));
        stores.customers().link(new CustomerLink(UserId.of(user), CustomerId.of(unique("cus_")), null, T0));
        stores.customers().link(new CustomerLink(UserId.of(unique("user_")), CustomerId.of(customer), null, T0));

        assertThat(Sql.strings(db.dataSource(), "SELECT action || ':' || user_id || '>' || customer_id "
                + "FROM billing.audit_log WHERE entity = 'customer' AND (user_id = '" + user + "' OR customer_id = '"
                + customer + "')")).containsExactly("linked:" + user + ">" + customer);
    }

    @Test
    void anErasureIsAuditedUnderThePseudonymAndTheTrailKeepsNoTraceOfTheErasedId() {
        String user = unique("user_");
        String customer = unique("cus_");
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        stores.customers().link(new CustomerLink(UserId.of(user), CustomerId.of(customer), "ada@example.com", T0));
        stores.subscriptions().upsertSubscription(aSubscription().withCustomer(customer)
                .withMetadata("user_id", user).snapshotAt(T0).build());

        assertThat(stores.customers().pseudonymise(UserId.of(user), pseudonym)).isTrue();
        assertThat(stores.subscriptions().pseudonymise(CustomerId.of(customer), UserId.of(user), pseudonym))
                .isEqualTo(1);

        assertThat(Sql.strings(db.dataSource(), "SELECT entity || ':' || action || ':' || coalesce(user_id, '-') "
                + "FROM billing.audit_log WHERE customer_id = '" + customer + "' ORDER BY id")).containsExactly(
                "customer:linked:" + pseudonym.value(), "subscription:created:-",
                "customer:pseudonymised:" + pseudonym.value());
        assertThat(Sql.count(db.dataSource(), "SELECT count(*) FROM billing.audit_log WHERE user_id = '" + user
                + "'")).isZero();
        // A second run finds nothing to move and audits nothing.
        assertThat(stores.customers().pseudonymise(UserId.of(user), pseudonym)).isFalse();
        assertThat(Sql.count(db.dataSource(), "SELECT count(*) FROM billing.audit_log WHERE customer_id = '"
                + customer + "'")).isEqualTo(3);
    }
}

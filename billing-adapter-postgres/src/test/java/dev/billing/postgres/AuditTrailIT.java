package dev.billing.postgres;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
        stores.subscriptions()
                .upsertSubscription(aSubscription()
                        .withId(id)
                        .withCustomer("cus_audit")
                        .withStatus(SubscriptionStatus.INCOMPLETE)
                        .snapshotAt(T0)
                        .build());
        stores.subscriptions()
                .upsertSubscription(aSubscription()
                        .withId(id)
                        .withCustomer("cus_audit")
                        .withStatus(SubscriptionStatus.ACTIVE)
                        .snapshotAt(T0.plusSeconds(1))
                        .build());
        // V11 audits a quantity change; a newer version that changes only the period or metadata is not audited.
        stores.subscriptions()
                .upsertSubscription(aSubscription()
                        .withId(id)
                        .withCustomer("cus_audit")
                        .withStatus(SubscriptionStatus.ACTIVE)
                        .withQuantity(5)
                        .snapshotAt(T0.plusSeconds(2))
                        .build());
        stores.subscriptions()
                .upsertSubscription(aSubscription()
                        .withId(id)
                        .withCustomer("cus_audit")
                        .withStatus(SubscriptionStatus.ACTIVE)
                        .withQuantity(5)
                        .withMetadata("plan_note", "renewed")
                        .withPeriod(T0.plusSeconds(30), T0.plusSeconds(60))
                        .snapshotAt(T0.plusSeconds(3))
                        .build());
        Subscription stale = aSubscription()
                .withId(id)
                .withCustomer("cus_audit")
                .withStatus(SubscriptionStatus.CANCELED)
                .snapshotAt(T0)
                .build();
        assertThat(stores.subscriptions().upsertSubscription(stale)).isEqualTo(UpsertResult.STALE);

        assertThat(Sql.strings(
                        db.dataSource(),
                        "SELECT action || ':' || coalesce(old_status, '-') || '>' "
                                + "|| coalesce(new_status, '-') || '@' || source_version FROM billing.audit_log "
                                + "WHERE entity = 'subscription' AND entity_id = '" + id + "' ORDER BY id"))
                .containsExactly(
                        "created:->incomplete@" + (T0.getEpochSecond() * 10_000_000L),
                        "status_changed:incomplete>active@" + ((T0.getEpochSecond() + 1) * 10_000_000L),
                        "quantity_changed:->-@" + ((T0.getEpochSecond() + 2) * 10_000_000L));
    }

    /**
     * V17 audits once per statement: one batched upsert that inserts a row, changes everything the trail records on
     * two others and is refused for a fourth still records each row's entries in the row's order, and for one row
     * status, plan, quantity, then schedule, as the row triggers before it did.
     */
    @Test
    void aBatchIsAuditedRowByRowInOneStatement() {
        String a = unique("sub_");
        String b = unique("sub_");
        String c = unique("sub_");
        String d = unique("sub_");
        for (String id : List.of(a, b, d)) {
            stores.subscriptions()
                    .upsertSubscription(aSubscription()
                            .withId(id)
                            .withCustomer("cus_batch")
                            .withStatus(SubscriptionStatus.TRIALING)
                            .snapshotAt(T0.plusSeconds(5))
                            .build());
        }
        List<Subscription> batch = new ArrayList<>();
        for (String id : List.of(b, a)) {
            batch.add(aSubscription()
                    .withId(id)
                    .withCustomer("cus_batch")
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .withPrice("price_team_monthly")
                    .withQuantity(3)
                    .cancelingAtPeriodEnd()
                    .snapshotAt(T0.plusSeconds(6))
                    .build());
        }
        batch.add(aSubscription()
                .withId(c)
                .withCustomer("cus_batch")
                .snapshotAt(T0.plusSeconds(6))
                .build());
        batch.add(aSubscription()
                .withId(d)
                .withCustomer("cus_batch")
                .withStatus(SubscriptionStatus.CANCELED)
                .snapshotAt(T0)
                .build()); // older than the stored version: refused, not audited
        List<AuditCause> causes = List.of(
                AuditCause.event("evt_b"),
                AuditCause.event("evt_a"),
                AuditCause.event("evt_c"),
                AuditCause.event("evt_d"));
        stores.subscriptions().upsertSubscriptions(batch, causes);

        String sixth = "@" + ((T0.getEpochSecond() + 6) * 10_000_000L);
        assertThat(Sql.strings(
                        db.dataSource(),
                        "SELECT entity_id || ' ' || action || ' ' || cause || ' ' "
                                + "|| detail::text || '@' || source_version FROM billing.audit_log WHERE customer_id = 'cus_batch' "
                                + "AND id > (SELECT max(id) FROM billing.audit_log WHERE entity_id = '" + d
                                + "') ORDER BY id"))
                .containsExactlyInAnyOrder(
                        b + " status_changed event:evt_b {}" + sixth,
                        b + " plan_changed event:evt_b {\"new_price_id\": \"price_team_monthly\", "
                                + "\"old_price_id\": \"price_pro_monthly\"}" + sixth,
                        b + " quantity_changed event:evt_b {\"new_quantity\": \"3\", \"old_quantity\": \"1\"}" + sixth,
                        b + " cancel_scheduled event:evt_b {\"cancel_at_period_end\": \"true\"}" + sixth,
                        a + " status_changed event:evt_a {}" + sixth,
                        a + " plan_changed event:evt_a {\"new_price_id\": \"price_team_monthly\", "
                                + "\"old_price_id\": \"price_pro_monthly\"}" + sixth,
                        a + " quantity_changed event:evt_a {\"new_quantity\": \"3\", \"old_quantity\": \"1\"}" + sixth,
                        a + " cancel_scheduled event:evt_a {\"cancel_at_period_end\": \"true\"}" + sixth,
                        c + " created event:evt_c {\"price_id\": \"price_pro_monthly\", \"quantity\": \"1\"}" + sixth);
        // In id order: each row's entries together (the rows in the order the statement wrote them), in the
        // trail's order.
        for (String id : List.of(a, b)) {
            assertThat(Sql.strings(
                            db.dataSource(),
                            "SELECT action FROM billing.audit_log WHERE entity_id = '" + id
                                    + "' AND action <> 'created' ORDER BY id"))
                    .containsExactly("status_changed", "plan_changed", "quantity_changed", "cancel_scheduled");
        }
        assertThat(Sql.strings(
                        db.dataSource(),
                        "SELECT count(DISTINCT entity_id) FROM (SELECT entity_id, "
                                + "id - row_number() OVER (PARTITION BY entity_id ORDER BY id) AS run FROM billing.audit_log "
                                + "WHERE entity_id IN ('" + a + "', '" + b
                                + "') AND action <> 'created') AS r GROUP BY run"))
                .as("each row's four entries have consecutive ids")
                .containsOnly("1");
    }

    @Test
    void aCustomerLinkIsAuditedOnceAndARefusedLinkNotAtAll() {
        String user = unique("user_");
        String customer = unique("cus_");
        stores.customers().link(new CustomerLink(UserId.of(user), CustomerId.of(customer), null, T0));
        stores.customers().link(new CustomerLink(UserId.of(user), CustomerId.of(unique("cus_")), null, T0));
        stores.customers().link(new CustomerLink(UserId.of(unique("user_")), CustomerId.of(customer), null, T0));

        assertThat(Sql.strings(
                        db.dataSource(),
                        "SELECT action || ':' || user_id || '>' || customer_id "
                                + "FROM billing.audit_log WHERE entity = 'customer' AND (user_id = '" + user
                                + "' OR customer_id = '"
                                + customer + "')"))
                .containsExactly("linked:" + user + ">" + customer);
    }

    @Test
    void anErasureIsAuditedUnderThePseudonymAndTheTrailKeepsNoTraceOfTheErasedId() {
        String user = unique("user_");
        String customer = unique("cus_");
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        stores.customers().link(new CustomerLink(UserId.of(user), CustomerId.of(customer), "ada@example.com", T0));
        stores.subscriptions()
                .upsertSubscription(aSubscription()
                        .withCustomer(customer)
                        .withMetadata("user_id", user)
                        .snapshotAt(T0)
                        .build());

        assertThat(stores.customers().pseudonymise(UserId.of(user), pseudonym)).isTrue();
        assertThat(stores.subscriptions().pseudonymise(CustomerId.of(customer), UserId.of(user), pseudonym))
                .isEqualTo(1);

        assertThat(Sql.strings(
                        db.dataSource(),
                        "SELECT entity || ':' || action || ':' || coalesce(user_id, '-') "
                                + "FROM billing.audit_log WHERE customer_id = '" + customer + "' ORDER BY id"))
                .containsExactly(
                        "customer:linked:" + pseudonym.value(),
                        "subscription:created:-",
                        "customer:pseudonymised:" + pseudonym.value());
        assertThat(Sql.count(db.dataSource(), "SELECT count(*) FROM billing.audit_log WHERE user_id = '" + user + "'"))
                .isZero();
        // A second run finds nothing to move and audits nothing.
        assertThat(stores.customers().pseudonymise(UserId.of(user), pseudonym)).isFalse();
        assertThat(Sql.count(
                        db.dataSource(),
                        "SELECT count(*) FROM billing.audit_log WHERE customer_id = '" + customer + "'"))
                .isEqualTo(3);
    }
}

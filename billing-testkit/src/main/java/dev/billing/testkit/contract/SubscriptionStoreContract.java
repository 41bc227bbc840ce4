package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anInvoice;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.SubscriptionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SubscriptionStore} guarantees: watermark-guarded upserts (I4, including same-second ties),
 * insert-once purchases and invoice payments, refunds, complete listings. Subclass it once per implementation;
 * tests use unique ids.
 */
public abstract class SubscriptionStoreContract extends PastDueSinceContract {
    @Nested
    @DisplayName("erasure")
    class Erasure {
        @Test
        @DisplayName("the customer's subscriptions name the pseudonym in their metadata, others are untouched")
        void pseudonymiseRewritesTheUserInMetadata() {
            String customer = unique("cus_");
            Subscription mine = aSubscription()
                    .withCustomer(customer)
                    .withMetadata("user_id", "user_ada")
                    .withMetadata("tier", "pro")
                    .build();
            Subscription other = aSubscription()
                    .withCustomer(unique("cus_"))
                    .withMetadata("user_id", "user_ada")
                    .build();
            store.upsertSubscription(mine);
            store.upsertSubscription(other);

            assertThat(store.pseudonymise(CustomerId.of(customer), UserId.of("user_ada"), UserId.of("erased_x")))
                    .isEqualTo(1);

            assertThat(store.findSubscription(mine.id())).hasValueSatisfying(s -> {
                assertThat(s.metadata()).containsEntry("user_id", "erased_x").containsEntry("tier", "pro");
                assertThat(s.status()).isEqualTo(mine.status());
                assertThat(s.version()).isEqualTo(mine.version());
            });
            assertThat(store.findSubscription(other.id()).orElseThrow().metadata())
                    .containsEntry("user_id", "user_ada");
            assertThat(store.pseudonymise(CustomerId.of(customer), UserId.of("user_ada"), UserId.of("erased_x")))
                    .isZero();
        }
    }

    @Nested
    @DisplayName("subscriptions")
    class Subscriptions {

        @Test
        @DisplayName("every field round-trips, nulls included")
        void everyFieldRoundTrips() {
            Subscription full = aSubscription()
                    .withCustomer(unique("cus_"))
                    .withStatus(SubscriptionStatus.TRIALING)
                    .withQuantity(3)
                    .withTrial(T0, T0.plus(Duration.ofDays(14)))
                    .cancelingAtPeriodEnd()
                    .withCancelAt(T0.plus(Duration.ofDays(30)))
                    .withMetadata("user_id", "user_1")
                    .withMetadata("tier", "pro")
                    .refetchedAt(T0.plusMillis(123))
                    .build();
            Subscription sparse = new Subscription(
                    unique("sub_"),
                    CustomerId.of(unique("cus_")),
                    SubscriptionStatus.INCOMPLETE,
                    null,
                    0,
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    null,
                    null,
                    T0,
                    java.util.Map.of(),
                    SourceVersion.snapshot(T0));
            assertThat(store.upsertSubscription(full)).isEqualTo(UpsertResult.APPLIED);
            assertThat(store.upsertSubscription(sparse)).isEqualTo(UpsertResult.APPLIED);
            assertThat(store.findSubscription(full.id())).contains(full);
            assertThat(store.findSubscription(sparse.id())).contains(sparse);
            assertThat(store.findSubscription(unique("sub_missing_"))).isEmpty();
        }

        @Test
        void anUnrecognizedStatusIsKept() {
            Subscription odd =
                    aSubscription().withStatus(SubscriptionStatus.UNRECOGNIZED).build();
            store.upsertSubscription(odd);
            assertThat(store.findSubscription(odd.id()))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.UNRECOGNIZED);
        }

        @Test
        @DisplayName("a newer version applies, an older one is stale and changes nothing")
        void newerAppliesOlderIsStale() {
            String id = unique("sub_");
            Subscription v1 = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(T0)
                    .build();
            Subscription v2 = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(T0.plusSeconds(1))
                    .build();
            assertThat(store.upsertSubscription(v1)).isEqualTo(UpsertResult.APPLIED);
            assertThat(store.upsertSubscription(v2)).isEqualTo(UpsertResult.APPLIED);
            assertThat(store.upsertSubscription(v1)).isEqualTo(UpsertResult.STALE);
            assertThat(store.findSubscription(id)).contains(v2);
        }

        @Test
        @DisplayName("upsertSubscriptions answers each as upserting them one by one in that order would")
        void upsertSubscriptionsAnswersInOrder() {
            String id = unique("sub_");
            String tied = unique("sub_");
            Subscription v1 = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(T0)
                    .build();
            Subscription v3 = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.PAST_DUE)
                    .snapshotAt(T0.plusSeconds(3))
                    .build();
            Subscription v2 = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(T0.plusSeconds(2))
                    .build();
            Subscription tieA = aSubscription()
                    .withId(tied)
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(T0)
                    .build();
            Subscription tieB = aSubscription()
                    .withId(tied)
                    .withStatus(SubscriptionStatus.CANCELED)
                    .snapshotAt(T0.plusMillis(500))
                    .build();
            List<Subscription> batch = new ArrayList<>(List.of(v1, tieA, v3, v2, tieB));
            for (int i = 0; i < 70; i++) { // more than one statement's worth
                batch.add(aSubscription().withId(unique("sub_")).snapshotAt(T0).build());
            }
            List<UpsertResult> results = store.upsertSubscriptions(batch);
            assertThat(results).hasSize(batch.size());
            assertThat(results.subList(0, 5))
                    .containsExactly(
                            UpsertResult.APPLIED,
                            UpsertResult.APPLIED,
                            UpsertResult.APPLIED,
                            UpsertResult.STALE,
                            UpsertResult.SAME_VERSION);
            assertThat(results.subList(5, results.size())).containsOnly(UpsertResult.APPLIED);
            // v3 turned the stored incomplete row past due: the store notes when (the store keeps it, not Stripe)
            assertThat(store.findSubscription(id)).contains(v3.withPastDueSince(T0.plusSeconds(3)));
            assertThat(store.findSubscription(tied)).contains(tieA);
            assertThat(store.findSubscription(batch.get(74).id())).contains(batch.get(74));
            assertThat(store.upsertSubscriptions(List.of())).isEmpty();
        }

        @Test
        @DisplayName("updated before created: the final state is the newest")
        void updatedBeforeCreated() {
            String id = unique("sub_");
            Subscription created = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(T0)
                    .build();
            Subscription updated = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(T0.plusSeconds(5))
                    .build();
            store.upsertSubscription(updated);
            assertThat(store.upsertSubscription(created)).isEqualTo(UpsertResult.STALE);
            assertThat(store.findSubscription(id)).contains(updated);
        }

        @Test
        @DisplayName("a late updated after deleted does not resurrect the subscription")
        void lateUpdatedAfterDeleted() {
            String id = unique("sub_");
            Subscription deleted = aSubscription()
                    .withId(id)
                    .canceled(T0.plusSeconds(10))
                    .snapshotAt(T0.plusSeconds(10))
                    .build();
            Subscription lateUpdate = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(T0.plusSeconds(9))
                    .build();
            store.upsertSubscription(deleted);
            assertThat(store.upsertSubscription(lateUpdate)).isEqualTo(UpsertResult.STALE);
            assertThat(store.findSubscription(id)).map(Subscription::status).contains(SubscriptionStatus.CANCELED);
        }

        @Test
        @DisplayName("two snapshots of one second tie: the first stays and the tie is reported")
        void sameSecondSnapshotsTie() {
            String id = unique("sub_");
            Subscription first = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(T0)
                    .build();
            Subscription second = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.PAST_DUE)
                    .snapshotAt(T0.plusMillis(700))
                    .build();
            store.upsertSubscription(first);
            assertThat(store.upsertSubscription(second)).isEqualTo(UpsertResult.SAME_VERSION);
            assertThat(store.findSubscription(id)).contains(first);
        }

        @Test
        @DisplayName("a re-fetch outranks a snapshot of the same second, and loses to a later second")
        void refetchOutranksSnapshotOfTheSameSecond() {
            String id = unique("sub_");
            Subscription snapshot = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.PAST_DUE)
                    .snapshotAt(T0)
                    .build();
            Subscription refetched = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .refetchedAt(T0.plusMillis(1))
                    .build();
            Subscription nextSecond = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.CANCELED)
                    .snapshotAt(T0.plusSeconds(1))
                    .build();
            store.upsertSubscription(refetched);
            assertThat(store.upsertSubscription(snapshot)).isEqualTo(UpsertResult.STALE);
            assertThat(store.upsertSubscription(nextSecond)).isEqualTo(UpsertResult.APPLIED);
            assertThat(store.findSubscription(id)).contains(nextSecond);
        }

        @RepeatedTest(3)
        @DisplayName("racing upserts of 12 versions end on the newest, whatever the order")
        void racingUpsertsEndOnTheNewest() {
            String id = unique("sub_");
            List<Subscription> versions = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                versions.add(aSubscription()
                        .withId(id)
                        .withQuantity(i)
                        .refetchedAt(T0.plusMillis(i * 250L))
                        .build());
            }
            List<Subscription> shuffled = new ArrayList<>(versions);
            Collections.shuffle(shuffled);
            List<UpsertResult> results = Race.run(12, i -> store.upsertSubscription(shuffled.get(i)));
            assertThat(results).contains(UpsertResult.APPLIED);
            assertThat(store.findSubscription(id)).contains(versions.get(11));
        }

        @RepeatedTest(3)
        @DisplayName("48 racing upserts of 8 subscriptions (3 versions, each twice): newest stored, answered once "
                + "APPLIED and otherwise SAME_VERSION, every answer its own")
        void racingUpsertsOfManySubscriptions() {
            List<Subscription> calls = new ArrayList<>();
            List<Subscription> newest = new ArrayList<>();
            for (int s = 0; s < 8; s++) {
                String id = unique("sub_");
                for (int v = 0; v < 3; v++) {
                    Subscription version = aSubscription()
                            .withId(id)
                            .withQuantity(v)
                            .refetchedAt(T0.plusMillis(v * 250L))
                            .build();
                    calls.add(version);
                    calls.add(version);
                    if (v == 2) {
                        newest.add(version);
                    }
                }
            }
            Collections.shuffle(calls);
            List<UpsertResult> results = Race.run(calls.size(), i -> store.upsertSubscription(calls.get(i)));
            for (Subscription top : newest) {
                assertThat(store.findSubscription(top.id())).contains(top);
                List<UpsertResult> ofTop = new ArrayList<>();
                for (int i = 0; i < calls.size(); i++) {
                    if (calls.get(i).equals(top)) {
                        ofTop.add(results.get(i));
                    }
                }
                // The newest version is newer than anything stored when it first lands; its twin then ties.
                assertThat(ofTop).containsExactlyInAnyOrder(UpsertResult.APPLIED, UpsertResult.SAME_VERSION);
            }
            for (int i = 0; i < calls.size(); i++) {
                int twins = 0;
                for (int j = 0; j < calls.size(); j++) {
                    if (calls.get(j).equals(calls.get(i)) && results.get(j) == UpsertResult.APPLIED) {
                        twins++;
                    }
                }
                assertThat(twins).as("APPLIED answers for one version").isLessThanOrEqualTo(1);
            }
        }

        @Test
        @DisplayName("a customer's subscriptions, newest created first, and no one else's")
        void subscriptionsOfACustomer() {
            String customer = unique("cus_");
            Subscription older =
                    aSubscription().withCustomer(customer).withCreated(T0).build();
            Subscription newer = aSubscription()
                    .withCustomer(customer)
                    .withCreated(T0.plusSeconds(60))
                    .build();
            store.upsertSubscription(older);
            store.upsertSubscription(newer);
            store.upsertSubscription(
                    aSubscription().withCustomer(unique("cus_other_")).build());
            assertThat(store.subscriptionsOf(CustomerId.of(customer))).containsExactly(newer, older);
            assertThat(store.subscriptionsOf(CustomerId.of(unique("cus_none_"))))
                    .isEmpty();
        }

        @Test
        void listsAndCountsEverySubscription() {
            long before = store.countSubscriptions();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                Subscription s = aSubscription().build();
                store.upsertSubscription(s);
                ids.add(s.id());
            }
            assertThat(store.countSubscriptions()).isEqualTo(before + 11);
            List<String> listed = collect((cursor, limit) -> store.listSubscriptions(cursor, limit)).stream()
                    .map(Subscription::id)
                    .toList();
            assertThat(listed)
                    .doesNotHaveDuplicates()
                    .isSorted()
                    .containsAll(ids)
                    .hasSize((int) store.countSubscriptions());
        }
    }

    @Nested
    @DisplayName("invoices")
    class Invoices {

        @Test
        void everyFieldRoundTrips() {
            Invoice full = anInvoice()
                    .withCustomer(unique("cus_"))
                    .withSubscription(unique("sub_"))
                    .withStatus(InvoiceStatus.OPEN)
                    .withAmounts(3480, 0)
                    .withTax(580L)
                    .withVersion(SourceVersion.refetch(T0.plusMillis(5)))
                    .build();
            Invoice sparse = anInvoice().withoutLinks().withNumber(null).build();
            store.upsertInvoice(full);
            store.upsertInvoice(sparse);
            assertThat(store.findInvoice(full.id())).contains(full);
            assertThat(store.findInvoice(sparse.id())).contains(sparse);
        }

        @Test
        @DisplayName("a newer version sets, changes and clears the tax; an invoice without tax reads back null")
        void taxFollowsTheNewestVersion() {
            String id = unique("in_");
            store.upsertInvoice(anInvoice()
                    .withId(id)
                    .withVersion(SourceVersion.snapshot(T0))
                    .build());
            assertThat(store.findInvoice(id))
                    .hasValueSatisfying(i -> assertThat(i.tax()).isNull());
            store.upsertInvoice(anInvoice()
                    .withId(id)
                    .withTax(0L)
                    .withVersion(SourceVersion.snapshot(T0.plusSeconds(1)))
                    .build());
            assertThat(store.findInvoice(id))
                    .hasValueSatisfying(i -> assertThat(i.tax()).isZero());
            store.upsertInvoice(anInvoice()
                    .withId(id)
                    .withTax(580L)
                    .withVersion(SourceVersion.snapshot(T0.plusSeconds(2)))
                    .build());
            assertThat(store.findInvoice(id))
                    .hasValueSatisfying(i -> assertThat(i.tax()).isEqualTo(580L));
            assertThat(store.invoicesOf(store.findInvoice(id).orElseThrow().customerId()))
                    .filteredOn(i -> i.id().equals(id))
                    .singleElement()
                    .satisfies(i -> assertThat(i.tax()).isEqualTo(580L));
        }

        @Test
        @DisplayName("the same watermark rules as subscriptions")
        void watermarkRules() {
            String id = unique("in_");
            Invoice open = anInvoice()
                    .withId(id)
                    .withStatus(InvoiceStatus.OPEN)
                    .withVersion(SourceVersion.snapshot(T0))
                    .build();
            Invoice paid = anInvoice()
                    .withId(id)
                    .withStatus(InvoiceStatus.PAID)
                    .withVersion(SourceVersion.snapshot(T0.plusSeconds(2)))
                    .build();
            Invoice tie = anInvoice()
                    .withId(id)
                    .withStatus(InvoiceStatus.VOID)
                    .withVersion(SourceVersion.snapshot(T0.plusSeconds(2)))
                    .build();
            assertThat(store.upsertInvoice(paid)).isEqualTo(UpsertResult.APPLIED);
            assertThat(store.upsertInvoice(open)).isEqualTo(UpsertResult.STALE);
            assertThat(store.upsertInvoice(tie)).isEqualTo(UpsertResult.SAME_VERSION);
            assertThat(store.findInvoice(id)).contains(paid);
        }

        @Test
        void invoicesOfACustomerNewestFirst() {
            String customer = unique("cus_");
            Invoice older = anInvoice().withCustomer(customer).withCreated(T0).build();
            Invoice newer = anInvoice()
                    .withCustomer(customer)
                    .withCreated(T0.plusSeconds(1))
                    .build();
            store.upsertInvoice(older);
            store.upsertInvoice(newer);
            assertThat(store.invoicesOf(CustomerId.of(customer))).containsExactly(newer, older);
        }

        @Test
        void listsAndCountsEveryInvoice() {
            long before = store.countInvoices();
            for (int i = 0; i < 5; i++) {
                store.upsertInvoice(anInvoice().build());
            }
            assertThat(store.countInvoices()).isEqualTo(before + 5);
            assertThat(collect((cursor, limit) -> store.listInvoices(cursor, limit)))
                    .hasSize((int) store.countInvoices());
        }
    }
}

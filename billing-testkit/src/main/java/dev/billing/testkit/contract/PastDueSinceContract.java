package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link dev.billing.core.port.SubscriptionStore} contract about {@link Subscription#pastDueSince()}:
 * set when a row turns past due, dated by the bounds writes give, kept through a spell and cleared when it ends.
 * {@link SubscriptionStoreContract} extends it; apart only so that neither file does two jobs.
 */
public abstract class PastDueSinceContract extends PaymentRecordsContract {
    @Nested
    @DisplayName("past due since")
    class PastDueSince {
        private Subscription at(String id, SubscriptionStatus status, SourceVersion version) {
            return aSubscription().withId(id).withStatus(status).build().withVersion(version);
        }

        @Test
        @DisplayName("set when a stored row turns past due, kept, cleared when it leaves")
        void pastDueSinceFollowsTheStoredStatus() {
            String id = unique("sub_");
            store.upsertSubscription(at(id, SubscriptionStatus.ACTIVE, SourceVersion.snapshot(T0)));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isNull();

            java.time.Instant turned = T0.plusSeconds(60);
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(turned.plusMillis(7))));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(turned);

            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.snapshot(T0.plusSeconds(120))));
            assertThat(store.upsertSubscription(at(id, SubscriptionStatus.ACTIVE, SourceVersion.snapshot(T0))))
                    .isEqualTo(UpsertResult.STALE);
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(turned);

            store.upsertSubscription(at(id, SubscriptionStatus.ACTIVE, SourceVersion.snapshot(T0.plusSeconds(180))));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isNull();
            store.upsertSubscriptions(
                    List.of(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.snapshot(T0.plusSeconds(240)))));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(240));

            // a webhook's bound (Stripe's time) dates the turn, however much later Stripe's state was read
            store.upsertSubscription(at(id, SubscriptionStatus.ACTIVE, SourceVersion.snapshot(T0.plusSeconds(300))));
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(T0.plusSeconds(900)))
                    .withPastDueSince(T0.plusSeconds(310)));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(310));
            // a later bound (the turning event itself, processed after an earlier one) moves it later
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(T0.plusSeconds(960)))
                    .withPastDueSince(T0.plusSeconds(330)));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(330));
            // an older event replayed, or none given, moves nothing
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(T0.plusSeconds(990)))
                    .withPastDueSince(T0.plusSeconds(100)));
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(T0.plusSeconds(995))));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(330));
        }

        @Test
        @DisplayName("a row stored past due without it takes it from a later write that knows it")
        void aPastDueRowWithoutItTakesItWhenKnown() {
            String id = unique("sub_");
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.snapshot(T0.plusSeconds(60))));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isNull();
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(T0.plusSeconds(120)))
                    .withPastDueSince(T0.plusSeconds(30)));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(30));
        }

        @Test
        @DisplayName("a turn no write dated takes the first bound given, even an earlier one")
        void aTurnNoWriteDatedTakesTheFirstBoundGiven() {
            String id = unique("sub_");
            store.upsertSubscription(at(id, SubscriptionStatus.ACTIVE, SourceVersion.snapshot(T0)));
            // a later event, read first and a day on, says nothing of when it turned: the read's second, for now
            java.time.Instant read = T0.plusSeconds(86_400);
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(read)));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(read);
            // the turning event, processed after it, dates the turn though its bound is earlier
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(read.plusSeconds(5)))
                    .withPastDueSince(T0.plusSeconds(60)));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(60));
            // from then on bounds only move it later, and a write without one moves nothing
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(read.plusSeconds(9)))
                    .withPastDueSince(T0.plusSeconds(30)));
            store.upsertSubscriptions(
                    List.of(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(read.plusSeconds(12)))));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(60));
            // a new spell starts undated again
            store.upsertSubscription(at(id, SubscriptionStatus.ACTIVE, SourceVersion.refetch(read.plusSeconds(20))));
            store.upsertSubscriptions(
                    List.of(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(read.plusSeconds(30)))));
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(read.plusSeconds(40)))
                    .withPastDueSince(read.plusSeconds(25)));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(read.plusSeconds(25));
        }

        @Test
        @DisplayName("a write older than the row still gives its bound (reads answered out of order)")
        void aWriteOlderThanTheRowStillGivesItsBound() {
            String id = unique("sub_");
            store.upsertSubscription(at(id, SubscriptionStatus.ACTIVE, SourceVersion.snapshot(T0)));
            // the read sent second, for a trial's end notice, is written first with that notice's bound
            SourceVersion newest = SourceVersion.refetch(T0.plusSeconds(900));
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, newest).withPastDueSince(T0.plusSeconds(300)));
            // the read sent first, for the turning event, comes back after it: refused, its bound still counts
            assertThat(store.upsertSubscription(
                            at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(T0.plusSeconds(800)))
                                    .withPastDueSince(T0.plusSeconds(330))))
                    .isEqualTo(UpsertResult.STALE);
            assertThat(store.findSubscription(id))
                    .contains(at(id, SubscriptionStatus.PAST_DUE, newest).withPastDueSince(T0.plusSeconds(330)));
            // an earlier bound, the same version batched, and a write without one move nothing
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(T0.plusSeconds(700)))
                    .withPastDueSince(T0.plusSeconds(100)));
            assertThat(store.upsertSubscriptions(List.of(at(id, SubscriptionStatus.PAST_DUE, newest))))
                    .containsExactly(UpsertResult.SAME_VERSION);
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(330));
            assertThat(store.upsertSubscriptions(
                            List.of(at(id, SubscriptionStatus.PAST_DUE, newest).withPastDueSince(T0.plusSeconds(340)))))
                    .containsExactly(UpsertResult.SAME_VERSION);
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(340));

            // a row no longer past due takes nothing from an older write
            store.upsertSubscription(at(id, SubscriptionStatus.ACTIVE, SourceVersion.refetch(T0.plusSeconds(1000))));
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(T0.plusSeconds(950)))
                    .withPastDueSince(T0.plusSeconds(940)));
            assertThat(store.findSubscription(id).orElseThrow().status()).isEqualTo(SubscriptionStatus.ACTIVE);
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isNull();
            // a turn no write dated takes the first bound, from an older write too
            java.time.Instant read = T0.plusSeconds(2000);
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(read)));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(read);
            store.upsertSubscription(at(id, SubscriptionStatus.PAST_DUE, SourceVersion.refetch(read.minusSeconds(50)))
                    .withPastDueSince(T0.plusSeconds(1500)));
            assertThat(store.findSubscription(id).orElseThrow().pastDueSince()).isEqualTo(T0.plusSeconds(1500));
        }

        @Test
        @DisplayName("a new row keeps what it is given (a copy), and none when Stripe's")
        void aNewPastDueRowKeepsWhatItIsGiven() {
            Subscription fromStripe =
                    aSubscription().withStatus(SubscriptionStatus.PAST_DUE).build();
            Subscription copied = aSubscription()
                    .withStatus(SubscriptionStatus.PAST_DUE)
                    .build()
                    .withPastDueSince(T0.minusSeconds(90));
            store.upsertSubscription(fromStripe);
            store.upsertSubscription(copied);
            assertThat(store.findSubscription(fromStripe.id()).orElseThrow().pastDueSince())
                    .isNull();
            assertThat(store.findSubscription(copied.id())).contains(copied);
        }
    }
}

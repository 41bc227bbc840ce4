package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.config.RetrySchedule;
import dev.billing.core.error.BillingException;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.org.AlignSeats;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.core.webhook.WebhookReceipt;
import dev.billing.testkit.Await;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.fake.FakeMembershipWebhookVerifier;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Membership sync over the fakes: Clerk's membership events through the inbox keep each organization's member
 * count, whatever the order and however often they arrive; seats never go below it; with auto-seats the
 * subscription's quantity follows it, also when the events are processed at once.
 */
class MembershipSyncTest {
    static final String ORG = "org_acme";

    record Delivery(String id, boolean joined, String user, Instant at) {}

    static BillingHarness harness(OrgOptions orgs) {
        return BillingHarness.withPlans(SamplePlans.withTeam(), orgs);
    }

    static String buyTeam(BillingHarness h, long seats) {
        CheckoutOutcome outcome = h.billing()
                .startCheckout(
                        h.identity(ORG),
                        new CheckoutCommand.Subscribe("team", BillingInterval.MONTH, null, null, null, seats));
        String subscription = h.gateway()
                .completeCheckout(((CheckoutOutcome.Started) outcome).session().id());
        h.billing().useCases().reconcile().user(UserId.of(ORG));
        return subscription;
    }

    static void deliver(Billing billing, Delivery d) {
        billing.receiveClerkWebhook(
                d.id(), "0", "valid", FakeMembershipWebhookVerifier.body(ORG, d.user(), d.joined(), d.at()));
    }

    /** Users 0..n-1 join; the odd ones leave again later; each delivery twice, shuffled. */
    static List<Delivery> shuffledDeliveries(int users) {
        List<Delivery> changes = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            changes.add(new Delivery("msg_join_" + u, true, "user_" + u, T0.plusSeconds(u)));
            if (u % 2 == 1) {
                changes.add(new Delivery("msg_leave_" + u, false, "user_" + u, T0.plusSeconds(100 + u)));
            }
        }
        List<Delivery> all = new ArrayList<>(changes);
        all.addAll(changes);
        Collections.shuffle(all, new Random(7));
        return all;
    }

    @Test
    void duplicatedAndReorderedDeliveriesLeaveTheRightMemberCount() {
        BillingHarness h = harness(OrgOptions.defaults().withMembershipSync(true));
        buyTeam(h, 10);

        shuffledDeliveries(8).forEach(d -> deliver(h.billing(), d));

        assertThat(h.stores().memberships().countActive(ORG)).isEqualTo(4);
        assertThat(h.stores().inbox().countByStatus().get(InboxStatus.PROCESSED))
                .isEqualTo(12);
        Entitlements seen = h.billing().entitlements(UserId.of(ORG));
        assertThat(seen.seats().purchased()).isEqualTo(10);
        assertThat(seen.seats().used()).isEqualTo(4);
    }

    @Test
    void aSixthMemberOnFiveSeatsIsOverTheLimitAndSeatsCannotGoBelowTheMembers() {
        BillingHarness h = harness(OrgOptions.defaults().withMembershipSync(true));
        buyTeam(h, 5);
        for (int u = 0; u < 5; u++) {
            deliver(h.billing(), new Delivery("msg_" + u, true, "user_" + u, T0.plusSeconds(u)));
        }
        assertThat(h.billing().entitlements(UserId.of(ORG)).seats().overLimit()).isFalse();

        deliver(h.billing(), new Delivery("msg_6", true, "user_6", T0.plusSeconds(6)));

        Entitlements over = h.billing().entitlements(UserId.of(ORG));
        assertThat(over.seats().used()).isEqualTo(6);
        assertThat(over.seats().overLimit()).isTrue();
        assertThatThrownBy(() -> h.billing()
                        .useCases()
                        .changeSeats()
                        .change(UserId.of(ORG), 4, ProrationBehavior.CREATE_PRORATIONS))
                .isInstanceOfSatisfying(
                        BillingException.class, e -> assertThat(e.code()).isEqualTo("seats_below_members"));
        assertThat(h.billing()
                        .useCases()
                        .changeSeats()
                        .change(UserId.of(ORG), 6, ProrationBehavior.CREATE_PRORATIONS)
                        .quantity())
                .isEqualTo(6);
        assertThat(h.billing().entitlements(UserId.of(ORG)).seats().overLimit()).isFalse();
    }

    @Test
    void withAutoSeatsTheQuantityFollowsTheMembersWhenEventsAreProcessedAtOnce() {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        String subscription = buyTeam(h, 1);
        List<Delivery> deliveries = shuffledDeliveries(12);
        int threads = 8;

        Race.run(threads, t -> {
            for (int i = t; i < deliveries.size(); i += threads) {
                deliver(h.billing(), deliveries.get(i));
            }
            return null;
        });
        h.billing().processDueEvents(100); // any event whose inline attempt gave up

        assertThat(h.stores().memberships().countActive(ORG)).isEqualTo(6);
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(6);
        assertThat(h.billing().entitlements(UserId.of(ORG)).seats().purchased()).isEqualTo(6);
        assertThatThrownBy(() -> h.billing()
                        .useCases()
                        .changeSeats()
                        .change(UserId.of(ORG), 9, ProrationBehavior.CREATE_PRORATIONS))
                .isInstanceOfSatisfying(
                        BillingException.class, e -> assertThat(e.code()).isEqualTo("seats_follow_members"));
    }

    @Test
    void seatChangesRacingWithMembershipEventsConverge() {
        BillingHarness h = harness(OrgOptions.defaults().withMembershipSync(true));
        String subscription = buyTeam(h, 20);
        List<Delivery> deliveries = shuffledDeliveries(10);

        // Managers set 12..19 seats while the deliveries arrive: every change is above the final 5 members.
        Race.run(8, t -> {
            for (int i = t; i < deliveries.size(); i += 8) {
                deliver(h.billing(), deliveries.get(i));
            }
            return h.billing()
                    .useCases()
                    .changeSeats()
                    .change(UserId.of(ORG), 12 + t, ProrationBehavior.CREATE_PRORATIONS);
        });

        long atStripe = h.gateway().getSubscription(subscription).orElseThrow().quantity();
        Entitlements seen = h.billing().entitlements(UserId.of(ORG));
        assertThat(seen.seats().used()).isEqualTo(5);
        assertThat(atStripe).isBetween(12L, 19L);
        assertThat(seen.seats().purchased()).isEqualTo(atStripe);
        assertThat(seen.seats().overLimit()).isFalse();
    }

    @Test
    void aRedeliveryOfAMembershipEventThisProcessCompletedIsAnsweredWithoutTheStore() {
        BillingHarness h = harness(OrgOptions.defaults().withMembershipSync(true));
        buyTeam(h, 10);
        Delivery joined = new Delivery("msg_join_once", true, "user_1", T0);
        deliver(h.billing(), joined);

        h.stores().storeSwitch().down();
        WebhookReceipt again = h.billing()
                .receiveClerkWebhook(
                        joined.id(),
                        "0",
                        "valid",
                        FakeMembershipWebhookVerifier.body(ORG, joined.user(), joined.joined(), joined.at()));
        h.stores().storeSwitch().up();

        assertThat(again.duplicate()).isTrue();
        assertThat(h.stores().memberships().countActive(ORG)).isEqualTo(1);
    }

    @Test
    void aBadSignatureStoresNothing() {
        BillingHarness h = harness(OrgOptions.defaults().withMembershipSync(true));

        assertThatThrownBy(() -> h.billing()
                        .receiveClerkWebhook(
                                "msg_1", "0", "forged", FakeMembershipWebhookVerifier.body(ORG, "user_1", true, T0)))
                .isInstanceOf(WebhookRejectedException.class);

        assertThat(h.stores().inbox().countByStatus().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isZero();
        assertThat(h.stores().memberships().count()).isZero();
    }

    @Test
    void withSyncOffClerkDeliveriesAreRefusedAndSeatsUsedAreUnknown() {
        BillingHarness h = harness(OrgOptions.defaults());
        buyTeam(h, 3);

        assertThatThrownBy(() -> deliver(h.billing(), new Delivery("msg_1", true, "user_1", T0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("membership sync is off");
        assertThat(h.billing().entitlements(UserId.of(ORG)).seats().used()).isNull();
    }

    @Test
    void concurrentJoinsSendStripeOnlyTheCurrentCountInOrderAndFewUpdates() {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        String subscription = buyTeam(h, 1);
        // The member count at the moment each quantity update reaches Stripe, in the order they reach it.
        List<Long> countsWhenSent = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 12; i++) {
            h.gateway()
                    .beforeNext(
                            Operation.CHANGE_QUANTITY,
                            () -> countsWhenSent.add(h.stores().memberships().countActive(ORG)));
        }

        Race.run(12, u -> {
            deliver(h.billing(), new Delivery("msg_join_" + u, true, "user_" + u, T0.plusSeconds(u)));
            return null;
        });

        List<Long> sent = h.gateway().calls(Operation.CHANGE_QUANTITY).stream()
                .map(c -> Long.parseLong(c.parameters().split("\\|")[1]))
                .toList();
        assertThat(sent).as("each update sends the member count of its moment").isEqualTo(countsWhenSent);
        assertThat(sent).as("only joins: the quantities sent never go down").isSorted();
        assertThat(sent)
                .as("at most one update per change")
                .hasSizeBetween(1, 12)
                .doesNotHaveDuplicates();
        assertThat(sent.get(sent.size() - 1)).isEqualTo(12);
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(12);
        assertThat(h.stores().inbox().countByStatus().get(InboxStatus.PROCESSED))
                .isEqualTo(12);
    }

    @Test
    void aJoinArrivingWhileAnUpdateIsOnItsWayIsNotOvertakenByAStaleCount() throws Exception {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        String subscription = buyTeam(h, 1);
        deliver(h.billing(), new Delivery("msg_join_0", true, "user_0", T0));
        List<Long> countsWhenSent = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 3; i++) {
            h.gateway()
                    .beforeNext(
                            Operation.CHANGE_QUANTITY,
                            () -> countsWhenSent.add(h.stores().memberships().countActive(ORG)));
        }
        // While the first join's update reads Stripe, a second join arrives on another thread: it is either applied
        // at once, or waits for the organization's lock.
        Thread second =
                new Thread(() -> deliver(h.billing(), new Delivery("msg_join_1", true, "user_1", T0.plusSeconds(1))));
        h.gateway().beforeNext(Operation.GET_SUBSCRIPTION, () -> {
            second.start();
            Await.until(
                    "the second join is applied or waits its turn",
                    () -> second.getState() == Thread.State.WAITING
                            || h.stores().memberships().countActive(ORG) == 3);
        });

        deliver(h.billing(), new Delivery("msg_join_2", true, "user_2", T0.plusSeconds(2)));
        second.join();

        List<Long> sent = h.gateway().calls(Operation.CHANGE_QUANTITY).stream()
                .map(c -> Long.parseLong(c.parameters().split("\\|")[1]))
                .toList();
        assertThat(sent).as("each update sends the member count of its moment").isEqualTo(countsWhenSent);
        assertThat(sent).isSorted().endsWith(3L);
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(3);
    }

    @Test
    void anErasedMembersRemovalLowersTheSeatsItKeptBilled() {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        String subscription = buyTeam(h, 1);
        for (int u = 0; u < 3; u++) {
            deliver(h.billing(), new Delivery("msg_join_" + u, true, "user_" + u, T0.plusSeconds(u)));
        }
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(3);

        h.billing().useCases().erasePersonalData().erase(UserId.of("user_1"), ErasePersonalData.Options.localOnly());
        deliver(h.billing(), new Delivery("msg_leave_1", false, "user_1", T0.plusSeconds(60)));

        assertThat(h.stores().memberships().countActive(ORG)).isEqualTo(2);
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(2);
        assertThat(h.stores().memberships().ofUser(UserId.of("user_1"))).isEmpty();
        // Clerk's event named the person the erasure removed: applied, it keeps only its id and type.
        assertThat(h.stores().inbox().find("msg_leave_1").orElseThrow().event().payload())
                .contains(EventInbox.REDACTED_KEY)
                .doesNotContain("user_1");
        assertThat(h.stores().inbox().find("msg_join_0").orElseThrow().event().payload())
                .contains("user_0");
    }

    @Test
    void clerksEventsAboutAPersonErasedWithNothingStoredNeverStoreThemAgain() {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        String subscription = buyTeam(h, 1);
        deliver(h.billing(), new Delivery("msg_join_0", true, "user_0", T0));
        // user_9 was never a member here (membership sync came later, or their joining was never delivered).
        h.billing().useCases().erasePersonalData().erase(UserId.of("user_9"), ErasePersonalData.Options.localOnly());

        deliver(h.billing(), new Delivery("msg_join_9", true, "user_9", T0.plusSeconds(10)));
        assertThat(h.stores().memberships().countActive(ORG)).isEqualTo(2);
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(2);
        deliver(h.billing(), new Delivery("msg_leave_9", false, "user_9", T0.plusSeconds(20)));

        assertThat(h.stores().memberships().countActive(ORG)).isEqualTo(1);
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(1);
        assertThat(h.stores().memberships().ofUser(UserId.of("user_9"))).isEmpty();
        assertThat(h.stores().memberships().ofUser(UserId.of("user_9").pseudonym()))
                .hasSize(1);
        assertThat(List.of("msg_join_9", "msg_leave_9"))
                .allSatisfy(id -> assertThat(h.stores()
                                .inbox()
                                .find(id)
                                .orElseThrow()
                                .event()
                                .payload())
                        .contains(EventInbox.REDACTED_KEY)
                        .doesNotContain("user_9"));
    }

    @Test
    void aPerSeatSubscriptionThatChangedOtherwiseThanByItsMembersIsSetToTheMemberCount() {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        for (int u = 0; u < 3; u++) {
            deliver(h.billing(), new Delivery("msg_join_" + u, true, "user_" + u, T0.plusSeconds(u)));
        }
        // Checkout started with one seat; the members joined before it was paid.
        String subscription = buyTeam(h, 1);
        Subscription paid = h.gateway().getSubscription(subscription).orElseThrow();
        assertThat(paid.quantity()).isEqualTo(1);

        h.deliver(
                Builders.anEvent()
                        .withType("customer.subscription.created")
                        .createdAt(h.clock().instant())
                        .forObject("subscription", subscription)
                        .build(),
                new EventObject.OfSubscription(paid));

        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(3);
        int updates = h.gateway().calls(Operation.CHANGE_QUANTITY).size();
        Subscription followed = h.gateway().getSubscription(subscription).orElseThrow();
        h.deliver(
                Builders.anEvent()
                        .withType("customer.subscription.updated")
                        .createdAt(h.clock().instant())
                        .forObject("subscription", subscription)
                        .build(),
                new EventObject.OfSubscription(followed));
        assertThat(h.gateway().calls(Operation.CHANGE_QUANTITY))
                .as("in step: nothing more sent")
                .hasSize(updates);
    }

    /** Past due beyond its grace it grants nothing, but Stripe still bills its seats and retries its invoice. */
    @Test
    void aPastDuePerSeatSubscriptionBeyondItsGraceStillFollowsTheMembers() {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        String subscription = buyTeam(h, 1);
        Subscription pastDue = h.gateway().setStatus(subscription, SubscriptionStatus.PAST_DUE);
        h.deliver(
                Builders.anEvent()
                        .withType("customer.subscription.updated")
                        .createdAt(h.clock().instant())
                        .forObject("subscription", subscription)
                        .build(),
                new EventObject.OfSubscription(pastDue));
        h.clock().advance(Duration.ofDays(60));
        assertThat(h.billing().entitlements(UserId.of(ORG)).tier()).isEqualTo("free");

        for (int u = 0; u < 3; u++) {
            deliver(
                    h.billing(),
                    new Delivery("msg_late_" + u, true, "user_" + u, h.clock().instant()));
        }

        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(3);
    }

    /** The projection still says per seat, Stripe's has moved to a plan that is not: its quantity is left alone. */
    @Test
    void aSubscriptionNoLongerPerSeatAtStripeIsNotSetToTheMembers() {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        String subscription = buyTeam(h, 1);
        Subscription team =
                h.stores().subscriptions().findSubscription(subscription).orElseThrow();
        h.gateway().changeSubscriptionPrice(subscription, "price_pro_monthly", ProrationBehavior.NONE, "key_moved");
        // the projection has not seen the change yet
        h.stores().subscriptions().upsertSubscription(team.withVersion(SourceVersion.refetch(T0.plusSeconds(3_600))));

        for (int u = 0; u < 3; u++) {
            deliver(h.billing(), new Delivery("msg_moved_" + u, true, "user_" + u, T0.plusSeconds(u)));
        }

        assertThat(h.stores().memberships().countActive(ORG)).isEqualTo(3);
        assertThat(h.gateway().calls(Operation.CHANGE_QUANTITY)).isEmpty();
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(1);
    }

    @Test
    void aPerSeatSubscriptionChangedAtStripeIsFollowedAlsoWhenItsEventIsProcessedInABatch() {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        for (int u = 0; u < 3; u++) {
            deliver(h.billing(), new Delivery("msg_join_" + u, true, "user_" + u, T0.plusSeconds(u)));
        }
        String subscription = buyTeam(h, 3);
        int reads = h.gateway().calls(Operation.GET_SUBSCRIPTION).size();
        try (Billing started = Billing.builder()
                .gateway(h.gateway())
                .webhookVerifier(h.verifier())
                .membershipVerifier(new FakeMembershipWebhookVerifier())
                .stores(h.stores().stores())
                .orgs(OrgOptions.defaults().withAutoSeats(true))
                .plans(h.plans())
                .clock(h.clock())
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .build())
                .sleeper(d -> {})
                .build()
                .start()) {
            // The start's alignment reads the subscription (in step: three seats); the change below comes after it.
            Await.until(
                    "the start's alignment read the subscription",
                    () -> h.gateway().calls(Operation.GET_SUBSCRIPTION).size() > reads);
            // Someone sets five seats at Stripe (the dashboard); its update means no notice, so a batch writes it
            // together with other snapshots.
            Subscription changed =
                    h.gateway().changeSubscriptionQuantity(subscription, 5, ProrationBehavior.NONE, "dashboard-1");
            StripeEvent updated = Builders.anEvent()
                    .withType("customer.subscription.updated")
                    .createdAt(h.clock().instant().plusSeconds(1))
                    .forObject("subscription", subscription)
                    .build();
            FakeWebhookVerifier.Delivery delivery = h.verifier().sign(updated, new EventObject.OfSubscription(changed));
            assertThat(started.receiveWebhook(delivery.body(), delivery.signature())
                            .inlineStatus())
                    .as("processed after the answer")
                    .isNull();
            Await.until(
                    "the batch is processed",
                    () -> h.stores()
                                    .inbox()
                                    .find(updated.id())
                                    .map(InboxEntry::status)
                                    .orElse(null)
                            == InboxStatus.PROCESSED);
        }
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .as("the member count")
                .isEqualTo(3);
    }

    @Test
    void turningAutoSeatsOnAlignsEveryOrganizationsSeatsAtStartAndRetriesAFailure() {
        BillingHarness h = harness(OrgOptions.defaults().withMembershipSync(true));
        String subscription = buyTeam(h, 1);
        for (int u = 0; u < 3; u++) {
            deliver(h.billing(), new Delivery("msg_join_" + u, true, "user_" + u, T0.plusSeconds(u)));
        }
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(1);
        // Stripe is down for the first pass (every attempt of its read), and back for the retry.
        h.gateway().failNext(Operation.GET_SUBSCRIPTION, 3, FakePaymentGateway.Failure.NOT_DONE);
        int updatesBefore = h.gateway().calls(Operation.CHANGE_QUANTITY).size();

        try (Billing restarted = Billing.builder()
                .gateway(h.gateway())
                .webhookVerifier(h.verifier())
                .membershipVerifier(new FakeMembershipWebhookVerifier())
                .stores(h.stores().stores())
                .orgs(OrgOptions.defaults().withAutoSeats(true))
                .plans(h.plans())
                .clock(h.clock())
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .retrySchedule(new RetrySchedule(Duration.ofMillis(20), 2.0, Duration.ofMillis(100), 5))
                        .build())
                .sleeper(d -> {})
                .build()
                .start()) {
            // (Watched in the fake's call log: a read of the subscription here would take the scripted failures.)
            Await.until(
                    "the seats follow the members without a membership event",
                    () -> h.gateway().calls(Operation.CHANGE_QUANTITY).size() > updatesBefore);
        }

        assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION).size())
                .as("the failed pass, then the retry")
                .isGreaterThanOrEqualTo(4);
        assertThat(h.gateway().calls(Operation.CHANGE_QUANTITY)).hasSize(updatesBefore + 1);
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(3);
        assertThat(h.billing().entitlements(UserId.of(ORG)).seats().purchased()).isEqualTo(3);
        assertThat(h.stores().audit().entries())
                .filteredOn(e -> e.action() == AuditAction.SUBSCRIPTION_QUANTITY_CHANGED)
                .singleElement()
                .satisfies(e -> assertThat(e.cause()).isEqualTo(AlignSeats.CAUSE));
    }

    @Test
    void withoutAutoSeatsNothingIsAlignedAtStart() {
        BillingHarness h = harness(OrgOptions.defaults().withMembershipSync(true));

        assertThat(h.billing().useCases().alignSeats()).isEmpty();
        assertThat(harness(OrgOptions.defaults().withAutoSeats(true))
                        .billing()
                        .useCases()
                        .alignSeats())
                .isPresent();
    }
}

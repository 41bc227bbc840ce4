package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.usecase.MembershipSyncTest.buyTeam;
import static dev.billing.testkit.usecase.MembershipSyncTest.deliver;
import static dev.billing.testkit.usecase.MembershipSyncTest.harness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.port.Sleeper;
import dev.billing.testkit.Await;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import dev.billing.testkit.usecase.MembershipSyncTest.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Auto-seats across processes: two {@link Billing}s on one store (as two server instances behind a load balancer)
 * apply one organization's members, and the store's seat lease keeps the quantities Stripe is sent in order, also
 * when Stripe answers so slowly that the lease runs out.
 */
class SeatsAcrossProcessesTest {

    /**
     * Two processes on one store (as two server instances behind a load balancer), members joining together and
     * their deliveries shared out between them: the store's seat lease orders the two processes' updates as the
     * organization's lock orders one process's, so Stripe is never sent an older count after a newer one.
     */
    @Test
    void concurrentJoinsAppliedByTwoProcessesSendStripeOnlyRisingCounts() {
        BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
        Billing other = h.anotherProcess(d -> {});
        String subscription = buyTeam(h, 1);

        Race.run(12, u -> {
            deliver(
                    u % 2 == 0 ? h.billing() : other,
                    new Delivery("msg_join_" + u, true, "user_" + u, T0.plusSeconds(u)));
            return null;
        });

        List<Long> sent = sent(h);
        // A join the other process applies may land between a count and its update (the lease orders the updates,
        // not the joins), so an update need not send the count of its moment; it never sends one older than the last.
        assertThat(sent).as("only joins: the quantities sent never go down").isSorted();
        assertThat(sent.get(sent.size() - 1)).isEqualTo(12);
        assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                .isEqualTo(12);
    }

    /**
     * The same in one interleaving: while one process's update reads Stripe, a join reaches the other process, which
     * applies it and either waits for the lease (a pause) or, with nothing to order them, sends the newer count
     * before the first process sends its older one.
     */
    @Test
    void aJoinAppliedByAnotherProcessWhileAnUpdateIsOnItsWayWaitsForIt() throws Exception {
        TwoProcesses t = TwoProcesses.withTwoMembers();
        BillingHarness h = t.h();
        Thread second = t.fourthJoinOnTheOther();
        h.gateway().beforeNext(Operation.GET_SUBSCRIPTION, () -> {
            second.start();
            awaitWaitingOrDone(second);
        });

        t.thirdJoinHere(second);

        List<Long> sent = sent(h);
        assertThat(sent).isSorted().endsWith(4L);
        assertThat(h.gateway().getSubscription(t.subscription()).orElseThrow().quantity())
                .isEqualTo(4);
    }

    /**
     * Stripe answers a read slowly (50 s) and the update after it takes 20 s more, so the lease taken before the read
     * would have run out while the update is on its way: renewed before it, the lease keeps the other process
     * waiting, which would otherwise send its newer count first.
     */
    @Test
    void aLeaseRenewedBeforeEachUpdateKeepsTheOtherProcessWaitingThroughASlowStripe() throws Exception {
        TwoProcesses t = TwoProcesses.withTwoMembers();
        BillingHarness h = t.h();
        Thread second = t.fourthJoinOnTheOther();
        h.gateway().beforeNext(Operation.GET_SUBSCRIPTION, () -> h.clock().advance(Duration.ofSeconds(50)));
        h.gateway().beforeNext(Operation.CHANGE_QUANTITY, () -> {
            h.clock().advance(Duration.ofSeconds(20));
            second.start();
            awaitWaitingOrDone(second);
        });

        t.thirdJoinHere(second);

        t.assertEachCountSentInOrder();
    }

    /**
     * The update itself takes 75 s (Stripe slow to answer, the adapter's retry, the gateway retry's budget), longer
     * than the 60 s lease renewed before it: the lease is kept while the update is on its way, its first renewal
     * lost to a store blip tried again, so the other process waits instead of sending its newer count before the
     * older one lands.
     */
    @Test
    void aLeaseIsKeptWhileAnUpdateLongerThanItIsOnItsWay() throws Exception {
        TwoProcesses t = TwoProcesses.withTwoMembers();
        BillingHarness h = t.h();
        String customer = t.customer();
        Thread second = t.fourthJoinOnTheOther();
        h.gateway().beforeNext(Operation.CHANGE_QUANTITY, () -> {
            Instant until = h.stores().memberships().seatLeaseUntil(customer).orElseThrow();
            h.stores().storeSwitch().failNext(1); // the keeper's first renewal: nothing else calls the store now
            h.clock().advance(Duration.ofSeconds(25)); // past a third of the lease: the keeper renews it
            Await.until(
                    "the lease renewed while the update is on its way, after a store blip",
                    () -> h.stores()
                            .memberships()
                            .seatLeaseUntil(customer)
                            .orElseThrow()
                            .isAfter(until));
            h.clock().advance(Duration.ofSeconds(50)); // 75 s since the renewal before the update
            second.start();
            awaitWaitingOrDone(second);
        });

        t.thirdJoinHere(second);

        t.assertEachCountSentInOrder();
        Instant now = h.clock().instant();
        assertThat(h.stores().memberships().leaseSeats(customer, "probe", now, now.plusSeconds(1)))
                .as("the kept lease was given back, and no renewal came after")
                .isTrue();
    }

    /**
     * Stripe answers a read after 70 s, by which time the lease has run out, and the other process took it, sent its
     * newer count and gave it back: the first process's renewal finds it lost, and it counts again instead of sending
     * the count it read before.
     */
    @Test
    void aLeaseLostDuringASlowReadIsFoundAtItsRenewalAndTheMembersAreCountedAgain() throws Exception {
        TwoProcesses t = TwoProcesses.withTwoMembers();
        BillingHarness h = t.h();
        Thread second = t.fourthJoinOnTheOther();
        h.gateway().beforeNext(Operation.GET_SUBSCRIPTION, () -> {
            h.clock().advance(Duration.ofSeconds(70));
            second.start();
            Await.until("the other process is done", () -> second.getState() == Thread.State.TERMINATED);
        });

        t.thirdJoinHere(second);

        assertThat(sent(h))
                .as("the other process's 4, never the 3 counted before it")
                .containsExactly(2L, 4L);
        assertThat(h.gateway().getSubscription(t.subscription()).orElseThrow().quantity())
                .isEqualTo(4);
        String customer = t.customer();
        Instant now = h.clock().instant();
        assertThat(h.stores().memberships().leaseSeats(customer, "probe", now, now.plusSeconds(1)))
                .as("the lease taken again was given back")
                .isTrue();
    }

    /** An organization on the per-seat plan with two members, auto-seats on, and another process on its store. */
    private record TwoProcesses(BillingHarness h, Billing other, String subscription) {
        static TwoProcesses withTwoMembers() {
            BillingHarness h = harness(OrgOptions.defaults().withAutoSeats(true));
            // Started first: its alignment at start finds no organization to set seats for.
            Billing other = h.anotherProcess(Sleeper.REAL);
            String subscription = buyTeam(h, 1);
            deliver(h.billing(), new Delivery("msg_join_0", true, "user_0", T0));
            deliver(h.billing(), new Delivery("msg_join_1", true, "user_1", T0.plusSeconds(1)));
            return new TwoProcesses(h, other, subscription);
        }

        /** The organization's Stripe customer, whose seat lease orders the two processes. */
        String customer() {
            return h.gateway()
                    .getSubscription(subscription)
                    .orElseThrow()
                    .customerId()
                    .value();
        }

        /** A fourth member's join, delivered to the other process once the thread is started. */
        Thread fourthJoinOnTheOther() {
            return new Thread(() -> deliver(other, new Delivery("msg_join_3", true, "user_3", T0.plusSeconds(3))));
        }

        /** Stripe was sent 3 after 2, then 4, and holds 4: the other process waited for the lease. */
        void assertEachCountSentInOrder() {
            assertThat(sent(h)).containsExactly(2L, 3L, 4L);
            assertThat(h.gateway().getSubscription(subscription).orElseThrow().quantity())
                    .isEqualTo(4);
        }

        /** A third member's join, delivered to this process; then waits for the other's. */
        void thirdJoinHere(Thread fourth) throws InterruptedException {
            deliver(h.billing(), new Delivery("msg_join_2", true, "user_2", T0.plusSeconds(2)));
            fourth.join();
        }
    }

    private static void awaitWaitingOrDone(Thread other) {
        Await.until(
                "the other process waits for the lease, or is done",
                () -> other.getState() == Thread.State.TIMED_WAITING || other.getState() == Thread.State.TERMINATED);
    }

    /** The quantities sent to Stripe, in the order sent. */
    private static List<Long> sent(BillingHarness h) {
        return h.gateway().calls(Operation.CHANGE_QUANTITY).stream()
                .map(c -> Long.parseLong(c.parameters().split("\\|")[1]))
                .toList();
    }
}

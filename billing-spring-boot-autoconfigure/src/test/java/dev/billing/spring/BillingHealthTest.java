package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.Await;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the health indicator of either Boot line reports: the store decides, Stripe is a detail asked once a minute. */
class BillingHealthTest {
    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final InMemoryBillingStores memory = InMemoryBillingStores.create();
    private final FakePaymentGateway stripe = new FakePaymentGateway(clock);
    /** Waits for every ping: these tests read Stripe's answers, not how long a check waits. */
    private final BillingHealth health =
            new BillingHealth(memory.stores(), stripe, clock, Duration.ofMinutes(1), Duration.ofMinutes(1));

    @Test
    void stripeDownIsADetailWhileTheStoreKeepsBillingUp() {
        stripe.failNext(Operation.PING, 1, Failure.NOT_DONE);

        BillingHealth.Report report = health.check();

        assertThat(report.up()).isTrue();
        assertThat(report.details()).containsEntry("store", "up");
        assertThat((String) report.details().get("stripe")).startsWith("down: ");
    }

    @Test
    void theStoreDownIsBillingDown() {
        memory.storeSwitch().down();

        BillingHealth.Report report = health.check();

        assertThat(report.up()).isFalse();
        assertThat((String) report.details().get("store")).startsWith("down: ");
    }

    @Test
    void stripeIsAskedAtMostOnceAMinute() {
        health.check();
        health.check();
        clock.advance(BillingHealth.STRIPE_EVERY.minus(Duration.ofSeconds(1)));
        health.check();
        assertThat(stripe.calls(Operation.PING)).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        health.check();
        assertThat(stripe.calls(Operation.PING)).hasSize(2);
    }

    @Test
    @DisplayName("a Stripe that does not answer never holds a check: the last answer stands meanwhile")
    void aStripeThatDoesNotAnswerNeverHoldsTheCheck() throws Exception {
        BillingHealth probed = new BillingHealth(memory.stores(), stripe, clock);
        CountDownLatch answering = new CountDownLatch(1);
        stripe.beforeNext(Operation.PING, () -> {
            try {
                answering.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            BillingHealth.Report report = checked(probed);
            assertThat(report.up()).as("the store decides").isTrue();
            assertThat(report.details()).containsEntry("stripe", "unknown");
            assertThat(checked(probed).details())
                    .as("a second check does not ask again while Stripe is being asked")
                    .containsEntry("stripe", "unknown");
        } finally {
            answering.countDown();
        }
        Await.until(
                "Stripe's answer lands",
                () -> "up".equals(probed.check().details().get("stripe")));
        assertThat(stripe.calls(Operation.PING)).hasSize(1);
    }

    @Test
    @DisplayName("a store that does not answer is down within the bound, and later checks start no second ask")
    void aStoreThatDoesNotAnswerIsDownWithoutHoldingTheCheck() throws Exception {
        BillingHealth probed = new BillingHealth(memory.stores(), stripe, clock);
        memory.storeSwitch().stall();
        try {
            BillingHealth.Report report = checked(probed);
            assertThat(report.up()).isFalse();
            assertThat((String) report.details().get("store")).isEqualTo("down: no answer within 2500 ms");
            assertThat(checked(probed).up()).as("still stalled").isFalse();
        } finally {
            memory.storeSwitch().answer();
        }
        Await.until("the store answers again", () -> probed.check().up());
    }

    /** A check on another thread; the bound is 12 times the longest wait, so one that waited out a pool fails. */
    private static BillingHealth.Report checked(BillingHealth health) throws Exception {
        ExecutorService prober = Executors.newSingleThreadExecutor();
        try {
            return prober.submit(health::check).get(30, TimeUnit.SECONDS);
        } finally {
            prober.shutdownNow();
        }
    }
}

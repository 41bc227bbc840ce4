package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.MutableClock;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the health indicator of either Boot line reports: the store decides, Stripe is a detail asked once a minute. */
class BillingHealthTest {
    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final InMemoryBillingStores memory = InMemoryBillingStores.create();
    private final FakePaymentGateway stripe = new FakePaymentGateway(clock);
    private final BillingHealth health = new BillingHealth(memory.stores(), stripe, clock);

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
}

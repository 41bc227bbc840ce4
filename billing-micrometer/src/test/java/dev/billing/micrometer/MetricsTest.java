package dev.billing.micrometer;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.testkit.Await;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.InMemoryBillingStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The three meters on a plain registry: store gauges (also after a GC), work counters, Stripe call timers. */
class MetricsTest {
    /** The gauges' wait for the tests that read values: long enough for any read of the in-memory store. */
    private static final Duration EVERY_READ = Duration.ofMinutes(1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();

    @Test
    void storeGaugesReadTheStoreAndSurviveAGarbageCollection() {
        stores.inbox().record(anEvent().withId("evt_1").build(), Instant.now());
        StoreGauges.register(stores.stores(), registry, Duration.ZERO, Clock.systemUTC(), EVERY_READ);
        System.gc(); // the registry holds gauges weakly unless told otherwise

        assertThat(registry.get("billing.webhook.inbox")
                        .tag("status", "pending")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("billing.webhook.inbox")
                        .tag("status", "failed")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("billing.meter.reports.pending").gauge().value())
                .isZero();

        stores.storeSwitch().down();
        assertThat(registry.get("billing.webhook.inbox")
                        .tag("status", "pending")
                        .gauge()
                        .value())
                .isNaN();
    }

    @Test
    @DisplayName("a store that does not answer never holds a scrape: the gauges answer the last values read")
    void aStalledStoreNeverHoldsAScrape() throws Exception {
        stores.inbox().record(anEvent().withId("evt_1").build(), Instant.now());
        StoreGauges.register(stores.stores(), registry, Duration.ZERO);
        Await.until("the first read", () -> inboxGauge("pending") == 1);

        stores.storeSwitch().stall();
        try {
            assertThat(scraped(() -> inboxGauge("pending")))
                    .as("the last value read, while the read after it waits on the store")
                    .isEqualTo(1);
            assertThat(scraped(() -> registry.get("billing.meter.reports.pending")
                            .gauge()
                            .value()))
                    .isZero();
        } finally {
            stores.storeSwitch().answer();
        }
        stores.inbox().record(anEvent().withId("evt_2").build(), Instant.now());
        Await.until("the gauges read the store again once it answers", () -> inboxGauge("pending") == 2);
    }

    @Test
    @DisplayName("before the store's first answer the gauges are NaN, not zero")
    void aStoreThatNeverAnsweredGaugesNaN() throws Exception {
        stores.storeSwitch().stall();
        try {
            StoreGauges.register(stores.stores(), registry, Duration.ofMinutes(5));
            assertThat(scraped(() -> inboxGauge("failed"))).isNaN();
            assertThat(scraped(() -> registry.get("billing.meter.reports.unbillable")
                            .gauge()
                            .value()))
                    .isNaN();
        } finally {
            stores.storeSwitch().answer();
        }
        Await.until("the first read lands once the store answers", () -> inboxGauge("failed") == 0);
    }

    /** A gauge read by another thread; the bound is 30 times the gauges' wait, so one that waited on the store fails. */
    private static double scraped(Callable<Double> read) throws Exception {
        ExecutorService scraper = Executors.newSingleThreadExecutor();
        try {
            return scraper.submit(read).get(30, TimeUnit.SECONDS);
        } finally {
            scraper.shutdownNow();
        }
    }

    private double inboxGauge(String status) {
        return registry.get("billing.webhook.inbox")
                .tag("status", status)
                .gauge()
                .value();
    }

    @Test
    @DisplayName("the unbillable gauge counts the reports not sent that are too old for Stripe to take")
    void unbillableReportsAreThoseStripeNoLongerTakes() {
        Instant now = Instant.parse("2040-01-01T00:00:00Z"); // on billing's clock, not the machine's
        report("usage-old", now.minus(Duration.ofDays(40)));
        report("usage-old-sent", now.minus(Duration.ofDays(40)));
        report("usage-recent", now.minus(Duration.ofDays(30)));
        stores.usage().markReported("usage-old-sent", now);
        StoreGauges.register(stores.stores(), registry, Duration.ZERO, Clock.fixed(now, ZoneOffset.UTC), EVERY_READ);

        assertThat(registry.get("billing.meter.reports.pending").gauge().value())
                .isEqualTo(2);
        assertThat(registry.get("billing.meter.reports.unbillable").gauge().value())
                .isEqualTo(1);

        stores.storeSwitch().down();
        assertThat(registry.get("billing.meter.reports.unbillable").gauge().value())
                .isNaN();
    }

    private void report(String identifier, Instant counted) {
        UserId user = UserId.of("user_" + identifier);
        stores.usage()
                .increment(new UsageIncrement(
                        user,
                        "api_calls",
                        new UsagePeriod(counted, counted.plus(Duration.ofDays(30))),
                        1,
                        100,
                        identifier,
                        "api_calls:1",
                        counted,
                        new MeterEvent("api_calls", CustomerId.of("cus_1"), 1, identifier, counted)));
    }

    @Test
    @DisplayName("the inbox gauges are the exact pending and failed backlogs; processed and ignored have none")
    void inboxGaugesAreTheExactBacklogs() {
        for (int i = 0; i < 3; i++) {
            stores.inbox().record(anEvent().build(), Instant.now());
        }
        stores.inbox()
                .restore(new InboxEntry(
                        anEvent().build(),
                        InboxStatus.FAILED,
                        12,
                        "gave up",
                        Instant.now(),
                        null,
                        null,
                        null,
                        null,
                        null));
        stores.inbox()
                .restore(new InboxEntry(
                        anEvent().build(),
                        InboxStatus.PROCESSED,
                        1,
                        null,
                        Instant.now(),
                        null,
                        null,
                        null,
                        Instant.now(),
                        null));
        StoreGauges.register(stores.stores(), registry, Duration.ZERO, Clock.systemUTC(), EVERY_READ);

        assertThat(registry.find("billing.webhook.inbox").gauges())
                .extracting(g -> g.getId().getTag("status"))
                .containsExactlyInAnyOrder("pending", "failed");
        assertThat(registry.get("billing.webhook.inbox")
                        .tag("status", "pending")
                        .gauge()
                        .value())
                .isEqualTo(3);
        assertThat(registry.get("billing.webhook.inbox")
                        .tag("status", "failed")
                        .gauge()
                        .value())
                .isEqualTo(1);
    }

    @Test
    void workIsCounted() {
        WorkMetrics work = new WorkMetrics(registry);

        work.inboxRun(3);
        work.meterReportsSent(2);
        work.runFailed("inbox", new IllegalStateException("x"));

        assertThat(registry.get("billing.worker.events").counter().count()).isEqualTo(3);
        assertThat(registry.get("billing.worker.meter.reports").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("billing.worker.failures").counter().count()).isEqualTo(1);
    }

    @Test
    void aClockBehindStripesIsTimedByItsLead() {
        WorkMetrics work = new WorkMetrics(registry);
        assertThat(registry.get("billing.clock.behind.stripe").timer().count())
                .as("registered at zero")
                .isZero();

        work.clockBehindStripe(Duration.ofMillis(1_500));
        work.clockBehindStripe(Duration.ofMillis(300));

        assertThat(registry.get("billing.clock.behind.stripe").timer().count()).isEqualTo(2);
        assertThat(registry.get("billing.clock.behind.stripe").timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(1_500);
    }

    @Test
    void duplicateSubscriptionsAreCountedByHandlingFromZero() {
        WorkMetrics work = new WorkMetrics(registry);
        assertThat(registry.get("billing.subscriptions.duplicates")
                        .tag("handling", "flag")
                        .counter()
                        .count())
                .isZero();

        work.duplicateSubscription("cancel");
        work.duplicateSubscription("cancel");

        assertThat(registry.get("billing.subscriptions.duplicates")
                        .tag("handling", "cancel")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("billing.subscriptions.duplicates")
                        .tag("handling", "flag")
                        .counter()
                        .count())
                .isZero();
    }

    @Test
    void stripeCallsAreTimedByOperationAndOutcome() {
        FakePaymentGateway fake = FakePaymentGateway.withSampleCatalog(MutableClock.at(Builders.T0));
        MeteredPaymentGateway gateway = new MeteredPaymentGateway(fake, registry);

        gateway.getSubscription("sub_missing");
        fake.failNext(FakePaymentGateway.Operation.GET_CUSTOMER, 1, FakePaymentGateway.Failure.RATE_LIMITED);
        assertThatThrownBy(() -> gateway.getCustomer(CustomerId.of("cus_1")))
                .isInstanceOf(GatewayRateLimitedException.class);

        assertThat(registry.get(MeteredPaymentGateway.METRIC)
                        .tag("operation", "get_subscription")
                        .tag("outcome", "ok")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(MeteredPaymentGateway.METRIC)
                        .tag("operation", "get_customer")
                        .tag("outcome", "rate_limited")
                        .timer()
                        .count())
                .isEqualTo(1);
    }
}

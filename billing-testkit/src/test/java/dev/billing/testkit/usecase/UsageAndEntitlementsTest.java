package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.Quota;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.usage.UsageOutcome;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UsageAndEntitlementsTest {
    private final BillingHarness h = BillingHarness.create();
    private final UserId user = UserId.of("user_1");

    private Subscription subscribeThroughWebhook(String tier) {
        var session = ((CheckoutOutcome.Started) h.billing()
                        .startCheckout(
                                h.identity(user.value()),
                                new CheckoutCommand.Subscribe(tier, BillingInterval.MONTH, null, null, null)))
                .session();
        String subscriptionId = h.gateway().completeCheckout(session.id());
        Subscription sub = h.gateway().getSubscription(subscriptionId).orElseThrow();
        StripeEvent event = anEvent()
                .withType("customer.subscription.created")
                .createdAt(h.clock().instant())
                .forObject("subscription", sub.id())
                .build();
        h.deliver(event, new EventObject.OfSubscription(sub));
        return sub;
    }

    @Test
    void aUserWithNothingIsOnTheFreeTierWithCalendarMonthQuotas() {
        Entitlements e = h.billing().entitlements(user);
        assertThat(e.tier()).isEqualTo("free");
        assertThat(e.status()).isNull();
        assertThat(e.quota("api_calls")).map(Quota::limit).contains(100L);
        assertThat(e.quota("api_calls").orElseThrow().resetsAt())
                .isEqualTo(java.time.Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void aWebhookEffectShowsInTheNextEntitlementsDespiteTheCache() {
        assertThat(h.billing().entitlements(user).tier()).isEqualTo("free");
        Subscription sub = subscribeThroughWebhook("pro");
        Entitlements e = h.billing().entitlements(user);
        assertThat(e.tier()).isEqualTo("pro");
        assertThat(e.status()).isEqualTo(SubscriptionStatus.TRIALING);
        assertThat(e.trialEnd()).isEqualTo(sub.trialEnd());
        assertThat(e.features()).contains("sso");
        assertThat(e.quota("api_calls")).map(Quota::resetsAt).contains(sub.currentPeriodEnd());
    }

    @Test
    void aChangeForACustomerNoCachedUserHasDoesNotAskTheStore() {
        subscribeThroughWebhook("pro");
        assertThat(h.billing().entitlements(user).tier()).isEqualTo("pro"); // cached, with its customer
        h.stores().storeSwitch().down();
        // A webhook for someone else's customer: nobody cached could be affected, so the store is not asked (when it
        // was, a store failure here dropped every cached user).
        h.billing().useCases().getEntitlements().projectionChanged(CustomerId.of("cus_someone_else"));
        assertThat(h.billing().entitlements(user).tier()).isEqualTo("pro");
        h.stores().storeSwitch().up();
    }

    @Test
    void aUserCachedBeforeHavingACustomerIsStillRefreshedByTheirFirstWebhook() {
        UserId other = UserId.of("user_2");
        assertThat(h.billing().entitlements(other).tier()).isEqualTo("free"); // cached without a customer
        subscribeThroughWebhook("basic"); // user_1's customer: user_2 stays cached and free
        assertThat(h.billing().entitlements(user).tier()).isEqualTo("basic");
        assertThat(h.billing().entitlements(other).tier()).isEqualTo("free");
    }

    @Test
    void entitlementsNeverCallStripe() {
        subscribeThroughWebhook("basic");
        int calls = h.gateway().calls().size();
        h.billing().entitlements(user);
        h.clock().advance(Duration.ofMinutes(5));
        h.billing().entitlements(user);
        assertThat(h.gateway().calls()).hasSize(calls);
    }

    @Test
    void fiftyConcurrentIncrementsAgainstFiveRemainingAcceptExactlyFive() {
        UsageOutcome warm = h.billing().recordUsage(user, "api_calls", 95, "warm");
        assertThat(warm.result()).isEqualTo(new UsageResult.Accepted(95, 100));
        List<UsageOutcome> results = Race.run(50, i -> h.billing().recordUsage(user, "api_calls", 1, "k" + i));
        assertThat(results.stream().filter(r -> r.result() instanceof UsageResult.Accepted))
                .hasSize(5);
        assertThat(results.stream().filter(r -> r.result() instanceof UsageResult.QuotaExceeded))
                .hasSize(45);
        assertThat(h.billing().entitlements(user).quota("api_calls"))
                .map(Quota::remaining)
                .contains(0L);
    }

    @Test
    void aReplayedKeyIsCountedOnceAndAnswersTheSame() {
        UsageOutcome first = h.billing().recordUsage(user, "api_calls", 3, "req-1");
        UsageOutcome again = h.billing().recordUsage(user, "api_calls", 3, "req-1");
        assertThat(again.result()).isEqualTo(new UsageResult.Replayed((UsageResult.Accepted) first.result()));
        assertThat(h.billing().recordUsage(user, "api_calls", 4, "req-1").result())
                .isInstanceOf(UsageResult.KeyReused.class);
        assertThat(h.billing().entitlements(user).quota("api_calls"))
                .map(Quota::used)
                .contains(3L);
    }

    @Test
    void invalidUsageIsRefused() {
        assertThatThrownBy(() -> h.billing().recordUsage(user, "api_calls", 0, "k"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_amount"));
        assertThatThrownBy(() -> h.billing().recordUsage(user, "api_calls", -1, "k"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> h.billing().recordUsage(user, "teleports", 1, "k"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("unknown_meter"));
        assertThatThrownBy(() -> h.billing().recordUsage(user, "api_calls", 1, " "))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_idempotency_key"));
        assertThatThrownBy(() -> h.billing().recordUsage(user, "api_calls", 1, null))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void meteredUsageReachesStripeOnceThroughTheOutboxDespiteAnOutage() {
        subscribeThroughWebhook("pro");
        h.billing().recordUsage(user, "api_calls", 7, "metered-1");
        h.billing().recordUsage(user, "api_calls", 7, "metered-1");
        h.billing().recordUsage(user, "exports", 1, "not-metered");
        h.gateway().failNext(Operation.REPORT_METER_EVENT, 1, Failure.NOT_DONE);
        var reporter = h.billing().useCases().reportMeterUsage();
        assertThat(reporter.drain(10)).isZero();
        assertThat(h.stores().usage().pendingReports()).isEqualTo(1);
        h.clock().advance(Duration.ofSeconds(10));
        assertThat(reporter.drain(10)).isEqualTo(1);
        assertThat(h.gateway().meterEvents()).singleElement().satisfies(m -> {
            assertThat(m.value()).isEqualTo(7);
            assertThat(m.eventName()).isEqualTo("api_calls");
        });
        assertThat(h.stores().usage().pendingReports()).isZero();
    }

    /** A pro subscriber's {@code count} increments of the metered meter, each a report in the outbox. */
    private void meteredReports(String keyPrefix, int count) {
        subscribeThroughWebhook("pro");
        for (int i = 0; i < count; i++) {
            h.billing().recordUsage(user, "api_calls", 1, keyPrefix + i);
        }
    }

    /** The code each of the user's meter reports last failed with. */
    private List<String> lastErrorCodes() {
        return h
                .stores()
                .usage()
                .reportsOf(h.billing().ensureCustomer(h.identity(user.value())).customerId())
                .stream()
                .map(r -> r.lastError().substring(0, r.lastError().indexOf(':')))
                .toList();
    }

    @Test
    void aRunSendsItsReportsSideBySideAfterTheFirst() {
        meteredReports("side-", 5);
        // The first report goes alone; the four after it must all be at Stripe at once for the barrier to open.
        CyclicBarrier together = new CyclicBarrier(4);
        h.gateway().beforeNext(Operation.REPORT_METER_EVENT, () -> {});
        for (int i = 0; i < 4; i++) {
            h.gateway().beforeNext(Operation.REPORT_METER_EVENT, () -> {
                try {
                    together.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the reports were not sent side by side", e);
                }
            });
        }
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            assertThat(h.billing().useCases().reportMeterUsage().drain(10, senders))
                    .isEqualTo(5);
        } finally {
            senders.shutdownNow();
        }
        assertThat(h.gateway().meterEvents()).hasSize(5);
        assertThat(h.stores().usage().pendingReports()).isZero();
    }

    @Test
    void anOutageCostsOneCallPerRunAlsoWithReportsSentSideBySide() {
        meteredReports("outage-side-", 5);
        h.gateway().failNext(Operation.REPORT_METER_EVENT, 1, Failure.NOT_DONE);
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            assertThat(h.billing().useCases().reportMeterUsage().drain(10, senders))
                    .isZero();
        } finally {
            senders.shutdownNow();
        }
        assertThat(h.gateway().calls(Operation.REPORT_METER_EVENT)).hasSize(1);
        assertThat(lastErrorCodes())
                .containsExactlyInAnyOrder("stripe_unavailable", "not_sent", "not_sent", "not_sent", "not_sent");
    }

    @Test
    void aStripeOutageCostsOneMeterCallPerRunNotOnePerReport() {
        meteredReports("outage-", 5);
        var reporter = h.billing().useCases().reportMeterUsage();
        h.gateway().failNext(Operation.REPORT_METER_EVENT, 2, Failure.NOT_DONE);
        assertThat(reporter.drain(10)).isZero();
        assertThat(h.gateway().calls(Operation.REPORT_METER_EVENT))
                .as("the reports after the one Stripe failed wait with it")
                .hasSize(1);
        assertThat(lastErrorCodes())
                .containsExactlyInAnyOrder("stripe_unavailable", "not_sent", "not_sent", "not_sent", "not_sent");
        assertThat(reporter.drain(10))
                .as("none is due before the one that failed")
                .isZero();
        assertThat(h.gateway().calls(Operation.REPORT_METER_EVENT)).hasSize(1);

        h.clock().advance(Duration.ofSeconds(10));
        assertThat(reporter.drain(10)).isZero();
        assertThat(h.gateway().calls(Operation.REPORT_METER_EVENT)).hasSize(2);
        h.clock().advance(Duration.ofSeconds(20));
        assertThat(reporter.drain(10)).isEqualTo(5);
        assertThat(h.gateway().meterEvents()).hasSize(5);
        assertThat(h.stores().usage().pendingReports()).isZero();
    }

    @Test
    void aRateLimitHoldsTheRunsReportsForItsRetryAfter() {
        meteredReports("limited-", 3);
        var reporter = h.billing().useCases().reportMeterUsage();
        h.gateway().failNext(Operation.REPORT_METER_EVENT, 1, Failure.RATE_LIMITED_FOR_30_SECONDS);
        assertThat(reporter.drain(10)).isZero();
        h.clock().advance(Duration.ofSeconds(10));
        assertThat(reporter.drain(10))
                .as("the schedule's 10 s are sooner than Stripe's 30")
                .isZero();
        assertThat(h.gateway().calls(Operation.REPORT_METER_EVENT)).hasSize(1);
        h.clock().advance(Duration.ofSeconds(20));
        assertThat(reporter.drain(10)).isEqualTo(3);
    }

    @Test
    void aReportStripeRefusesDoesNotHoldTheOthers() {
        meteredReports("refused-", 3);
        h.gateway().failNext(Operation.REPORT_METER_EVENT, 1, Failure.REJECTED);
        assertThat(h.billing().useCases().reportMeterUsage().drain(10)).isEqualTo(2);
        assertThat(h.gateway().calls(Operation.REPORT_METER_EVENT)).hasSize(3);
    }

    @Test
    void usageStripeNoLongerTakesIsKeptAndNotSent() {
        subscribeThroughWebhook("pro");
        var reporter = h.billing().useCases().reportMeterUsage();
        h.gateway().failNext(Operation.REPORT_METER_EVENT, 1_000, Failure.NOT_DONE);
        h.billing().recordUsage(user, "api_calls", 7, "metered-1");
        Instant counted = h.clock().instant();
        assertThat(reporter.drain(10)).isZero();
        h.clock().advance(Duration.ofDays(35));
        assertThat(reporter.drain(10))
                .as("35 days on, Stripe may still take it")
                .isZero();
        int callsAt35Days = h.gateway().calls(Operation.REPORT_METER_EVENT).size();
        assertThat(h.stores()
                        .usage()
                        .pendingReportsCountedBefore(h.clock().instant().minus(MeterReport.UNBILLABLE_AGE)))
                .isZero();

        h.clock().advance(Duration.ofHours(2));
        assertThat(reporter.drain(10)).isZero();
        h.clock().advance(Duration.ofDays(3));
        assertThat(reporter.drain(10)).isZero();

        assertThat(h.gateway().calls(Operation.REPORT_METER_EVENT))
                .as("no call Stripe is sure to refuse")
                .hasSize(callsAt35Days);
        assertThat(h.stores().usage().pendingReports())
                .as("the usage stays owed")
                .isEqualTo(1);
        assertThat(h.stores()
                        .usage()
                        .pendingReportsCountedBefore(h.clock().instant().minus(MeterReport.UNBILLABLE_AGE)))
                .isEqualTo(1);
        assertThat(h.stores()
                        .usage()
                        .reportsOf(h.billing()
                                .ensureCustomer(h.identity(user.value()))
                                .customerId()))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.event().timestamp()).isEqualTo(counted);
                    assertThat(r.lastError()).startsWith("too_old: ").contains("bill it another way");
                    assertThat(r.nextAttemptAt()).isAfter(h.clock().instant());
                });
    }

    @Test
    void aKeyCountedAgainAfterItsRetentionReachesStripeAgain() {
        subscribeThroughWebhook("pro");
        var reporter = h.billing().useCases().reportMeterUsage();
        h.billing().recordUsage(user, "api_calls", 7, "metered-1");
        assertThat(reporter.drain(10)).isEqualTo(1);
        h.clock().advance(Duration.ofDays(8));
        assertThat(h.billing().pruneExpired().usageKeys())
                .as("the key is past its 7 days")
                .isEqualTo(1);

        UsageOutcome again = h.billing().recordUsage(user, "api_calls", 7, "metered-1");

        assertThat(again.result())
                .as("a retry with a pruned key counts again")
                .isInstanceOf(UsageResult.Accepted.class);
        assertThat(h.stores().usage().pendingReports())
                .as("and is reported again")
                .isEqualTo(1);
        assertThat(reporter.drain(10)).isEqualTo(1);
        assertThat(h.gateway().meterEvents())
                .as("Stripe counts what the quota counted")
                .hasSize(2)
                .extracting(m -> m.value())
                .containsExactly(7L, 7L);
        assertThat(h.gateway().meterEvents().stream().map(m -> m.identifier()).distinct())
                .hasSize(2);
    }

    @Test
    void aPastDuePlanKeepsItsTierDuringGraceThenFallsToFree() {
        CustomerId customer =
                h.billing().ensureCustomer(h.identity(user.value())).customerId();
        Subscription pastDue = aSubscription()
                .withCustomer(customer.value())
                .withPrice("price_pro_monthly")
                .withStatus(SubscriptionStatus.PAST_DUE)
                .withPeriod(h.clock().instant(), h.clock().instant().plus(Duration.ofDays(30)))
                .build();
        h.stores().subscriptions().upsertSubscription(pastDue);
        Entitlements during = h.billing().entitlements(user);
        assertThat(during.tier()).isEqualTo("pro");
        assertThat(during.graceEndsAt()).isEqualTo(h.clock().instant().plus(Duration.ofDays(7)));
        h.clock().advance(Duration.ofDays(7));
        Entitlements after = h.billing().entitlements(user);
        assertThat(after.tier()).isEqualTo("free");
        assertThat(after.status()).isEqualTo(SubscriptionStatus.PAST_DUE);
    }

    /**
     * A charge declined 20 days into the period (a plan change invoiced at once): the grace counts from the event that
     * turned it past due, Stripe's time, not from the period's start, nor from when the late event was processed.
     */
    @Test
    void aPaymentDeclinedMidPeriodKeepsTheGraceFromWhenItTurnedPastDue() {
        Subscription sub = subscribeThroughWebhook("pro");
        h.clock().advance(Duration.ofDays(20));
        Instant turned = h.clock().instant();
        h.clock().advance(Duration.ofHours(3)); // delivered late: Stripe's object is read (versioned) 3 hours on
        Subscription pastDue = h.gateway().setStatus(sub.id(), SubscriptionStatus.PAST_DUE);
        deliverUpdate(pastDue, turned, SubscriptionStatus.ACTIVE);

        assertThat(graceDatedAt(sub, turned).tier()).isEqualTo("pro");
    }

    @Test
    void aLaterEventProcessedBeforeTheTurningOneDoesNotDateTheTurn() {
        Subscription sub = subscribeThroughWebhook("pro");
        h.clock().advance(Duration.ofDays(20));
        Instant turned = h.clock().instant();
        h.clock().advance(Duration.ofDays(1)); // both delivered a day late, the later one first
        Subscription pastDue = h.gateway().setStatus(sub.id(), SubscriptionStatus.PAST_DUE);
        deliverUpdate(pastDue, turned.plusSeconds(2), null); // names no earlier status
        deliverUpdate(pastDue, turned, SubscriptionStatus.ACTIVE);

        graceDatedAt(sub, turned);
    }

    /** The user's entitlements, once checked that {@code sub} turned past due at {@code turned}, its grace from then. */
    private Entitlements graceDatedAt(Subscription sub, Instant turned) {
        assertThat(h.stores()
                        .subscriptions()
                        .findSubscription(sub.id())
                        .orElseThrow()
                        .pastDueSince())
                .isEqualTo(turned);
        Entitlements now = h.billing().entitlements(user);
        assertThat(now.graceEndsAt()).isEqualTo(turned.plus(Duration.ofDays(7)));
        return now;
    }

    /** A {@code customer.subscription.updated} of {@code snapshot} created at {@code created}. */
    private void deliverUpdate(Subscription snapshot, Instant created, SubscriptionStatus earlierStatus) {
        h.deliver(
                anEvent()
                        .withType("customer.subscription.updated")
                        .createdAt(created)
                        .forObject("subscription", snapshot.id())
                        .build(),
                new EventObject.OfSubscription(
                        snapshot.withVersion(SourceVersion.snapshot(created)),
                        new EventObject.SubscriptionChange(null, null, earlierStatus)));
    }

    @Test
    void purchasesShowAsOwnedItems() {
        CustomerId customer =
                h.billing().ensureCustomer(h.identity(user.value())).customerId();
        h.stores()
                .subscriptions()
                .recordPurchase(dev.billing.testkit.Builders.aPurchase()
                        .withCustomer(customer.value())
                        .build());
        assertThat(h.billing().entitlements(user).ownedItems()).containsExactly("credits_100");
    }
}

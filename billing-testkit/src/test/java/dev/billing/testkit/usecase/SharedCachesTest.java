package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.config.BackgroundOptions;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.ProjectionChanges;
import dev.billing.core.projection.ReconcileReport;
import dev.billing.testkit.Await;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several processes on one store ({@code Billing}s on the same in-memory stores): a change one of them makes drops
 * the others' cached entitlements at once, through the store's record of changes. The cache lifetime is an hour
 * and the clock stands still, so nothing here can pass by a cached answer expiring.
 */
class SharedCachesTest {
    private static final UserId USER = UserId.of("user_1");

    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private final List<Billing> built = new ArrayList<>();

    @AfterEach
    void closeAll() {
        built.forEach(Billing::close);
    }

    private Billing process(BillingStores on) {
        Billing billing = Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(on)
                .plans(SamplePlans.catalog())
                .clock(clock)
                .sleeper(d -> {})
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .entitlementsCacheTtl(Duration.ofHours(1))
                        .build())
                .background(BackgroundOptions.defaults().withChangesEvery(Duration.ofMillis(20)))
                .build();
        built.add(billing);
        return billing;
    }

    private Billing running() {
        return process(stores.stores()).start();
    }

    private CustomerId paidAtStripeOnly(Billing billing) {
        CustomerId customer = billing.ensureCustomer(BillingHarness.create().identity(USER.value()))
                .customerId();
        gateway.subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        return customer;
    }

    @Test
    void aReconcileByAnotherProcessShowsAtOnce() {
        Billing server = running();
        Billing other = running();
        paidAtStripeOnly(other);
        assertThat(server.entitlements(USER).tier()).isEqualTo("free");

        other.useCases().reconcile().user(USER);

        Await.until(
                "the server shows the reconciled plan",
                () -> server.entitlements(USER).tier().equals("pro"));
    }

    @Test
    void aCommandLineReconcileThatNeverStartedShowsAtOnce() {
        Billing server = running();
        Billing commandLine = process(stores.stores());
        paidAtStripeOnly(commandLine);
        assertThat(server.entitlements(USER).tier()).isEqualTo("free");

        ReconcileReport report = commandLine.useCases().reconcile().all();

        assertThat(report.subscriptionsApplied()).isEqualTo(1);
        Await.until(
                "the server shows the reconciled plan",
                () -> server.entitlements(USER).tier().equals("pro"));
    }

    @Test
    void aCancellationByAnotherProcessShowsAtOnce() {
        Billing server = running();
        Billing other = running();
        CustomerId customer = paidAtStripeOnly(other);
        other.useCases().reconcile().user(USER);
        Await.until(
                "the server shows the plan",
                () -> server.entitlements(USER).tier().equals("pro"));
        Subscription sub = stores.subscriptions().subscriptionsOf(customer).get(0);

        other.useCases().cancelSubscription().cancel(USER, sub.id(), false);

        Await.until(
                "the server shows the cancellation",
                () -> server.entitlements(USER).tier().equals("free"));
    }

    @Test
    void changesMadeWhileRunningAreSharedWhenTheProcessCloses() {
        Billing server = running();
        Billing other = process(stores.stores()).start();
        paidAtStripeOnly(other);
        assertThat(server.entitlements(USER).tier()).isEqualTo("free");
        long before = stores.changes().head();

        other.useCases().reconcile().user(USER);
        other.close();

        assertThat(stores.changes().head()).isGreaterThan(before);
        Await.until(
                "the server shows the reconciled plan",
                () -> server.entitlements(USER).tier().equals("pro"));
    }

    @Test
    void aRecordThatFailsLosesNothingButTheSpeedUp() {
        Billing server = running();
        BillingStores failing = new BillingStores(
                stores.customers(),
                stores.subscriptions(),
                stores.inbox(),
                stores.usage(),
                new FailingChanges(),
                stores.stores().lifecycle());
        Billing commandLine = process(failing);
        paidAtStripeOnly(commandLine);
        assertThat(server.entitlements(USER).tier()).isEqualTo("free");

        ReconcileReport report = commandLine.useCases().reconcile().user(USER);

        assertThat(report.subscriptionsApplied()).isEqualTo(1);
        assertThat(commandLine.entitlements(USER).tier()).isEqualTo("pro");
        assertThat(server.entitlements(USER).tier())
                .as("cached until it expires")
                .isEqualTo("free");
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(server.entitlements(USER).tier()).isEqualTo("pro");
    }

    /** A record of changes whose store is down. */
    private static final class FailingChanges implements ProjectionChanges {
        @Override
        public void append(String origin, Collection<CustomerId> customers, Instant at) {
            throw new StoreUnavailableException("the change record is down");
        }

        @Override
        public List<Change> after(long position, int limit) {
            throw new StoreUnavailableException("the change record is down");
        }

        @Override
        public long head() {
            throw new StoreUnavailableException("the change record is down");
        }

        @Override
        public int prune(Instant before) {
            throw new StoreUnavailableException("the change record is down");
        }
    }
}

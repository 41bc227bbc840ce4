package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A change that commits while entitlements are being computed from what was read before it: the answer of that read
 * is the old one, but it must not stay cached after the change has dropped the cache (it would until it expired:
 * an hour here, and the clock stands still).
 */
class EntitlementsCacheRaceTest {
    private static final UserId USER = UserId.of("user_race");

    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores memory = InMemoryBillingStores.create();
    /** Runs once, right after the next read of a customer's subscriptions, before that read's answer is used. */
    private final AtomicReference<Runnable> afterNextRead = new AtomicReference<>();

    @Test
    void aChangeDuringTheReadIsNotHiddenByTheCache() {
        BillingStores base = memory.stores();
        SubscriptionStore subscriptions = (SubscriptionStore) Proxy.newProxyInstance(
                SubscriptionStore.class.getClassLoader(),
                new Class<?>[] {SubscriptionStore.class},
                (proxy, method, args) -> {
                    Object answer;
                    try {
                        answer = method.invoke(base.subscriptions(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    Runnable hook = method.getName().equals("subscriptionsOf") ? afterNextRead.getAndSet(null) : null;
                    if (hook != null) {
                        hook.run();
                    }
                    return answer;
                });
        BillingStores stores = new BillingStores(
                base.customers(),
                subscriptions,
                base.inbox(),
                base.usage(),
                base.changes(),
                base.lifecycle(),
                base.memberships(),
                base.guests(),
                base.audit(),
                base.analytics());
        Billing billing = Billing.builder()
                .gateway(gateway)
                .webhookVerifier(new FakeWebhookVerifier())
                .stores(stores)
                .plans(SamplePlans.catalog())
                .clock(clock)
                .sleeper(d -> {})
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .entitlementsCacheTtl(Duration.ofHours(1))
                        .build())
                .build();
        CustomerId customer = billing.ensureCustomer(new dev.billing.core.model.Identity(
                        USER, "sess_race", "race@example.com", null, java.util.Map.of()))
                .customerId();
        assertThat(billing.entitlements(USER).tier()).isEqualTo("free"); // cached, with the user's customer known

        billing.useCases().getEntitlements().invalidate(USER);
        Subscription pro = gateway.subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        afterNextRead.set(
                () -> { // the webhook's upsert commits now, and tells the cache
                    memory.subscriptions().upsertSubscription(pro);
                    billing.useCases().getEntitlements().projectionChanged(customer);
                });

        assertThat(billing.entitlements(USER).tier())
                .as("computed from the read before the change")
                .isEqualTo("free");
        assertThat(billing.entitlements(USER).tier()).as("after the change").isEqualTo("pro");
        billing.close();
    }
}

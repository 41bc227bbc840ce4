package dev.billing.testkit;

import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.config.RetrySchedule;
import dev.billing.core.model.Identity;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.Sleeper;
import dev.billing.core.port.WorkObserver;
import dev.billing.core.webhook.WebhookReceipt;
import dev.billing.testkit.fake.FakeMembershipWebhookVerifier;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.RecordingNotifier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A {@link Billing} wired to every fake: fake Stripe, in-memory stores, fake webhook signatures, recorded notices,
 * a hand-moved clock and retries that do not sleep.
 *
 * <p>Usage: {@code BillingHarness h = BillingHarness.create(); h.billing().ensureCustomer(h.identity("user_1"));}
 */
public final class BillingHarness {
    /** The origin redirect URLs may use. */
    public static final String ORIGIN = "https://app.example.com";

    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final List<String> duplicatesObserved = new CopyOnWriteArrayList<>();
    private final List<Duration> clockLeadsObserved = new CopyOnWriteArrayList<>();
    private final PlanCatalog plans;
    private final OrgOptions orgs;
    private final MembershipWebhookVerifier membershipVerifier;
    private final BillingOptions configured;
    private final Billing billing;

    private BillingHarness(UnaryOperator<BillingOptions.Builder> options) {
        this(options, SamplePlans.catalog(), OrgOptions.defaults(), new FakeMembershipWebhookVerifier());
    }

    private BillingHarness(
            UnaryOperator<BillingOptions.Builder> options,
            PlanCatalog plans,
            OrgOptions orgs,
            MembershipWebhookVerifier membershipVerifier) {
        this.plans = plans;
        // Plans the sample catalog does not have get a price at the fake Stripe (product prod_<tier>, 10.00).
        plans.plans().stream().filter(p -> !gateway.knowsPrice(p.priceId())).forEach(p -> {
            gateway.addProduct("prod_" + p.tier().name(), p.tier().name());
            gateway.addRecurringPrice(p.priceId(), "prod_" + p.tier().name(), 1000, p.interval());
        });
        this.orgs = orgs;
        this.membershipVerifier = membershipVerifier;
        this.configured = options.apply(BillingOptions.builder()
                        .allowedOrigins(List.of(ORIGIN))
                        .defaultSuccessUrl(ORIGIN + "/billing/success")
                        .defaultCancelUrl(ORIGIN + "/billing/cancel")
                        .defaultReturnUrl(ORIGIN + "/account")
                        .retrySchedule(new RetrySchedule(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10), 5)))
                .build();
        this.billing = build(d -> {});
    }

    private Billing build(Sleeper sleeper) {
        return Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(stores.stores())
                .membershipVerifier(membershipVerifier)
                .orgs(orgs)
                .plans(plans)
                .notifier(notifier)
                .options(configured)
                .clock(clock)
                .sleeper(sleeper)
                .observer(new WorkObserver() {
                    @Override
                    public void duplicateSubscription(String handling) {
                        duplicatesObserved.add(handling);
                    }

                    @Override
                    public void clockBehindStripe(Duration lead) {
                        clockLeadsObserved.add(lead);
                    }
                })
                .build();
    }

    public static BillingHarness create() {
        return new BillingHarness(UnaryOperator.identity());
    }

    public static BillingHarness create(UnaryOperator<BillingOptions.Builder> options) {
        return new BillingHarness(options);
    }

    /** A harness on another plan catalog (its prices are added to the fake Stripe). */
    public static BillingHarness withPlans(PlanCatalog plans) {
        return new BillingHarness(
                UnaryOperator.identity(), plans, OrgOptions.defaults(), new FakeMembershipWebhookVerifier());
    }

    /**
     * A harness on another plan catalog and organization options; Clerk's deliveries are checked by a
     * {@link FakeMembershipWebhookVerifier}.
     */
    public static BillingHarness withPlans(PlanCatalog plans, OrgOptions orgs) {
        return new BillingHarness(UnaryOperator.identity(), plans, orgs, new FakeMembershipWebhookVerifier());
    }

    /** A harness whose Clerk deliveries are checked by {@code membershipVerifier} (the real one, in HTTP tests). */
    public static BillingHarness withPlans(
            PlanCatalog plans, OrgOptions orgs, MembershipWebhookVerifier membershipVerifier) {
        return new BillingHarness(UnaryOperator.identity(), plans, orgs, membershipVerifier);
    }

    public Billing billing() {
        return billing;
    }

    /**
     * Another process of the same service: a {@link Billing} of its own (its own caches and in-process locks) on
     * this harness's stores, fake Stripe, clock and options, pausing with {@code sleeper} where it waits (this
     * harness's own process does not pause).
     */
    public Billing anotherProcess(Sleeper sleeper) {
        return build(sleeper);
    }

    public MutableClock clock() {
        return clock;
    }

    public FakePaymentGateway gateway() {
        return gateway;
    }

    public InMemoryBillingStores stores() {
        return stores;
    }

    public FakeWebhookVerifier verifier() {
        return verifier;
    }

    public RecordingNotifier notifier() {
        return notifier;
    }

    /** What the core told its observer of each Stripe event created after it arrived by the harness's clock. */
    public List<Duration> clockLeadsObserved() {
        return List.copyOf(clockLeadsObserved);
    }

    /** What the core told its observer of each duplicate subscription it found ({@code cancel} or {@code flag}). */
    public List<String> duplicatesObserved() {
        return List.copyOf(duplicatesObserved);
    }

    public PlanCatalog plans() {
        return plans;
    }

    public Identity identity(String userId) {
        return new Identity(
                dev.billing.core.model.UserId.of(userId),
                "sess_" + userId,
                userId + "@example.com",
                null,
                java.util.Map.of());
    }

    /** Signs and delivers one event, as Stripe would. */
    public WebhookReceipt deliver(StripeEvent event, EventObject object) {
        FakeWebhookVerifier.Delivery delivery = verifier.sign(event, object);
        return billing.receiveWebhook(delivery.body(), delivery.signature());
    }
}

package dev.billing.core;

import dev.billing.core.analytics.AnalyticsSnapshots;
import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.config.BackgroundOptions;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.customer.EnsuredCustomer;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Identity;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.model.subscription.MemberEntitlements;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.Sleeper;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.core.port.WorkObserver;
import dev.billing.core.port.WorkTracer;
import dev.billing.core.retention.PruneExpired;
import dev.billing.core.retention.Pruned;
import dev.billing.core.usage.UsageOutcome;
import dev.billing.core.webhook.WebhookReceipt;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The embedding entry point: billing over a payment gateway, a webhook verifier and a store.
 *
 * <pre>{@code
 * try (Billing billing = Billing.builder()
 *         .gateway(StripePaymentGateway.create(stripeConfig))
 *         .webhookVerifier(StripeWebhookVerifier.create(webhookSecrets, Clock.systemUTC()))
 *         .stores(stores)
 *         .plans(planCatalog)
 *         .options(BillingOptions.builder().allowedOrigins(List.of("https://app.example.com")).build())
 *         .build()
 *         .start()) {
 *     EnsuredCustomer customer = billing.ensureCustomer(identity);
 * }
 * }</pre>
 *
 * <p>{@link #start()} starts the core's background work: retries of the webhook inbox, events no request
 * processed, notices, and meter reports to Stripe (and, with auto-seats on, one pass that sets every organization's
 * seats to its member count); a received webhook is then processed right after its answer.
 * {@link #close()} stops taking work and waits for what is in flight. It does not close the stores, which the host
 * made. Without {@code start()} every call still works, and webhooks are processed inside the call; the host then
 * calls {@link #processDueEvents(int)} and {@code useCases().reportMeterUsage().drain(n)} itself.
 *
 * <p>The common operations are methods here; {@link #useCases()} has every use case.
 */
public final class Billing implements AutoCloseable {
    private final UseCases useCases;
    private final BillingStores stores;
    private final Background background;
    private final PruneExpired prune;
    private final AnalyticsSnapshots analytics;
    private boolean started;
    private boolean closed;

    private Billing(
            UseCases useCases,
            BillingStores stores,
            PruneExpired prune,
            Background background,
            AnalyticsSnapshots analytics) {
        this.useCases = useCases;
        this.analytics = analytics;
        this.stores = stores;
        this.prune = prune;
        this.background = background;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the background work (see the class comment); a second call does nothing.
     *
     * @return this, for {@code try (Billing billing = builder.build().start())}
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized Billing start() {
        if (closed) {
            throw new IllegalStateException("this Billing is closed; build a new one");
        }
        if (!started) {
            background.start();
            started = true;
        }
        return this;
    }

    /** Whether the background work runs: started and not closed. */
    public synchronized boolean isRunning() {
        return started && !closed;
    }

    /**
     * Stops the background work: no new run starts, and the runs and webhook events in flight are waited for (up to
     * {@link BackgroundOptions#closeTimeout()}). Later webhooks are processed inside the call. A second call does
     * nothing; the stores stay open.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            background.close();
        }
    }

    public UseCases useCases() {
        return useCases;
    }

    public BillingStores stores() {
        return stores;
    }

    /**
     * Revenue analytics kept up to {@link dev.billing.core.config.BillingOptions#analyticsMaxAge()}: what the admin
     * routes and the dashboard serve ({@code useCases().revenueAnalytics()} computes at each call).
     */
    public AnalyticsSnapshots analytics() {
        return analytics;
    }

    /**
     * One retention pass now (a started {@code Billing} runs one every {@link dev.billing.core.config.RetentionOptions#every()}): deletes the
     * handled webhook events, usage keys and notices older than the retention options keep them.
     */
    public Pruned pruneExpired() {
        return prune.prune();
    }

    /** Create-or-get the caller's Stripe customer (exactly one per user). */
    public EnsuredCustomer ensureCustomer(Identity identity) {
        return useCases.ensureCustomer().ensure(identity);
    }

    /** Start a Checkout session for a plan or a one-time item. */
    public CheckoutOutcome startCheckout(Identity identity, CheckoutCommand command) {
        return useCases.startCheckout().start(identity, command);
    }

    /**
     * Verify and record one webhook delivery, answering once it is durable. While started, a new event is then
     * processed by the background threads; otherwise inside this call when capacity allows, else by the next run over
     * the inbox.
     */
    public WebhookReceipt receiveWebhook(byte[] payload, String signatureHeader) {
        Executor processing = background.webhookProcessing();
        return processing == null || !isRunning()
                ? useCases.receiveWebhook().receive(payload, signatureHeader)
                : useCases.receiveWebhook().receive(payload, signatureHeader, processing);
    }

    /**
     * Verify and record one of Clerk's webhook deliveries (membership sync), answering once it is durable and
     * processing it inside this call.
     *
     * @throws IllegalStateException while membership sync is off ({@link OrgOptions#membershipSync()})
     */
    public WebhookReceipt receiveClerkWebhook(
            String svixId, String svixTimestamp, String svixSignature, byte[] payload) {
        return useCases.receiveMembershipWebhook()
                .orElseThrow(() -> new IllegalStateException("membership sync is off"))
                .receive(svixId, svixTimestamp, svixSignature, payload);
    }

    /** Process up to {@code max} due inbox events now; returns how many were claimed. */
    public int processDueEvents(int max) {
        return useCases.processInboxEvent().processDue(max);
    }

    /** The user's entitlements from the local projection. */
    public Entitlements entitlements(UserId user) {
        return useCases.getEntitlements().of(user);
    }

    /** Record usage of a meter against the user's quota, idempotently. */
    public UsageOutcome recordUsage(UserId user, String meter, long amount, String idempotencyKey) {
        return useCases.recordUsage().record(user, meter, amount, idempotencyKey);
    }

    /**
     * A member's entitlements: the better of their own plan and their active organization's ({@code orgId}, or null
     * for none), with where each feature and quota comes from.
     */
    public MemberEntitlements entitlements(UserId user, String orgId) {
        return useCases.getMemberEntitlements().of(user, orgId);
    }

    /** Record a member's usage: shared meters against the active organization's pool, others against the user. */
    public UsageOutcome recordUsage(UserId user, String orgId, String meter, long amount, String idempotencyKey) {
        return useCases.recordUsage().record(user, orgId, meter, amount, idempotencyKey);
    }

    /** Tells the entitlement cache of the use cases built after it. */
    private static final class GetEntitlementsHolder implements ProjectionListener {
        private volatile ProjectionListener target = ProjectionListener.NONE;

        @Override
        public void projectionChanged(CustomerId customerId) {
            target.projectionChanged(customerId);
        }
    }

    /** Assembles {@link Billing}; gateway, verifier, stores and plans are required. */
    public static final class Builder {
        private PaymentGateway gateway;
        private WebhookVerifier webhookVerifier;
        private MembershipWebhookVerifier membershipVerifier;
        private BillingStores stores;
        private PlanCatalog plans;
        private Notifier notifier = new LogNotifier();
        private BillingOptions options = BillingOptions.defaults();
        private OrgOptions orgs = OrgOptions.defaults();
        private BackgroundOptions background = BackgroundOptions.defaults();
        private ScheduledExecutorService scheduler;
        private WorkObserver observer = WorkObserver.NONE;
        private WorkTracer tracer = WorkTracer.NONE;
        private Clock clock = Clock.systemUTC();
        private Clock workClock;
        private Sleeper sleeper = Sleeper.REAL;
        private final List<ProjectionListener> listeners = new ArrayList<>();

        private Builder() {}

        public Builder gateway(PaymentGateway value) {
            this.gateway = value;
            return this;
        }

        public Builder webhookVerifier(WebhookVerifier value) {
            this.webhookVerifier = value;
            return this;
        }

        /** Clerk's webhook verifier, needed when {@link OrgOptions#membershipSync()} is on. */
        public Builder membershipVerifier(MembershipWebhookVerifier value) {
            this.membershipVerifier = Objects.requireNonNull(value, "membershipVerifier");
            return this;
        }

        public Builder stores(BillingStores value) {
            this.stores = value;
            return this;
        }

        public Builder plans(PlanCatalog value) {
            this.plans = value;
            return this;
        }

        /** Defaults to logging notices. */
        public Builder notifier(Notifier value) {
            this.notifier = Objects.requireNonNull(value, "notifier");
            return this;
        }

        public Builder options(BillingOptions value) {
            this.options = Objects.requireNonNull(value, "options");
            return this;
        }

        /** Who may manage an organization's billing; defaults to {@link OrgOptions#defaults()}. */
        public Builder orgs(OrgOptions value) {
            this.orgs = Objects.requireNonNull(value, "orgs");
            return this;
        }

        /** How the background work runs once started; defaults to {@link BackgroundOptions#defaults()}. */
        public Builder background(BackgroundOptions value) {
            this.background = Objects.requireNonNull(value, "background");
            return this;
        }

        /**
         * Runs the background work's schedule on the host's scheduler instead of two threads of the core's own. The
         * scheduler stays the host's: {@link Billing#close()} cancels only its own tasks.
         */
        public Builder scheduler(ScheduledExecutorService value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** Told what the background work and event processing did (metrics: runs, reports, duplicate subscriptions). */
        public Builder observer(WorkObserver value) {
            this.observer = Objects.requireNonNull(value, "observer");
            return this;
        }

        /**
         * Opens spans around a webhook's receipt, its processing and the background runs (traces nothing by
         * default); decorate the gateway and the stores to trace their calls too.
         */
        public Builder tracer(WorkTracer value) {
            this.tracer = Objects.requireNonNull(value, "tracer");
            return this;
        }

        /** The billing clock: trials, periods, grace, quotas, how long cached answers live. The system's by default. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * The clock of this process's own work: the inbox's leases, retries and receipts, and the shared projection
         * changes' times. The billing clock by default. Set it apart when the billing clock can jump (local mode
         * advances the emulator's): a jump must not end the lease of an event being processed, or a redelivery or
         * the worker processes it again and its notice goes out twice.
         */
        public Builder workClock(Clock value) {
            this.workClock = Objects.requireNonNull(value, "workClock");
            return this;
        }

        /** How retries pause; tests pass one that does not sleep. */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** Told after any change to a customer's projection. */
        public Builder listener(ProjectionListener value) {
            this.listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /**
         * @throws IllegalStateException naming every missing part
         */
        public Billing build() {
            List<String> missing = new ArrayList<>();
            if (gateway == null) {
                missing.add("gateway");
            }
            if (webhookVerifier == null) {
                missing.add("webhookVerifier");
            }
            if (stores == null) {
                missing.add("stores");
            }
            if (plans == null) {
                missing.add("plans");
            }
            if (orgs.membershipSync() && membershipVerifier == null) {
                missing.add("membershipVerifier (membership sync is on)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("Billing needs: " + String.join(", ", missing));
            }
            // The sync is told this process's changes (after the entitlement cache) and tells that cache the
            // others' changes; it is built before the use cases, so it reaches the cache through a holder.
            GetEntitlementsHolder cache = new GetEntitlementsHolder();
            Clock work = workClock == null ? clock : workClock;
            CacheSync sync = new CacheSync(stores.changes(), cache, work);
            List<ProjectionListener> all = new ArrayList<>(listeners);
            all.add(sync);
            UseCases useCases = new UseCases(
                    gateway,
                    webhookVerifier,
                    membershipVerifier,
                    stores,
                    plans,
                    notifier,
                    options,
                    orgs,
                    clock,
                    work,
                    sleeper,
                    all,
                    observer);
            cache.target = useCases.getEntitlements();
            useCases.processInboxEvent().tracer(tracer);
            PruneExpired prune = new PruneExpired(stores, options.retention(), work);
            return new Billing(
                    useCases,
                    stores,
                    prune,
                    new Background(useCases, sync, prune, background, scheduler, observer, tracer, work),
                    new AnalyticsSnapshots(
                            useCases.revenueAnalytics(),
                            clock,
                            work,
                            options.analyticsMaxAge(),
                            AnalyticsSnapshots.ownRefresher()));
        }
    }
}

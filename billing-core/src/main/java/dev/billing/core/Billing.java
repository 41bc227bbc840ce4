package dev.billing.core;

import dev.billing.core.model.Entitlements;
import dev.billing.core.model.Identity;
import dev.billing.core.model.PlanCatalog;
import dev.billing.core.model.UserId;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.core.usecase.BillingOptions;
import dev.billing.core.usecase.CheckoutCommand;
import dev.billing.core.usecase.CheckoutOutcome;
import dev.billing.core.usecase.EnsuredCustomer;
import dev.billing.core.usecase.ProjectionListener;
import dev.billing.core.usecase.Sleeper;
import dev.billing.core.usecase.UsageOutcome;
import dev.billing.core.usecase.UseCases;
import dev.billing.core.usecase.WebhookReceipt;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The embedding entry point: billing over a payment gateway, a webhook verifier and a store.
 *
 * <pre>{@code
 * Billing billing = Billing.builder()
 *         .gateway(StripePaymentGateway.create(stripeKey))
 *         .webhookVerifier(StripeWebhookVerifier.create(webhookSecrets))
 *         .stores(PostgresBillingStores.create(dataSource))
 *         .plans(planCatalog)
 *         .options(BillingOptions.builder().allowedOrigins(List.of("https://app.example.com")).build())
 *         .build();
 * EnsuredCustomer customer = billing.ensureCustomer(identity);
 * }</pre>
 *
 * <p>The common operations are methods here; {@link #useCases()} has every use case.
 */
public final class Billing {
    private final UseCases useCases;
    private final BillingStores stores;

    private Billing(UseCases useCases, BillingStores stores) {
        this.useCases = useCases;
        this.stores = stores;
    }

    public static Builder builder() {
        return new Builder();
    }

    public UseCases useCases() {
        return useCases;
    }

    public BillingStores stores() {
        return stores;
    }

    /** Create-or-get the caller's Stripe customer (exactly one per user). */
    public EnsuredCustomer ensureCustomer(Identity identity) {
        return useCases.ensureCustomer().ensure(identity);
    }

    /** Start a Checkout session for a plan or a one-time item. */
    public CheckoutOutcome startCheckout(Identity identity, CheckoutCommand command) {
        return useCases.startCheckout().start(identity, command);
    }

    /** Verify, record and (capacity permitting) process one webhook delivery. */
    public WebhookReceipt receiveWebhook(byte[] payload, String signatureHeader) {
        return useCases.receiveWebhook().receive(payload, signatureHeader);
    }

    /**
     * Verify and record one webhook delivery, answering once it is durable; a new event is then processed on
     * {@code processing} (see {@link dev.billing.core.usecase.ReceiveWebhook#receive(byte[], String, Executor)}).
     */
    public WebhookReceipt receiveWebhook(byte[] payload, String signatureHeader, Executor processing) {
        return useCases.receiveWebhook().receive(payload, signatureHeader, processing);
    }

    /** Process up to {@code max} due inbox events; returns how many were claimed. */
    public int processDueEvents(int max) {
        return useCases.processInboxEvent().processDue(max);
    }

    /** The same, processing the claimed events concurrently on {@code executor}; returns once all are done. */
    public int processDueEvents(int max, Executor executor) {
        return useCases.processInboxEvent().processDue(max, executor);
    }

    /** The user's entitlements from the local projection. */
    public Entitlements entitlements(UserId user) {
        return useCases.getEntitlements().of(user);
    }

    /** Record usage of a meter against the user's quota, idempotently. */
    public UsageOutcome recordUsage(UserId user, String meter, long amount, String idempotencyKey) {
        return useCases.recordUsage().record(user, meter, amount, idempotencyKey);
    }

    /** Assembles {@link Billing}; gateway, verifier, stores and plans are required. */
    public static final class Builder {
        private PaymentGateway gateway;
        private WebhookVerifier webhookVerifier;
        private BillingStores stores;
        private PlanCatalog plans;
        private Notifier notifier = new LogNotifier();
        private BillingOptions options = BillingOptions.defaults();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.REAL;
        private final List<ProjectionListener> listeners = new ArrayList<>();

        private Builder() {
        }

        public Builder gateway(PaymentGateway value) {
            this.gateway = value;
            return this;
        }

        public Builder webhookVerifier(WebhookVerifier value) {
            this.webhookVerifier = value;
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

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
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
            if (!missing.isEmpty()) {
                throw new IllegalStateException("Billing needs: " + String.join(", ", missing));
            }
            return new Billing(new UseCases(gateway, webhookVerifier, stores, plans, notifier, options, clock,
                    sleeper, listeners), stores);
        }
    }
}

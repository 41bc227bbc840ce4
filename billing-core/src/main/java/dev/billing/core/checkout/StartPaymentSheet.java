package dev.billing.core.checkout;

import dev.billing.core.annotation.Internal;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.customer.EnsureCustomer;
import dev.billing.core.entitlement.EntitlementPolicy;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Identity;
import dev.billing.core.model.Money;
import dev.billing.core.model.catalog.CatalogItem;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.payment.EphemeralKey;
import dev.billing.core.model.payment.PaymentIntentRequest;
import dev.billing.core.model.payment.SetupIntent;
import dev.billing.core.model.payment.SheetIntent;
import dev.billing.core.model.subscription.IncompleteSubscription;
import dev.billing.core.model.subscription.IncompleteSubscriptionRequest;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.SubscriptionStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Prepares Stripe's mobile PaymentSheet: a subscription created {@code incomplete} (its first invoice's payment
 * intent, or a setup intent when a trial makes it 0), a payment intent for a one-time item, or a setup intent to save
 * a card; each with an ephemeral key for the customer. The same rules as Checkout ({@link CheckoutRules}): the server
 * picks prices, discounts, the trial (first subscription only), tax and metadata. Entitlements and purchases come from
 * the webhooks, as for Checkout.
 *
 * <p>One subscription per party: a party holding a live subscription gets {@link SheetOutcome.AlreadySubscribed};
 * an incomplete one for the same plan and code is handed back rather than doubled, any other incomplete one is ended
 * first. Requests of one party are serialised in this process, so two sheets opened together make one subscription
 * (across instances the minute's idempotency key and the duplicate check at payment stand behind it).
 *
 * <p>Usage: {@code SheetOutcome o = sheet.start(identity, new SheetCommand.SaveCard(null));}
 */
public final class StartPaymentSheet {
    /** Metadata of a payment intent the sheet made: its {@code payment_intent.succeeded} records the purchase. */
    public static final String SOURCE = "purchase_source";
    /** Metadata of a setup intent whose card becomes the party's default once confirmed. */
    public static final String MAKE_DEFAULT = "make_default";

    private static final String PROMOTION_CODE = "promotion_code";
    private static final int STRIPES = 64;

    private final PaymentGateway gateway;
    private final EnsureCustomer ensureCustomer;
    private final BillingOptions options;
    private final GatewayRetry retry;
    private final CheckoutRules rules;
    private final IncompleteSubscriptions incomplete;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    @Internal
    public StartPaymentSheet(
            PaymentGateway gateway,
            SubscriptionStore subscriptions,
            EnsureCustomer ensureCustomer,
            EntitlementPolicy policy,
            PlanCatalog catalog,
            BillingOptions options,
            GatewayRetry retry,
            Clock clock) {
        this.gateway = gateway;
        this.ensureCustomer = ensureCustomer;
        this.options = options;
        this.retry = retry;
        this.rules = new CheckoutRules(gateway, subscriptions, policy, catalog, retry, clock);
        this.incomplete = new IncompleteSubscriptions(gateway, retry);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public SheetOutcome start(Identity identity, SheetCommand command) {
        String version = stripeVersion(command.stripeVersion());
        if (command instanceof SheetCommand.Subscribe subscribe) {
            return subscribe(identity, subscribe, version);
        }
        if (command instanceof SheetCommand.Buy buy) {
            return buy(identity, buy, version);
        }
        return saveCard(identity, version);
    }

    private static String stripeVersion(String version) {
        if (version != null && !version.matches("\\d{4}-\\d{2}-\\d{2}(\\.[a-z]+)?")) {
            throw new InvalidRequestException(
                    "invalid_stripe_version",
                    "stripeVersion",
                    "stripeVersion must be a Stripe API version such as 2026-07-29.dahlia.");
        }
        return version;
    }

    private SheetOutcome subscribe(Identity identity, SheetCommand.Subscribe command, String version) {
        Plan plan = rules.plan(command.tier(), command.interval());
        long seats = CheckoutRules.seats(plan, command.seats());
        String promotionCode = CheckoutRules.promotionCode(command.promotionCode());
        CustomerId customer = ensureCustomer.ensure(identity).customerId();
        ReentrantLock lock = locks[Math.floorMod(customer.hashCode(), STRIPES)];
        lock.lock();
        try {
            CheckoutRules.Standing standing = rules.standing(customer);
            if (standing.blocking() != null) {
                return new SheetOutcome.AlreadySubscribed(
                        standing.blocking().id(), standing.blocking().status());
            }
            Optional<SheetOutcome> reused = reuse(standing.incomplete(), plan, seats, promotionCode, customer, version);
            if (reused.isPresent()) {
                return reused.get();
            }
            incomplete.endAll(standing.incomplete());
            int trialDays = standing.trialDue() ? plan.trialDays() : 0;
            Map<String, String> metadata = new HashMap<>(CheckoutRules.subscriptionMetadata(identity, plan, seats));
            if (promotionCode != null) {
                metadata.put(PROMOTION_CODE, promotionCode);
            }
            String key = IdempotencyKeys.of(
                    "sheet-subscription",
                    identity.userId().value(),
                    // A customer deleted at Stripe is replaced: the same sheet for the new one is another request.
                    customer.value(),
                    plan.priceId(),
                    promotionCode,
                    trialDays,
                    seats,
                    // A double tap gets one subscription; a sheet opened after the party's subscriptions changed (one
                    // ended by another plan's sheet) gets a new one, never the replay of one that was ended.
                    standing.seen(),
                    rules.minuteBucket());
            IncompleteSubscriptionRequest request = new IncompleteSubscriptionRequest(
                    customer,
                    CheckoutRules.planLines(plan, seats),
                    trialDays,
                    promotionCode,
                    metadata,
                    options.stripeTax(),
                    key);
            IncompleteSubscription created;
            try {
                created = retry.call(() -> gateway.createIncompleteSubscription(request));
            } catch (GatewayRejectedException e) {
                throw IncompleteSubscriptions.promotionCodeRefusal(promotionCode, e);
            }
            if (created.intent() == null) {
                throw new IllegalStateException(
                        "Stripe created subscription " + created.subscription().id() + " with nothing to confirm");
            }
            return ready(
                    customer, version, created.intent(), created.subscription().id(), false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The party's incomplete subscription to the same plan, seats and code, when its intent can still be confirmed:
     * the app opened the sheet before and comes back to pay.
     */
    private Optional<SheetOutcome> reuse(
            List<Subscription> incompletes,
            Plan plan,
            long seats,
            String promotionCode,
            CustomerId customer,
            String version) {
        for (Subscription s : incompletes) {
            boolean same = plan.priceId().equals(s.priceId())
                    && s.quantity() == seats
                    && java.util.Objects.equals(promotionCode, s.metadata().get(PROMOTION_CODE));
            if (!same) {
                continue;
            }
            Optional<IncompleteSubscription> current = retry.call(() -> gateway.getIncompleteSubscription(s.id()));
            if (current.isPresent()
                    && current.get().intent() != null
                    && current.get().intent().isPayable()) {
                List<Subscription> others = new ArrayList<>(incompletes);
                others.remove(s);
                incomplete.endAll(others);
                return Optional.of(ready(customer, version, current.get().intent(), s.id(), true));
            }
        }
        return Optional.empty();
    }

    private SheetOutcome buy(Identity identity, SheetCommand.Buy command, String version) {
        CatalogItem item = rules.item(command.priceId(), command.quantity());
        if (options.stripeTax()) {
            // A bare payment intent gets no Stripe Tax; Checkout collects the address tax needs.
            throw new InvalidRequestException(
                    "tax_requires_checkout",
                    "priceId",
                    "Tax is on: buy one-time items through Checkout (POST /stripe/checkout), which collects the "
                            + "address Stripe Tax needs.");
        }
        CustomerId customer = ensureCustomer.ensure(identity).customerId();
        CheckoutRules.PricedItem priced = rules.priced(item, command.quantity(), customer, true);
        Map<String, String> metadata = new HashMap<>(CheckoutRules.purchaseMetadata(identity, priced));
        metadata.put(SOURCE, "sheet");
        Money total = new Money(
                priced.unitAmount().amount() * command.quantity(),
                priced.unitAmount().currency());
        String key = IdempotencyKeys.of(
                "sheet-purchase",
                identity.userId().value(),
                customer.value(),
                item.priceId(),
                command.quantity(),
                priced.discountPercent(),
                priced.tier().name(),
                rules.minuteBucket());
        PaymentIntentRequest request =
                new PaymentIntentRequest(customer, total, command.quantity() + " x " + item.name(), metadata, key);
        SheetIntent intent = retry.call(() -> gateway.createPaymentIntent(request));
        return ready(customer, version, intent, null, false);
    }

    private SheetOutcome saveCard(Identity identity, String version) {
        CustomerId customer = ensureCustomer.ensure(identity).customerId();
        // A fresh key each time: every sheet saves its own card (Stripe's setup intents are cheap and expire unused).
        String key = IdempotencyKeys.of("sheet-setup", identity.userId().value(), java.util.UUID.randomUUID());
        SetupIntent setup = retry.call(() -> gateway.createSetupIntent(
                customer,
                Map.of(MAKE_DEFAULT, "true", "user_id", identity.userId().value()),
                key));
        SheetIntent intent = new SheetIntent(SheetIntent.Kind.SETUP, setup.id(), setup.clientSecret(), setup.status());
        return ready(customer, version, intent, null, false);
    }

    private SheetOutcome.Ready ready(
            CustomerId customer, String version, SheetIntent intent, String subscriptionId, boolean reused) {
        return new SheetOutcome.Ready(
                customer,
                ephemeralKey(customer, version),
                intent,
                subscriptionId,
                reused,
                options.stripePublishableKey());
    }

    private EphemeralKey ephemeralKey(CustomerId customer, String version) {
        return retry.call(() -> gateway.createEphemeralKey(customer, version));
    }
}

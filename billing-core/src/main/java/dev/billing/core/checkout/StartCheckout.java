package dev.billing.core.checkout;

import dev.billing.core.annotation.Internal;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.customer.EnsureCustomer;
import dev.billing.core.entitlement.EntitlementPolicy;
import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Identity;
import dev.billing.core.model.catalog.CatalogItem;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.SubscriptionStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Starts a Stripe Checkout session for a plan (subscription mode) or a one-time item (payment mode). The server
 * builds every parameter: the client names a tier and interval or a catalog price and a quantity, never amounts,
 * the customer, the mode, trial length or metadata. Redirect URLs are checked against the allowed origins before
 * any Stripe call. A user who already holds a live subscription gets {@link CheckoutOutcome.AlreadySubscribed}.
 * A trial is offered only to customers who never had a subscription. A new subscription session expires the
 * customer's older open ones, so that one checkout at most can still be paid (best effort: the duplicate check at
 * payment is the safety net). A tier's purchase discount is applied here.
 * With {@link BillingOptions#stripeTax()} the session asks Stripe Tax to add tax.
 *
 * <p>Usage: {@code CheckoutOutcome o = startCheckout.start(identity, new CheckoutCommand.Subscribe("pro", MONTH, null, null, null));}
 */
public final class StartCheckout {
    public static final int MAX_QUANTITY = CheckoutRules.MAX_QUANTITY;
    /** How often one request makes a replayed, expired session anew (each time under a new key) before it gives up. */
    private static final int MAX_RENEWALS = 3;

    private static final System.Logger LOG = System.getLogger(StartCheckout.class.getName());

    private final PaymentGateway gateway;
    private final EnsureCustomer ensureCustomer;
    private final RedirectPolicy redirects;
    private final BillingOptions options;
    private final GatewayRetry retry;
    private final OpenCheckouts openCheckouts;
    private final CheckoutRules rules;
    private final IncompleteSubscriptions incomplete;

    @Internal
    public StartCheckout(
            PaymentGateway gateway,
            SubscriptionStore subscriptions,
            EnsureCustomer ensureCustomer,
            EntitlementPolicy policy,
            PlanCatalog catalog,
            RedirectPolicy redirects,
            BillingOptions options,
            GatewayRetry retry,
            Clock clock) {
        this.gateway = gateway;
        this.ensureCustomer = ensureCustomer;
        this.redirects = redirects;
        this.options = options;
        this.retry = retry;
        this.openCheckouts = new OpenCheckouts(gateway);
        this.rules = new CheckoutRules(gateway, subscriptions, policy, catalog, retry, clock);
        this.incomplete = new IncompleteSubscriptions(gateway, retry);
    }

    public CheckoutOutcome start(Identity identity, CheckoutCommand command) {
        String successUrl = redirects.check(orDefault(command.successUrl(), options.defaultSuccessUrl()), "successUrl");
        String cancelUrl = redirects.check(orDefault(command.cancelUrl(), options.defaultCancelUrl()), "cancelUrl");
        if (command instanceof CheckoutCommand.Subscribe subscribe) {
            return subscribe(identity, subscribe, successUrl, cancelUrl);
        }
        return buy(identity, (CheckoutCommand.Buy) command, successUrl, cancelUrl);
    }

    private CheckoutOutcome subscribe(
            Identity identity, CheckoutCommand.Subscribe command, String successUrl, String cancelUrl) {
        Plan plan = rules.plan(command.tier(), command.interval());
        long seats = CheckoutRules.seats(plan, command.seats());
        String promotionCode = CheckoutRules.promotionCode(command.promotionCode());
        CustomerId customer = ensureCustomer.ensure(identity).customerId();
        CheckoutRules.Standing standing = rules.standing(customer);
        if (standing.blocking() != null) {
            return new CheckoutOutcome.AlreadySubscribed(
                    standing.blocking().id(), standing.blocking().status());
        }
        // A subscription a PaymentSheet left unpaid would become a second one if its app paid it after this session.
        incomplete.endAll(standing.incomplete());
        int trialDays = standing.trialDue() ? plan.trialDays() : 0;
        String user = identity.userId().value();
        Map<String, String> metadata = CheckoutRules.subscriptionMetadata(identity, plan, seats);
        // Every parameter of the request is in its key: a key Stripe saw with other parameters is refused (502).
        String key = IdempotencyKeys.of(
                "checkout",
                user,
                customer.value(),
                plan.priceId(),
                successUrl,
                cancelUrl,
                promotionCode,
                trialDays,
                seats,
                rules.minuteBucket());
        CheckoutRequest request = new CheckoutRequest(
                        CheckoutMode.SUBSCRIPTION,
                        customer,
                        CheckoutRules.planLines(plan, seats),
                        successUrl,
                        cancelUrl,
                        user,
                        trialDays,
                        promotionCode,
                        metadata,
                        metadata,
                        key)
                .withAutomaticTax(options.stripeTax());
        return new CheckoutOutcome.Started(openSession(customer, request, promotionCode));
    }

    /**
     * Creates the session, and makes sure it is one the user can pay. A key Stripe saw in the last minute answers
     * with that earlier session as it was then, and a newer session of another plan may have expired it since (plan
     * A, then B, then A again): such a session is made anew under a key naming the dead one, so that a double click
     * still gets a single session. Then the customer's older open sessions are expired, so that paying this one and
     * an older one cannot leave two subscriptions. Best effort: a failure to list or expire must not take the user's
     * session away; a session paid before it could be expired is caught at payment ({@link
     * DuplicateSubscriptionCheck}).
     */
    private CheckoutSession openSession(CustomerId customer, CheckoutRequest first, String promotionCode) {
        CheckoutRequest request = first;
        CheckoutSession session = create(request, promotionCode);
        for (int renewals = 0; ; renewals++) {
            try {
                List<CheckoutSession> open = gateway.listOpenCheckoutSessions(customer);
                if (OpenCheckouts.indexOf(open, session.id()) < 0
                        && renewals < MAX_RENEWALS
                        && gateway.getCheckoutSession(session.id())
                                .map(s -> "expired".equals(s.status()))
                                .orElse(false)) {
                    request = request.withIdempotencyKey(IdempotencyKeys.of(request.idempotencyKey(), session.id()));
                    session = create(request, promotionCode);
                    continue;
                }
                openCheckouts.expireOlderThan(open, session.id());
            } catch (GatewayException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Could not check or expire the open Checkout sessions of customer {0} "
                                + "(the duplicate check at payment is the safety net): {1}",
                        customer,
                        e.getMessage());
            }
            return session;
        }
    }

    private CheckoutSession create(CheckoutRequest request, String promotionCode) {
        try {
            return retry.call(() -> gateway.createCheckoutSession(request));
        } catch (GatewayRejectedException e) {
            throw IncompleteSubscriptions.promotionCodeRefusal(promotionCode, e);
        }
    }

    private CheckoutOutcome buy(Identity identity, CheckoutCommand.Buy command, String successUrl, String cancelUrl) {
        CatalogItem item = rules.item(command.priceId(), command.quantity());
        CustomerId customer = ensureCustomer.ensure(identity).customerId();
        CheckoutRules.PricedItem priced = rules.priced(item, command.quantity(), customer, false);
        String user = identity.userId().value();
        // The tier is in the metadata even where it gives no discount (free, basic): a tier changed within the
        // minute is another request, not the double click this key answers with the same session.
        String key = IdempotencyKeys.of(
                "purchase",
                user,
                customer.value(),
                priced.item().priceId(),
                command.quantity(),
                priced.discountPercent(),
                priced.tier().name(),
                successUrl,
                cancelUrl,
                rules.minuteBucket());
        CheckoutRequest request = new CheckoutRequest(
                        CheckoutMode.PAYMENT,
                        customer,
                        List.of(priced.line()),
                        successUrl,
                        cancelUrl,
                        user,
                        0,
                        null,
                        CheckoutRules.purchaseMetadata(identity, priced),
                        Map.of(),
                        key)
                .withAutomaticTax(options.stripeTax());
        return new CheckoutOutcome.Started(retry.call(() -> gateway.createCheckoutSession(request)));
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}

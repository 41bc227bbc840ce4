package dev.billing.core.checkout;

import dev.billing.core.config.BillingOptions;
import dev.billing.core.customer.EnsureCustomer;
import dev.billing.core.entitlement.EntitlementPolicy;
import dev.billing.core.error.GatewayException;
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
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.core.subscription.ChangeSeats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    public static final int MAX_QUANTITY = 99;
    private static final System.Logger LOG = System.getLogger(StartCheckout.class.getName());

    private final PaymentGateway gateway;
    private final SubscriptionStore subscriptions;
    private final EnsureCustomer ensureCustomer;
    private final EntitlementPolicy policy;
    private final PlanCatalog catalog;
    private final RedirectPolicy redirects;
    private final BillingOptions options;
    private final GatewayRetry retry;
    private final Clock clock;
    private final OpenCheckouts openCheckouts;

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
        this.subscriptions = subscriptions;
        this.ensureCustomer = ensureCustomer;
        this.policy = policy;
        this.catalog = catalog;
        this.redirects = redirects;
        this.options = options;
        this.retry = retry;
        this.clock = clock;
        this.openCheckouts = new OpenCheckouts(gateway);
    }

    /** The quantity of a plan's subscription: its seats for a per-seat tier (default 1), else exactly 1. */
    private static long seats(Plan plan, Long requested) {
        if (!plan.tier().perSeat()) {
            if (requested != null) {
                throw new InvalidRequestException(
                        "not_per_seat", "seats", "The plan '" + plan.tier().name() + "' is not sold by the seat.");
            }
            return 1;
        }
        long seats = requested == null ? 1 : requested;
        if (seats < 1 || seats > ChangeSeats.MAX_SEATS) {
            throw new InvalidRequestException(
                    "invalid_seats", "seats", "seats must be between 1 and " + ChangeSeats.MAX_SEATS + ".");
        }
        return seats;
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
        Plan plan = catalog.plan(command.tier(), command.interval())
                .orElseThrow(() -> new InvalidRequestException(
                        "unknown_plan",
                        "tier",
                        "There is no " + command.interval().stripeName() + "ly plan for tier '" + command.tier()
                                + "'."));
        long seats = seats(plan, command.seats());
        String promotionCode = command.promotionCode();
        if (promotionCode != null && !promotionCode.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new InvalidRequestException(
                    "invalid_promotion_code",
                    "promotionCode",
                    "promotionCode must be 1-64 letters, digits, '-' or '_'.");
        }
        CustomerId customer = ensureCustomer.ensure(identity).customerId();
        List<Subscription> known = new ArrayList<>(subscriptions.subscriptionsOf(customer));
        Optional<Subscription> blocking =
                known.stream().filter(s -> s.status().blocksNewSubscription()).findFirst();
        if (blocking.isPresent()) {
            return new CheckoutOutcome.AlreadySubscribed(
                    blocking.get().id(), blocking.get().status());
        }
        // The projection can lag a just-completed checkout by a webhook; Stripe's list cannot.
        List<Subscription> atStripe = retry.call(() -> gateway.listSubscriptions(customer));
        blocking = atStripe.stream()
                .filter(s -> s.status().blocksNewSubscription())
                .findFirst();
        if (blocking.isPresent()) {
            return new CheckoutOutcome.AlreadySubscribed(
                    blocking.get().id(), blocking.get().status());
        }
        int trialDays = known.isEmpty() && atStripe.isEmpty() ? plan.trialDays() : 0;
        String user = identity.userId().value();
        Map<String, String> metadata = plan.tier().perSeat()
                ? Map.of(
                        "user_id",
                        user,
                        "tier",
                        plan.tier().name(),
                        "interval",
                        plan.interval().stripeName(),
                        "seats",
                        Long.toString(seats))
                : Map.of(
                        "user_id",
                        user,
                        "tier",
                        plan.tier().name(),
                        "interval",
                        plan.interval().stripeName());
        String key = IdempotencyKeys.of(
                "checkout",
                user,
                plan.priceId(),
                successUrl,
                cancelUrl,
                promotionCode,
                trialDays,
                seats,
                minuteBucket());
        // The plan's price first: the projection reads a subscription's plan from its first licensed item.
        List<LineItem> lines = new ArrayList<>();
        lines.add(new LineItem.OfPrice(plan.priceId(), seats));
        plan.meteredPriceIds().forEach(priceId -> lines.add(new LineItem.Metered(priceId)));
        CheckoutRequest request = new CheckoutRequest(
                        CheckoutMode.SUBSCRIPTION,
                        customer,
                        lines,
                        successUrl,
                        cancelUrl,
                        user,
                        trialDays,
                        promotionCode,
                        metadata,
                        metadata,
                        key)
                .withAutomaticTax(options.stripeTax());
        CheckoutSession session;
        try {
            session = retry.call(() -> gateway.createCheckoutSession(request));
        } catch (GatewayRejectedException e) {
            if (promotionCode != null && e.param() != null && e.param().contains("promotion_code")) {
                // Unknown, expired, used up or not for this customer: the buyer mistyped or was too late.
                throw new InvalidRequestException(
                        "invalid_promotion_code",
                        "promotionCode",
                        "This promotion code cannot be used: it is unknown, expired or used up.");
            }
            throw e;
        }
        expireOlderSessions(customer, session);
        return new CheckoutOutcome.Started(session);
    }

    /**
     * The customer's older open subscription sessions are expired, so that paying this one and an older one cannot
     * leave two subscriptions. Best effort: the user has a session to pay, and a failure here must not take it away;
     * a session paid before it could be expired is caught at payment ({@link DuplicateSubscriptionCheck}).
     */
    private void expireOlderSessions(CustomerId customer, CheckoutSession session) {
        try {
            openCheckouts.expireOlderThan(customer, session.id());
        } catch (GatewayException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Could not expire the older open Checkout sessions of customer {0} "
                            + "(the duplicate check at payment is the safety net): {1}",
                    customer,
                    e.getMessage());
        }
    }

    private CheckoutOutcome buy(Identity identity, CheckoutCommand.Buy command, String successUrl, String cancelUrl) {
        CatalogItem item = catalog.itemForPrice(command.priceId())
                .orElseThrow(() -> new InvalidRequestException(
                        "unknown_item", "priceId", "Price " + command.priceId() + " is not a catalog item for sale."));
        if (command.quantity() < 1 || command.quantity() > MAX_QUANTITY) {
            throw new InvalidRequestException(
                    "invalid_quantity", "quantity", "quantity must be between 1 and " + MAX_QUANTITY + ".");
        }
        CustomerId customer = ensureCustomer.ensure(identity).customerId();
        Tier tier = policy.grant(subscriptions.subscriptionsOf(customer), clock.instant())
                .tier();
        LineItem line = new LineItem.OfPrice(item.priceId(), command.quantity());
        int discount = tier.purchaseDiscountPercent();
        if (discount > 0) {
            Price price = retry.call(() -> gateway.getPrice(item.priceId()))
                    .orElseThrow(() -> new InvalidRequestException(
                            "unknown_item", "priceId", "Price " + item.priceId() + " does not exist at Stripe."));
            if (price.unitAmount() == null) {
                throw new InvalidRequestException(
                        "unknown_item", "priceId", "Price " + item.priceId() + " has no unit amount to discount.");
            }
            long discounted = discountedAmount(price.unitAmount(), discount);
            line = new LineItem.OfAmount(
                    price.productId(), new Money(discounted, price.currency()), command.quantity(), price.id());
        }
        String user = identity.userId().value();
        Map<String, String> metadata = Map.of(
                "user_id",
                user,
                "price_id",
                item.priceId(),
                "item",
                item.key(),
                "quantity",
                Long.toString(command.quantity()),
                "tier",
                tier.name(),
                "discount_percent",
                Integer.toString(discount));
        String key = IdempotencyKeys.of(
                "purchase", user, item.priceId(), command.quantity(), discount, successUrl, cancelUrl, minuteBucket());
        CheckoutRequest request = new CheckoutRequest(
                        CheckoutMode.PAYMENT,
                        customer,
                        List.of(line),
                        successUrl,
                        cancelUrl,
                        user,
                        0,
                        null,
                        metadata,
                        Map.of(),
                        key)
                .withAutomaticTax(options.stripeTax());
        return new CheckoutOutcome.Started(retry.call(() -> gateway.createCheckoutSession(request)));
    }

    /** {@code percent} off, rounded half up to the minor unit. */
    static long discountedAmount(long unitAmount, int percent) {
        return Math.round(unitAmount * (100 - percent) / 100.0);
    }

    // Double clicks within a minute get the same session back instead of two.
    private long minuteBucket() {
        return clock.instant().getEpochSecond() / 60;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}

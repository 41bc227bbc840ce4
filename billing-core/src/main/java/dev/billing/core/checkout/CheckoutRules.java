package dev.billing.core.checkout;

import dev.billing.core.entitlement.EntitlementPolicy;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Identity;
import dev.billing.core.model.Money;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.CatalogItem;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.core.subscription.ChangeSeats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decisions Checkout and the mobile PaymentSheet share, so that both sell on the same terms: the plan and item
 * from the catalog, seats, the promotion code's form, what blocks a second subscription, the trial on a first
 * subscription only, the tier's purchase discount and the metadata the webhooks read.
 */
final class CheckoutRules {
    static final int MAX_QUANTITY = 99;

    private final PaymentGateway gateway;
    private final SubscriptionStore subscriptions;
    private final EntitlementPolicy policy;
    private final PlanCatalog catalog;
    private final GatewayRetry retry;
    private final Clock clock;

    CheckoutRules(
            PaymentGateway gateway,
            SubscriptionStore subscriptions,
            EntitlementPolicy policy,
            PlanCatalog catalog,
            GatewayRetry retry,
            Clock clock) {
        this.gateway = gateway;
        this.subscriptions = subscriptions;
        this.policy = policy;
        this.catalog = catalog;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * A party's subscriptions as they bear on a new one: the one that blocks it (null when none), the
     * {@code incomplete} ones (a first payment never made: reused or ended, never doubled) and whether a trial is
     * due (the party never had a subscription that started: an abandoned incomplete one does not count).
     * {@code seen} names every subscription Stripe listed with its status (empty when the projection answered), so
     * that an idempotency key made with it changes whenever the party's subscriptions did.
     */
    record Standing(Subscription blocking, List<Subscription> incomplete, boolean trialDue, String seen) {}

    Plan plan(String tier, BillingInterval interval) {
        return catalog.plan(tier, interval)
                .orElseThrow(() -> new InvalidRequestException(
                        "unknown_plan",
                        "tier",
                        "There is no " + interval.stripeName() + "ly plan for tier '" + tier + "'."));
    }

    /** The quantity of a plan's subscription: its seats for a per-seat tier (default 1), else exactly 1. */
    static long seats(Plan plan, Long requested) {
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

    /** The code as given (null for none), refused before any Stripe call when it cannot be a code. */
    static String promotionCode(String promotionCode) {
        if (promotionCode != null && !promotionCode.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new InvalidRequestException(
                    "invalid_promotion_code",
                    "promotionCode",
                    "promotionCode must be 1-64 letters, digits, '-' or '_'.");
        }
        return promotionCode;
    }

    /**
     * The projection first (no Stripe call when it already shows a blocking subscription), then Stripe's list, which
     * cannot lag a just-completed payment by a webhook.
     */
    Standing standing(CustomerId customer) {
        List<Subscription> known = subscriptions.subscriptionsOf(customer);
        Optional<Subscription> blocking =
                known.stream().filter(s -> s.status().blocksNewSubscription()).findFirst();
        if (blocking.isPresent()) {
            return new Standing(blocking.get(), List.of(), false, "");
        }
        List<Subscription> atStripe = retry.call(() -> gateway.listSubscriptions(customer));
        blocking = atStripe.stream()
                .filter(s -> s.status().blocksNewSubscription())
                .findFirst();
        List<Subscription> incomplete = atStripe.stream()
                .filter(s -> s.status() == SubscriptionStatus.INCOMPLETE)
                .toList();
        boolean trialDue = known.stream().allMatch(CheckoutRules::neverStarted)
                && atStripe.stream().allMatch(CheckoutRules::neverStarted);
        String seen = atStripe.stream()
                .map(s -> s.id() + ":" + s.status().stripeName())
                .sorted()
                .collect(java.util.stream.Collectors.joining(","));
        return new Standing(blocking.orElse(null), incomplete, trialDue, seen);
    }

    private static boolean neverStarted(Subscription s) {
        return s.status() == SubscriptionStatus.INCOMPLETE || s.status() == SubscriptionStatus.INCOMPLETE_EXPIRED;
    }

    /** What a plan's subscription carries: the party, the plan and, for a per-seat tier, the seats. */
    static Map<String, String> subscriptionMetadata(Identity identity, Plan plan, long seats) {
        String user = identity.userId().value();
        return plan.tier().perSeat()
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
    }

    /** The plan's price first: the projection reads a subscription's plan from its first licensed item. */
    static List<LineItem> planLines(Plan plan, long seats) {
        List<LineItem> lines = new ArrayList<>();
        lines.add(new LineItem.OfPrice(plan.priceId(), seats));
        plan.meteredPriceIds().forEach(priceId -> lines.add(new LineItem.Metered(priceId)));
        return lines;
    }

    /**
     * A one-time catalog item at the party's price: the tier's purchase discount applied to the unit amount. The
     * Stripe price is read when it is discounted or when {@code needAmount} (a payment intent needs an amount).
     */
    record PricedItem(
            CatalogItem item, long quantity, Tier tier, int discountPercent, LineItem line, Money unitAmount) {}

    /** The catalog item for sale at this price, in a quantity it may be bought in: checked before any Stripe call. */
    CatalogItem item(String priceId, long quantity) {
        CatalogItem item = catalog.itemForPrice(priceId)
                .orElseThrow(() -> new InvalidRequestException(
                        "unknown_item", "priceId", "Price " + priceId + " is not a catalog item for sale."));
        if (quantity < 1 || quantity > MAX_QUANTITY) {
            throw new InvalidRequestException(
                    "invalid_quantity", "quantity", "quantity must be between 1 and " + MAX_QUANTITY + ".");
        }
        return item;
    }

    PricedItem priced(CatalogItem item, long quantity, CustomerId customer, boolean needAmount) {
        Tier tier = policy.grant(subscriptions.subscriptionsOf(customer), clock.instant())
                .tier();
        int discount = tier.purchaseDiscountPercent();
        if (discount <= 0 && !needAmount) {
            return new PricedItem(item, quantity, tier, 0, new LineItem.OfPrice(item.priceId(), quantity), null);
        }
        Price price = retry.call(() -> gateway.getPrice(item.priceId()))
                .orElseThrow(() -> new InvalidRequestException(
                        "unknown_item", "priceId", "Price " + item.priceId() + " does not exist at Stripe."));
        if (price.unitAmount() == null) {
            throw new InvalidRequestException(
                    "unknown_item", "priceId", "Price " + item.priceId() + " has no unit amount to discount.");
        }
        Money unit = new Money(discountedAmount(price.unitAmount(), discount), price.currency());
        LineItem line = discount > 0
                ? new LineItem.OfAmount(price.productId(), unit, quantity, price.id())
                : new LineItem.OfPrice(item.priceId(), quantity);
        return new PricedItem(item, quantity, tier, discount, line, unit);
    }

    /** What a purchase carries, so that its webhook records it under the buyer with what was paid for. */
    static Map<String, String> purchaseMetadata(Identity identity, PricedItem priced) {
        return Map.of(
                "user_id",
                identity.userId().value(),
                "price_id",
                priced.item().priceId(),
                "item",
                priced.item().key(),
                "quantity",
                Long.toString(priced.quantity()),
                "tier",
                priced.tier().name(),
                "discount_percent",
                Integer.toString(priced.discountPercent()));
    }

    /** {@code percent} off, rounded half up to the minor unit. */
    static long discountedAmount(long unitAmount, int percent) {
        return Math.round(unitAmount * (100 - percent) / 100.0);
    }

    /** Double clicks within a minute get the same Stripe object back instead of two. */
    long minuteBucket() {
        return clock.instant().getEpochSecond() / 60;
    }
}

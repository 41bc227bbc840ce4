package dev.billing.testkit.fake;

import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.PromotionCode;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake's subscriptions: created by checkout or directly, cancelled, resumed, moved to another price, and
 * reactivated when an overdue invoice is paid. Every subscription handed out carries a fresh refetch version. Not
 * thread-safe: {@link FakePaymentGateway} calls it under its lock.
 */
final class FakeSubscriptions {
    private final Clock clock;
    private final RefetchStamps stamps;
    private final AtomicLong ids;
    private final FakeCatalog catalog;
    private final FakeCustomers customers;
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    /** Subscription id -> the metered prices of its other items (Stripe's metered items). */
    private final Map<String, List<String>> metered = new HashMap<>();

    /**
     * @param stamps the gateway's, shared with the invoices so that every object read back is versioned in one
     *               sequence
     * @param ids    the gateway's, so that ids of every kind come from one sequence
     */
    FakeSubscriptions(Clock clock, RefetchStamps stamps, AtomicLong ids, FakeCatalog catalog, FakeCustomers customers) {
        this.clock = clock;
        this.stamps = stamps;
        this.ids = ids;
        this.catalog = catalog;
        this.customers = customers;
    }

    /** A new subscription of one unit, its period from now (to the trial's end when there is a trial). */
    Subscription create(
            CustomerId customer,
            String priceId,
            SubscriptionStatus status,
            int trialDays,
            Map<String, String> metadata) {
        return create(customer, priceId, 1, status, trialDays, metadata);
    }

    Subscription create(
            CustomerId customer,
            String priceId,
            long quantity,
            SubscriptionStatus status,
            int trialDays,
            Map<String, String> metadata) {
        customers.require(customer);
        Instant now = clock.instant();
        BillingInterval interval = catalog.interval(priceId);
        Instant trialEnd = trialDays > 0 ? now.plus(Duration.ofDays(trialDays)) : null;
        Instant periodEnd = trialEnd != null ? trialEnd : plus(now, interval);
        String id = "sub_fake_" + ids.incrementAndGet();
        Subscription subscription = new Subscription(
                id,
                customer,
                status,
                priceId,
                quantity,
                now,
                periodEnd,
                false,
                null,
                null,
                null,
                trialEnd == null ? null : now,
                trialEnd,
                now,
                metadata,
                SourceVersion.refetch(now));
        subscriptions.put(id, subscription);
        return stamp(subscription);
    }

    /** Only the status changes; a scheduled {@code cancel_at} is kept. */
    Subscription setStatus(String subscriptionId, SubscriptionStatus status) {
        Subscription s = subscriptions.get(subscriptionId);
        Subscription changed = new Subscription(
                s.id(),
                s.customerId(),
                status,
                s.priceId(),
                s.quantity(),
                s.currentPeriodStart(),
                s.currentPeriodEnd(),
                s.cancelAtPeriodEnd(),
                s.cancelAt(),
                s.canceledAt(),
                s.endedAt(),
                s.trialStart(),
                s.trialEnd(),
                s.created(),
                s.metadata(),
                s.version());
        subscriptions.put(subscriptionId, changed);
        return stamp(changed);
    }

    Optional<Subscription> get(String subscriptionId) {
        return Optional.ofNullable(subscriptions.get(subscriptionId)).map(this::stamp);
    }

    List<Subscription> list(CustomerId customerId) {
        return subscriptions.values().stream()
                .filter(s -> s.customerId().equals(customerId))
                .map(this::stamp)
                .toList();
    }

    Subscription cancel(String subscriptionId, boolean atPeriodEnd) {
        Subscription s = require(subscriptionId);
        if (!atPeriodEnd && s.status() == SubscriptionStatus.CANCELED) {
            return stamp(s);
        }
        Instant now = clock.instant();
        Subscription changed = atPeriodEnd
                ? copy(s, s.status(), s.priceId(), true, s.canceledAt() == null ? now : s.canceledAt(), null)
                : copy(s, SubscriptionStatus.CANCELED, s.priceId(), false, now, now);
        subscriptions.put(subscriptionId, changed);
        return stamp(changed);
    }

    /** A deleted customer's subscriptions end at once, as Stripe ends them. */
    void endAllOf(CustomerId customerId) {
        list(customerId).stream().filter(sub -> !sub.hasEnded()).forEach(sub -> cancel(sub.id(), false));
    }

    Subscription resume(String subscriptionId) {
        Subscription s = require(subscriptionId);
        if (s.hasEnded()) {
            throw new GatewayRejectedException("This subscription has ended.", 400, "subscription_canceled", null);
        }
        Subscription changed = copy(s, s.status(), s.priceId(), false, null, null);
        subscriptions.put(subscriptionId, changed);
        return stamp(changed);
    }

    Subscription changePrice(String subscriptionId, String newPriceId) {
        Subscription s = require(subscriptionId);
        if (!catalog.hasPrice(newPriceId)) {
            throw FakeErrors.missing("price", newPriceId);
        }
        Subscription changed = copy(s, s.status(), newPriceId, s.cancelAtPeriodEnd(), s.canceledAt(), s.endedAt());
        subscriptions.put(subscriptionId, changed);
        return stamp(changed);
    }

    /** The plan's price on the licensed item, and exactly {@code meteredPriceIds} on the metered ones. */
    Subscription changePlan(String subscriptionId, String newPriceId, List<String> meteredPriceIds) {
        require(subscriptionId);
        for (String priceId : meteredPriceIds) {
            if (!catalog.hasPrice(priceId)) {
                throw FakeErrors.missing("price", priceId);
            }
        }
        Subscription changed = changePrice(subscriptionId, newPriceId);
        setMetered(subscriptionId, meteredPriceIds);
        return changed;
    }

    void setMetered(String subscriptionId, List<String> meteredPriceIds) {
        metered.put(subscriptionId, List.copyOf(meteredPriceIds));
    }

    List<String> meteredPriceIds(String subscriptionId) {
        return metered.getOrDefault(subscriptionId, List.of());
    }

    Subscription changeQuantity(String subscriptionId, long quantity) {
        Subscription s = require(subscriptionId);
        if (quantity < 0) {
            throw FakeErrors.rejected("quantity", "Invalid quantity: must be at least 0");
        }
        Subscription changed = new Subscription(
                s.id(),
                s.customerId(),
                s.status(),
                s.priceId(),
                quantity,
                s.currentPeriodStart(),
                s.currentPeriodEnd(),
                s.cancelAtPeriodEnd(),
                s.cancelAt(),
                s.canceledAt(),
                s.endedAt(),
                s.trialStart(),
                s.trialEnd(),
                s.created(),
                s.metadata(),
                s.version());
        subscriptions.put(subscriptionId, changed);
        return stamp(changed);
    }

    /** The coupon's terms become the discount of the pricing (read from the price when the fake had none). */
    Subscription applyDiscount(String subscriptionId, PromotionCode code) {
        Subscription s = require(subscriptionId);
        if (s.hasEnded()) {
            throw new GatewayRejectedException("This subscription has ended.", 400, "subscription_canceled", null);
        }
        SubscriptionPricing pricing = s.pricing() != null
                ? s.pricing()
                : SubscriptionPricing.of("usd", catalog.unitAmount(s.priceId()), catalog.interval(s.priceId()), 1);
        pricing = code.percentOff() != null
                ? pricing.withPercentOff(code.percentOff())
                : pricing.withAmountOff(code.amountOff(), code.currency());
        Subscription changed = s.withPricing(pricing);
        subscriptions.put(subscriptionId, changed);
        return stamp(changed);
    }

    /** A paid invoice brings its past-due or unpaid subscription back to active; other states stay. */
    void reactivateOnPayment(String subscriptionId) {
        if (subscriptionId != null && subscriptions.containsKey(subscriptionId)) {
            Subscription s = subscriptions.get(subscriptionId);
            if (s.status() == SubscriptionStatus.PAST_DUE || s.status() == SubscriptionStatus.UNPAID) {
                subscriptions.put(
                        s.id(),
                        copy(
                                s,
                                SubscriptionStatus.ACTIVE,
                                s.priceId(),
                                s.cancelAtPeriodEnd(),
                                s.canceledAt(),
                                s.endedAt()));
            }
        }
    }

    private Subscription require(String id) {
        return Optional.ofNullable(subscriptions.get(id)).orElseThrow(() -> FakeErrors.missing("subscription", id));
    }

    private Subscription stamp(Subscription s) {
        return s.withVersion(stamps.next());
    }

    private static Instant plus(Instant instant, BillingInterval interval) {
        var time = instant.atOffset(ZoneOffset.UTC);
        switch (interval) {
            case DAY:
                return time.plusDays(1).toInstant();
            case WEEK:
                return time.plusWeeks(1).toInstant();
            case YEAR:
                return time.plusYears(1).toInstant();
            default:
                return time.plusMonths(1).toInstant();
        }
    }

    /** Any change but {@link #setStatus} clears a scheduled {@code cancel_at}. */
    private static Subscription copy(
            Subscription s,
            SubscriptionStatus status,
            String priceId,
            boolean cancelAtEnd,
            Instant canceledAt,
            Instant endedAt) {
        return new Subscription(
                s.id(),
                s.customerId(),
                status,
                priceId,
                s.quantity(),
                s.currentPeriodStart(),
                s.currentPeriodEnd(),
                cancelAtEnd,
                null,
                canceledAt,
                endedAt,
                s.trialStart(),
                s.trialEnd(),
                s.created(),
                s.metadata(),
                s.version());
    }
}

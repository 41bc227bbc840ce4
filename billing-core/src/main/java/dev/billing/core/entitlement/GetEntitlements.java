package dev.billing.core.entitlement;

import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.CatalogItem;
import dev.billing.core.model.catalog.Quota;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.model.subscription.Seats;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.core.port.UsageLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A user's entitlements, from the local projection only: it never calls Stripe. Results are cached per user for
 * a short TTL (never past a grace end or period end) and dropped as soon as this process sees a webhook effect,
 * reconcile or usage for the user. Another process's changes arrive through {@code Billing}'s shared caches (within
 * about a second while started), and at the latest when the TTL runs out.
 *
 * <p>Usage: {@code if (getEntitlements.of(user).hasFeature("export")) { ... }}
 */
public final class GetEntitlements implements ProjectionListener {
    private static final int MAX_CACHED_USERS = 100_000;

    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final UsageLedger usage;
    private final EntitlementPolicy policy;
    private final Function<UserId, OptionalLong> members;
    private final Clock clock;
    private final Duration ttl;
    private final Map<UserId, Cached> cache = new ConcurrentHashMap<>();
    private final Map<CustomerId, UserId> usersByCustomer = new ConcurrentHashMap<>();
    /**
     * Counts the drops: an answer computed from reads that a change overtook (the change dropped nothing, as nothing
     * was cached yet) is taken back out, so it never outlives the change in the cache.
     */
    private final AtomicLong drops = new AtomicLong();
    /** Users whose cached entitlements were (or are being) computed while they had no customer. */
    private final Set<UserId> cachedWithoutCustomer = ConcurrentHashMap.newKeySet();

    public GetEntitlements(
            CustomerStore customers,
            SubscriptionStore subscriptions,
            UsageLedger usage,
            EntitlementPolicy policy,
            Function<UserId, OptionalLong> members,
            Clock clock,
            Duration ttl) {
        this.members = members;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.usage = usage;
        this.policy = policy;
        this.clock = clock;
        this.ttl = ttl;
    }

    public Entitlements of(UserId user) {
        Instant now = clock.instant();
        Cached cached = cache.get(user);
        if (cached != null && now.isBefore(cached.expiresAt)) {
            return cached.value;
        }
        cachedWithoutCustomer.add(user); // before reading: a concurrent projectionChanged must look this user up
        long dropsBefore = drops.get();
        // The account's link, then those of its customers deleted at Stripe: what it bought stays bought.
        List<CustomerLink> buyers = customers.linksOf(user);
        Optional<CustomerLink> link =
                buyers.stream().filter(l -> l.userId().equals(user)).findFirst();
        List<Subscription> subs =
                link.map(l -> subscriptions.subscriptionsOf(l.customerId())).orElse(List.of());
        EntitlementPolicy.Grant grant = policy.grant(subs, now);
        List<Quota> quotas = quotas(user, grant, now);
        Set<String> owned = new LinkedHashSet<>();
        for (CustomerLink buyer : buyers) {
            for (Purchase purchase : subscriptions.purchasesOf(buyer.customerId())) {
                owned.add(policy.catalog()
                        .itemForPrice(purchase.priceId())
                        .map(CatalogItem::key)
                        .orElse(purchase.priceId()));
            }
        }
        Subscription shown = grant.granting() != null ? grant.granting() : grant.latest();
        Seats seats = grant.tier().perSeat() && grant.granting() != null
                ? new Seats(
                        grant.granting().quantity(),
                        members.apply(user).stream().boxed().findFirst().orElse(null))
                : null;
        Entitlements value = new Entitlements(
                user,
                grant.tier().name(),
                shown == null ? null : shown.status(),
                shown == null ? null : shown.id(),
                shown == null ? null : shown.priceId(),
                shown != null && shown.isTrialing() ? shown.trialEnd() : null,
                shown == null ? null : shown.currentPeriodEnd(),
                shown != null && shown.cancelAtPeriodEnd(),
                grant.graceEndsAt(),
                grant.tier().features(),
                quotas,
                owned,
                now,
                seats);
        Instant expiresAt = now.plus(ttl);
        if (grant.graceEndsAt() != null && grant.graceEndsAt().isBefore(expiresAt)) {
            expiresAt = grant.graceEndsAt();
        }
        if (grant.period().end().isBefore(expiresAt)) {
            expiresAt = grant.period().end();
        }
        for (Quota quota : quotas) { // a daily quota starts again before the billing period ends
            if (quota.resetsAt().isBefore(expiresAt)) {
                expiresAt = quota.resetsAt();
            }
        }
        if (cache.size() >= MAX_CACHED_USERS) {
            cache.clear();
            usersByCustomer.clear();
            cachedWithoutCustomer.clear();
            cachedWithoutCustomer.add(user);
        }
        buyers.forEach(l -> usersByCustomer.put(l.customerId(), user));
        Cached fresh = new Cached(value, expiresAt);
        cache.put(user, fresh);
        if (drops.get() != dropsBefore) {
            cache.remove(user, fresh); // a drop since the reads began may have been about them
        }
        if (link.isPresent()) {
            cachedWithoutCustomer.remove(user);
        }
        return value;
    }

    /** Each quota of the tier in its meter's own period (one usage read per distinct period start). */
    private List<Quota> quotas(UserId user, EntitlementPolicy.Grant grant, Instant now) {
        Map<Instant, Map<String, Long>> usedByStart = new HashMap<>();
        List<Quota> quotas = new ArrayList<>();
        grant.tier().quotas().forEach((meter, limit) -> {
            UsagePeriod period = policy.catalog()
                    .meter(meter)
                    .map(m -> m.periodAt(now, grant.period()))
                    .orElse(grant.period());
            long spent = usedByStart
                    .computeIfAbsent(period.start(), start -> usage.usage(user, start))
                    .getOrDefault(meter, 0L);
            long remaining = limit == Tier.UNLIMITED ? Tier.UNLIMITED : Math.max(0, limit - spent);
            quotas.add(new Quota(meter, spent, limit, remaining, period.start(), period.end()));
        });
        return quotas;
    }

    /**
     * The user's use of a meter their own plan does not list, in that meter's current period (a member counted
     * under their organization's larger quota).
     */
    Quota unlistedQuota(UserId user, String meter) {
        Instant now = clock.instant();
        List<Subscription> subs = customers
                .findByUserId(user)
                .map(l -> subscriptions.subscriptionsOf(l.customerId()))
                .orElse(List.of());
        EntitlementPolicy.Grant grant = policy.grant(subs, now);
        UsagePeriod period = policy.catalog()
                .meter(meter)
                .map(m -> m.periodAt(now, grant.period()))
                .orElse(grant.period());
        long used = usage.usage(user, period.start()).getOrDefault(meter, 0L);
        return new Quota(meter, used, 0, 0, period.start(), period.end());
    }

    /** Drops the user's cached entitlements. */
    public void invalidate(UserId user) {
        drops.incrementAndGet();
        cache.remove(user);
    }

    /**
     * Drops the cached entitlements of the customer's user. A user keeps one customer for good (I3), so a cached
     * user with a customer is found in {@code usersByCustomer}; only users cached before they had one need the
     * store, and when there are none (the common case on a webhook-heavy instance) the store is not asked.
     */
    @Override
    public void projectionChanged(CustomerId customerId) {
        drops.incrementAndGet();
        UserId user = usersByCustomer.get(customerId);
        if (user != null) {
            cache.remove(user);
            return;
        }
        if (cachedWithoutCustomer.isEmpty()) {
            return;
        }
        // A user cached before their customer existed has no mapping yet: ask the store who it is.
        try {
            customers.findByCustomerId(customerId).map(CustomerLink::ofAccount).ifPresent(link -> {
                usersByCustomer.put(customerId, link.userId());
                cache.remove(link.userId());
                cachedWithoutCustomer.remove(link.userId());
            });
        } catch (StoreException e) {
            cache.clear();
        }
    }

    private record Cached(Entitlements value, Instant expiresAt) {}
}

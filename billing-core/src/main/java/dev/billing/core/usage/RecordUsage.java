package dev.billing.core.usage;

import dev.billing.core.entitlement.EntitlementPolicy;
import dev.billing.core.entitlement.GetEntitlements;
import dev.billing.core.entitlement.GetMemberEntitlements;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.core.port.UsageLedger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Records usage of a meter against the caller's quota for the current period: one atomic conditional increment
 * with an idempotency key (concurrent requests never overshoot; a retried key counts once and gets the first
 * answer; a key reused for another body is refused). A rejected increment does not use up its key, so the same
 * request can succeed after an upgrade. Accepted usage of a metered meter is enqueued for Stripe in the same step.
 *
 * <p>Usage: {@code UsageOutcome o = recordUsage.record(user, "api_calls", 1, requestKey);}
 */
public final class RecordUsage {
    /** The largest amount one request may record. */
    public static final long MAX_AMOUNT = 1_000_000_000L;

    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final UsageLedger ledger;
    private final EntitlementPolicy policy;
    private final GetEntitlements entitlements;
    private final Clock clock;

    public RecordUsage(
            CustomerStore customers,
            SubscriptionStore subscriptions,
            UsageLedger ledger,
            EntitlementPolicy policy,
            GetEntitlements entitlements,
            Clock clock) {
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.ledger = ledger;
        this.policy = policy;
        this.entitlements = entitlements;
        this.clock = clock;
    }

    public UsageOutcome record(UserId user, String meter, long amount, String idempotencyKey) {
        return record(user, null, meter, amount, idempotencyKey);
    }

    /**
     * Records a member's usage (the rules of {@link GetMemberEntitlements}): a meter marked shared whose quota the
     * active organization's plan grants draws on the organization's pool; any other meter is counted for the user,
     * up to the larger of the two plans' quotas.
     *
     * @param orgId the caller's active organization, or null
     */
    public UsageOutcome record(UserId user, String orgId, String meter, long amount, String idempotencyKey) {
        PlanCatalog catalog = policy.catalog();
        if (meter == null || !catalog.knowsMeter(meter)) {
            throw new InvalidRequestException("unknown_meter", "meter", "Unknown meter '" + meter + "'.");
        }
        if (amount < 1 || amount > MAX_AMOUNT) {
            throw new InvalidRequestException(
                    "invalid_amount", "amount", "amount must be a whole number between 1 and " + MAX_AMOUNT + ".");
        }
        if (idempotencyKey == null || !idempotencyKey.matches("[\\x21-\\x7e]{1,255}")) {
            throw new InvalidRequestException(
                    "invalid_idempotency_key",
                    "Idempotency-Key",
                    "An Idempotency-Key of 1-255 printable ASCII characters is required.");
        }
        Instant now = clock.instant();
        if (orgId == null) {
            return recordFor(user, meter, amount, idempotencyKey, 0, now);
        }
        UserId org = UserId.of(orgId);
        long orgLimit = account(org, now).grant().tier().quota(meter);
        long ownLimit = account(user, now).grant().tier().quota(meter);
        if (GetMemberEntitlements.drawsOnPool(catalog.meter(meter).orElseThrow(), ownLimit, orgLimit)) {
            // The pool is the organization's: members' keys must not collide there, and the key stays printable.
            String poolKey = "member-" + IdempotencyKeys.hash(user.value() + '\u001f' + idempotencyKey);
            return recordFor(org, meter, amount, poolKey, 0, now);
        }
        return recordFor(user, meter, amount, idempotencyKey, orgLimit, now);
    }

    private record Account(Optional<CustomerLink> link, EntitlementPolicy.Grant grant) {}

    private Account account(UserId account, Instant now) {
        Optional<CustomerLink> link = customers.findByUserId(account);
        List<Subscription> subs =
                link.map(l -> subscriptions.subscriptionsOf(l.customerId())).orElse(List.of());
        return new Account(link, policy.grant(subs, now));
    }

    /** Counts against {@code account}'s own period, up to the larger of its plan's quota and {@code atLeast}. */
    private UsageOutcome recordFor(
            UserId account, String meter, long amount, String idempotencyKey, long atLeast, Instant now) {
        Account a = account(account, now);
        EntitlementPolicy.Grant grant = a.grant();
        long limit = GetMemberEntitlements.larger(grant.tier().quota(meter), atLeast);
        MeterEvent report = null;
        Optional<MeterDefinition> definition = policy.catalog().meter(meter);
        UsagePeriod period =
                definition.map(d -> d.periodAt(now, grant.period())).orElse(grant.period());
        if (definition.isPresent()
                && definition.get().reportsToStripe()
                && a.link().isPresent()
                && grant.granting() != null) {
            // One identifier per counted increment, not per key: a key past its retention counts again, and its
            // report must reach Stripe as a new one (an identifier already stored would be skipped).
            report = new MeterEvent(
                    definition.get().stripeEventName(),
                    a.link().get().customerId(),
                    amount,
                    "usage-" + IdempotencyKeys.hash(account.value() + '\u001f' + idempotencyKey + '\u001f' + now),
                    now);
        }
        UsageResult result = ledger.increment(new UsageIncrement(
                account, meter, period, amount, limit, idempotencyKey, meter + ":" + amount, now, report));
        if (result instanceof UsageResult.Accepted) {
            entitlements.invalidate(account);
        }
        return new UsageOutcome(meter, period, result);
    }
}

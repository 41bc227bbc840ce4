package dev.billing.core.subscription;

import dev.billing.core.annotation.Internal;
import dev.billing.core.entitlement.EntitlementPolicy;
import dev.billing.core.error.ConflictException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.core.port.SubscriptionStore;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Sets how many seats an account's per-seat plan has: the quantity of the subscription that grants its tier, changed
 * at Stripe with the given proration and projected at once. The count stays between 1 and {@link #MAX_SEATS}, and,
 * where the organization's members are known, never below their number.
 *
 * <p>Usage: {@code Subscription s = changeSeats.change(UserId.of("org_2abc"), 8, CREATE_PRORATIONS);}
 */
public final class ChangeSeats {
    public static final long MAX_SEATS = 10_000;

    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final PaymentGateway gateway;
    private final EntitlementPolicy policy;
    private final Function<UserId, OptionalLong> members;
    private final boolean autoSeats;
    private final SubscriptionChanges changes;
    private final GatewayRetry retry;
    private final Clock clock;

    @Internal
    public ChangeSeats(
            CustomerStore customers,
            SubscriptionStore subscriptions,
            PaymentGateway gateway,
            EntitlementPolicy policy,
            Function<UserId, OptionalLong> members,
            boolean autoSeats,
            SubscriptionChanges changes,
            GatewayRetry retry,
            Clock clock) {
        this.autoSeats = autoSeats;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.gateway = gateway;
        this.policy = policy;
        this.members = members;
        this.changes = changes;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * @throws InvalidRequestException {@code invalid_seats} out of range, {@code not_per_seat} for a plan not sold
     *                                 by the seat
     * @throws ConflictException       {@code no_subscription} without a plan in force, {@code seats_below_members}
     *                                 below the known member count, {@code seats_follow_members} for an
     *                                 organization whose seats follow its members (auto-seats)
     */
    public Subscription change(UserId account, long seats, ProrationBehavior proration) {
        if (seats < 1 || seats > MAX_SEATS) {
            throw new InvalidRequestException(
                    "invalid_seats", "seats", "seats must be between 1 and " + MAX_SEATS + ".");
        }
        List<Subscription> owned = customers
                .findByUserId(account)
                .map(link -> subscriptions.subscriptionsOf(link.customerId()))
                .orElse(List.of());
        EntitlementPolicy.Grant grant = policy.grant(owned, clock.instant());
        Subscription granting = grant.granting();
        if (granting == null) {
            throw new ConflictException(
                    "no_subscription",
                    "There is no plan in force to set seats on; start " + "Checkout for a per-seat plan first.");
        }
        if (!grant.tier().perSeat()) {
            throw new InvalidRequestException(
                    "not_per_seat", "seats", "The plan '" + grant.tier().name() + "' is not sold by the seat.");
        }
        if (autoSeats && account.isOrganization()) {
            throw new ConflictException(
                    "seats_follow_members",
                    "Seats follow the organization's members here: add " + "or remove members instead.");
        }
        OptionalLong known = members.apply(account);
        if (known.isPresent() && seats < known.getAsLong()) {
            throw new ConflictException(
                    "seats_below_members",
                    "The organization has " + known.getAsLong()
                            + " members; remove members before going below that many seats.");
        }
        // Skipped only when Stripe has that many seats too (the projection can lag behind it).
        Subscription current = granting.quantity() == seats ? changes.atStripe(granting) : granting;
        if (current.quantity() == seats) {
            return current;
        }
        // Setting a quantity is idempotent by itself; the key only keeps retries of this one call together.
        String key = IdempotencyKeys.of(
                "seats", current.id(), seats, current.version().key(), current.quantity());
        return changes.stored(
                retry.call(() -> gateway.changeSubscriptionQuantity(current.id(), seats, proration, key)));
    }
}

package dev.billing.core.customer;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.ConflictException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Identity;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.UserId;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.CustomerStore.LinkResult;
import dev.billing.core.port.PaymentGateway;
import java.time.Clock;
import java.util.Optional;

/**
 * Create-or-get the caller's Stripe customer, exactly one per user whatever the concurrency, retries, timeouts or
 * restarts (DESIGN §4.1, I3):
 * <ol>
 *   <li>store lookup;</li>
 *   <li>create at Stripe with an idempotency key derived from the user id (concurrent first requests and retries
 *       after a timeout or a crash all get the same customer back);</li>
 *   <li>insert-if-absent, unique on user and on customer, and return whatever link stands.</li>
 * </ol>
 * A key Stripe rejects for changed parameters is rotated only after confirming no customer exists for the user. A
 * customer deleted at Stripe is the user's no longer ({@link dev.billing.core.projection.RetireDeletedCustomer}): the
 * next call creates another.
 *
 * <p>Usage: {@code EnsuredCustomer c = ensureCustomer.ensure(identity);}
 */
public final class EnsureCustomer {
    private static final System.Logger LOG = System.getLogger(EnsureCustomer.class.getName());
    private static final int MAX_KEY_GENERATIONS = 3;
    /** How many earlier customers of one account (erased, or deleted at Stripe) a new customer may step past. */
    private static final int MAX_PAST_CUSTOMERS = 10;

    private final PaymentGateway gateway;
    private final CustomerStore customers;
    private final GatewayRetry retry;
    private final Clock clock;

    @Internal
    public EnsureCustomer(PaymentGateway gateway, CustomerStore customers, GatewayRetry retry, Clock clock) {
        this.gateway = gateway;
        this.customers = customers;
        this.retry = retry;
        this.clock = clock;
    }

    public EnsuredCustomer ensure(Identity identity) {
        UserId user = identity.userId();
        Optional<CustomerLink> existing = customers.findByUserId(user);
        if (existing.isPresent()) {
            return new EnsuredCustomer(existing.get().customerId(), false);
        }
        CustomerId created = createAtGateway(user, identity.email());
        LinkResult result = customers.link(
                new CustomerLink(user, created, identity.email(), clock.instant()), AuditContext.current());
        // The user's earlier customer belongs to an erased account now, or was deleted at Stripe (its creation key
        // replays it): a user who comes back after either gets a customer of their own, keyed by the link it follows.
        for (int n = 0;
                n < MAX_PAST_CUSTOMERS
                        && result instanceof LinkResult.CustomerAlreadyLinked taken
                        && pastCustomerOf(user, taken.link());
                n++) {
            UserId holder = taken.link().userId();
            NewCustomer request = new NewCustomer(
                    user,
                    identity.email(),
                    IdempotencyKeys.of(
                            holder.isPseudonym() ? "customer-after-erasure" : "customer-after-deletion",
                            user.value(),
                            holder.value()));
            created = retry.call(() -> gateway.createCustomer(request));
            result = customers.link(
                    new CustomerLink(user, created, identity.email(), clock.instant()), AuditContext.current());
        }
        if (result instanceof LinkResult.Linked) {
            return new EnsuredCustomer(created, true);
        }
        if (result instanceof LinkResult.UserAlreadyLinked already) {
            // The user had no customer when this call began: whoever linked this same customer meanwhile (a
            // concurrent twin, or the customer.created webhook), this call still saw it come into being.
            if (already.link().customerId().equals(created)) {
                return new EnsuredCustomer(created, true);
            }
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Stripe customer {0} for user {1} is unused: the user is " + "linked to {2}",
                    created,
                    user,
                    already.link().customerId());
            return new EnsuredCustomer(already.link().customerId(), false);
        }
        throw new ConflictException(
                "customer_conflict",
                "The Stripe customer created for this user is linked to "
                        + "another user; an operator must reconcile the customer links.");
    }

    /** Whether {@code taken} holds a customer the user had before: erased since, or deleted at Stripe. */
    private static boolean pastCustomerOf(UserId user, CustomerLink taken) {
        return taken.userId().isPseudonym()
                || taken.userId().isRetiredLink() && taken.userId().account().equals(user);
    }

    /** The caller's customer if one is linked; never creates one. */
    public Optional<CustomerId> find(UserId user) {
        return customers.findByUserId(user).map(CustomerLink::customerId);
    }

    private CustomerId createAtGateway(UserId user, String email) {
        GatewayRejectedException lastConflict = null;
        for (int generation = 0; generation < MAX_KEY_GENERATIONS; generation++) {
            NewCustomer request = new NewCustomer(user, email, IdempotencyKeys.customerCreation(user, generation));
            try {
                return retry.call(() -> gateway.createCustomer(request));
            } catch (GatewayRejectedException e) {
                if (!e.isIdempotencyConflict()) {
                    throw e;
                }
                lastConflict = e;
                Optional<CustomerId> confirmed = retry.call(() -> gateway.findCustomerByUserId(user));
                if (confirmed.isPresent()) {
                    return confirmed.get();
                }
                LOG.log(
                        System.Logger.Level.INFO,
                        "Rotating the customer-creation key for user {0}: Stripe rejected "
                                + "it for changed parameters and holds no customer for the user",
                        user);
            }
        }
        throw lastConflict;
    }
}

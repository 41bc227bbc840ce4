package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.ProjectionListener;
import java.util.Optional;

/**
 * A Stripe customer deleted at Stripe (its Dashboard, its API) can never be charged again, so its account must not
 * stay linked to it: the link is retired ({@link CustomerStore#retire}) to the account's next
 * {@link UserId#retiredLink} holder, and the account's next checkout creates a new customer
 * ({@link dev.billing.core.customer.EnsureCustomer}). An erased account's link, and a link retired before, are left as they are; so is a link
 * to another customer (a late {@code customer.deleted} of a customer the account had before).
 *
 * <p>Usage: {@code retire.deleted(customerId, cause);}
 */
@Internal
public final class RetireDeletedCustomer {
    private static final System.Logger LOG = System.getLogger(RetireDeletedCustomer.class.getName());

    private final CustomerStore customers;
    private final ProjectionListener listener;

    public RetireDeletedCustomer(CustomerStore customers, ProjectionListener listener) {
        this.customers = customers;
        this.listener = listener;
    }

    /** @return true when this call retired the customer's link */
    public boolean deleted(CustomerId customer, AuditCause cause) {
        Optional<CustomerLink> found = customers.findByCustomerId(customer);
        if (found.isEmpty()) {
            return false;
        }
        CustomerLink link = found.get();
        UserId account = link.userId();
        if (account.isPseudonym() || account.isRetiredLink()) {
            return false;
        }
        if (!account.retirable()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Stripe customer {0} was deleted at Stripe, but its account''s id is too long to keep a retired"
                            + " link under: it stays linked",
                    customer);
            return false;
        }
        // The next number after the account's retired links (numbered without gaps, CustomerStore#retiredOf).
        UserId holder = account.retiredLink(customers.retiredOf(account).size() + 1);
        boolean moved;
        try {
            // A concurrent retirement of the same link moves it first: this one then moves nothing.
            moved = customers.retire(link, holder, cause);
        } catch (UnsupportedOperationException e) {
            // A host's own store from before retire existed: the event is still processed, as it was then.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Stripe customer {0} was deleted at Stripe, but {1} cannot retire customer links: its account"
                            + " stays linked to it until the store implements CustomerStore.retire",
                    customer,
                    customers.getClass().getSimpleName());
            return false;
        }
        if (moved) {
            listener.projectionChanged(customer); // the account's entitlements came from this customer
            LOG.log(
                    System.Logger.Level.INFO,
                    "Stripe customer {0} was deleted at Stripe: its link is retired as {1}; the account gets a"
                            + " new customer at its next checkout",
                    customer,
                    holder);
        }
        return moved;
    }
}

package dev.billing.core.usecase;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.EventObject;
import dev.billing.core.model.InboxEntry;
import dev.billing.core.model.UserId;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.SubscriptionStore;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A later event about an erased account keeps only its id and type once applied: its payload carries the personal
 * data the erasure removed (ErasePersonalData). Whether an account is erased is its customer link's pseudonym, read
 * after the event's own write; a batch of events reads all its links in one go.
 */
final class ErasedAccountEvents {
    private static final System.Logger LOG = System.getLogger(ErasedAccountEvents.class.getName());

    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final EventInbox inbox;

    ErasedAccountEvents(CustomerStore customers, SubscriptionStore subscriptions, EventInbox inbox) {
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.inbox = inbox;
    }

    /**
     * The links of a batch's customers, read once for {@link #redactIfErased(InboxEntry, CustomerId, EventObject, Map)};
     * null when the read fails, and then each event reads its own (and records its own failure).
     */
    Map<CustomerId, CustomerLink> linksOrNull(Collection<CustomerId> customerIds) {
        try {
            return customers.findByCustomerIds(customerIds);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Reading a batch's customer links failed; reading them one by one", e);
            return null;
        }
    }

    /** The customer an event's object names, or null (a guest's payment, an invoice payment, a catalog object). */
    static CustomerId customerOf(EventObject object) {
        if (object instanceof EventObject.OfSubscription of) {
            return of.subscription().customerId();
        }
        if (object instanceof EventObject.OfInvoice of) {
            return of.invoice().customerId();
        }
        if (object instanceof EventObject.OfCheckoutSession of) {
            return of.session().customerId();
        }
        if (object instanceof EventObject.OfUpcomingInvoice of) {
            return of.customerId();
        }
        if (object instanceof EventObject.OfCharge of) {
            return of.customerId();
        }
        if (object instanceof EventObject.OfRefund of) {
            return RefundEvents.customerOf(of);
        }
        return object instanceof EventObject.OfCustomer of ? of.customerId() : null;
    }

    void redactIfErased(InboxEntry entry, CustomerId customer, EventObject object) {
        if (customer != null) {
            redact(entry, customer, object, customers.findByCustomerId(customer));
        }
    }

    /** The same with the customer's link read beforehand (absent from {@code links}: not linked; null: not read). */
    void redactIfErased(InboxEntry entry, CustomerId customer, EventObject object, Map<CustomerId, CustomerLink> links) {
        if (links == null) {
            redactIfErased(entry, customer, object);
        } else if (customer != null) {
            redact(entry, customer, object, Optional.ofNullable(links.get(customer)));
        }
    }

    private void redact(InboxEntry entry, CustomerId customer, EventObject object, Optional<CustomerLink> link) {
        if (link.isEmpty() || !link.get().userId().isPseudonym()) {
            return;
        }
        inbox.redactEvent(entry.eventId());
        // Stripe's subscription still names the account: the snapshot just stored brought the id back.
        String named = object instanceof EventObject.OfSubscription of
                ? of.subscription().metadata().get("user_id") : null;
        if (named != null && !named.equals(link.get().userId().value())) {
            try {
                subscriptions.pseudonymise(customer, UserId.of(named), link.get().userId());
            } catch (IllegalArgumentException notAUserId) {
                LOG.log(System.Logger.Level.DEBUG, "subscription metadata user_id is not a user id");
            }
        }
    }
}

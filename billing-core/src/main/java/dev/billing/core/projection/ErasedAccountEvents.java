package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.SubscriptionStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps an erased account erased when events about its customer arrive after the erasure (ErasePersonalData): Stripe
 * still names the user in the subscription's metadata and the customer's email in its objects.
 * <ul>
 *   <li>Before a subscription is written from an event (or a re-fetch, or a reconcile), the customer's link is read,
 *       and an erased account's subscription is written with the pseudonym in its metadata ({@link #scrubbed}): the
 *       user id is never written in the first place.</li>
 *   <li>After the event is applied, its payload is redacted, and a subscription it wrote naming the user is moved to
 *       the pseudonym (an erasure that finished between that read and the write); whether an account is erased is
 *       its customer link's pseudonym, read after the write. A batch of events reads all its links in one go.</li>
 * </ul>
 */
@Internal
public final class ErasedAccountEvents {
    private static final System.Logger LOG = System.getLogger(ErasedAccountEvents.class.getName());
    private static final String USER_ID = "user_id";

    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final EventInbox inbox;

    public ErasedAccountEvents(CustomerStore customers, SubscriptionStore subscriptions, EventInbox inbox) {
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.inbox = inbox;
    }

    /**
     * The links of a batch's customers, read once for {@link #redactIfErased(InboxEntry, CustomerId, EventObject, Map)};
     * null when the read fails, and then each event reads its own (and records its own failure).
     */
    public Map<CustomerId, CustomerLink> linksOrNull(Collection<CustomerId> customerIds) {
        try {
            return customers.findByCustomerIds(customerIds);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Reading a batch's customer links failed; reading them one by one", e);
            return null;
        }
    }

    /**
     * {@code subscription} as it may be written now: with the pseudonym in its metadata when its customer's account
     * is erased. One link read.
     */
    public Subscription scrubbed(Subscription subscription) {
        return scrubbed(
                subscription,
                customers.findByCustomerId(subscription.customerId()).orElse(null));
    }

    /** The same with the customer's link read beforehand (null: not linked). */
    public static Subscription scrubbed(Subscription subscription, CustomerLink link) {
        if (link == null || !link.userId().isPseudonym()) {
            return subscription;
        }
        String named = subscription.metadata().get(USER_ID);
        if (named == null || named.equals(link.userId().value())) {
            return subscription;
        }
        Map<String, String> metadata = new HashMap<>(subscription.metadata());
        metadata.put(USER_ID, link.userId().value());
        return subscription.withMetadata(metadata);
    }

    /** Each of a batch's subscriptions {@link #scrubbed}, with the links read beforehand for the batch. */
    public static List<Subscription> scrubbed(List<Subscription> batch, Map<CustomerId, CustomerLink> links) {
        List<Subscription> rows = new ArrayList<>(batch.size());
        for (Subscription s : batch) {
            rows.add(scrubbed(s, links.get(s.customerId())));
        }
        return rows;
    }

    /** The customer an event's object names, or null (a guest's payment, an invoice payment, a catalog object). */
    public static CustomerId customerOf(EventObject object) {
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
        // A PaymentSheet's intents carry the buyer's metadata (user_id) as much as a Checkout session does.
        if (object instanceof EventObject.OfPaymentIntent of) {
            return of.customerId();
        }
        if (object instanceof EventObject.OfSetupIntent of) {
            return of.customerId();
        }
        return object instanceof EventObject.OfCustomer of ? of.customerId() : null;
    }

    /**
     * An event no route processes (recorded as ignored) about an erased customer is redacted too: its payload names
     * the account as much as any other (a Checkout session that expired carries its metadata and the buyer's email).
     * Found by the customer the event is about ({@link dev.billing.core.model.event.StripeEvent#subjectId}).
     */
    public void redactIfErasedSubject(InboxEntry entry) {
        String subject = entry.event().subjectId();
        if (subject != null && subject.startsWith("cus_")) {
            redactIfErased(entry, CustomerId.of(subject), null);
        }
    }

    public void redactIfErased(InboxEntry entry, CustomerId customer, EventObject object) {
        if (customer != null) {
            redact(entry, customer, object, customers.findByCustomerId(customer));
        }
    }

    /** The same with the customer's link read beforehand (absent from {@code links}: not linked; null: not read). */
    public void redactIfErased(
            InboxEntry entry, CustomerId customer, EventObject object, Map<CustomerId, CustomerLink> links) {
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
        // What the event wrote may name the account: a subscription's metadata, or the one a completed Checkout
        // session's subscription carries (the session's own metadata names the same user).
        String named = object instanceof EventObject.OfSubscription of
                ? of.subscription().metadata().get(USER_ID)
                : object instanceof EventObject.OfCheckoutSession of
                        ? of.session().metadata().get(USER_ID)
                        : null;
        if (named != null && !named.equals(link.get().userId().value())) {
            try {
                subscriptions.pseudonymise(
                        customer, UserId.of(named), link.get().userId());
            } catch (IllegalArgumentException notAUserId) {
                LOG.log(System.Logger.Level.DEBUG, "subscription metadata user_id is not a user id");
            }
        }
    }
}

package dev.billing.core.privacy;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.checkout.IncompleteSubscriptions;
import dev.billing.core.checkout.OpenCheckouts;
import dev.billing.core.entitlement.GetEntitlements;
import dev.billing.core.error.GatewayException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MembershipStore;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * "Forget me": removes one account's personal data from the local store and keeps the financial records under a
 * stable pseudonym ({@code erased_} and a hash of the account id, the same on every retry). Every stored webhook
 * event about the account, of both sources (Stripe's about its customer or its objects, Clerk's about its user:
 * {@link AccountRecords#subjects()}), keeps only its id and type; the subscriptions' metadata, the usage counters and
 * keys, the memberships, the notice log and the audit trail move to the pseudonym (a failed notice's error text
 * goes); guest purchases lose the email; the customer link keeps its customer under the pseudonym, without the
 * email, so a later webhook cannot link the customer to the account again ({@link dev.billing.core.projection.ErasedAccountEvents} keeps the
 * user id out of what such events write, and redacts them). Each link of a customer the account had before, deleted
 * at Stripe ({@link dev.billing.core.port.CustomerStore#retiredOf}), goes the same way under a pseudonym of its own.
 *
 * <p>Stripe comes first when asked to (cancel the subscriptions, or delete the customer): a failure there leaves the
 * local data for the retry. Locally each step is atomic and the link goes last, so an interrupted erasure is
 * finished by running it again; a second run finds nothing left and changes nothing.
 *
 * <p>Usage: {@code Erased e = erasePersonalData.erase(UserId.of("user_2abc"), new Options(true, false));}
 */
public final class ErasePersonalData {
    private static final System.Logger LOG = System.getLogger(ErasePersonalData.class.getName());

    /**
     * What happens at Stripe.
     *
     * @param cancelSubscriptions  end the account's subscriptions at once
     * @param deleteStripeCustomer delete the Stripe customer (which ends its subscriptions too)
     */
    public record Options(boolean cancelSubscriptions, boolean deleteStripeCustomer) {
        public static Options localOnly() {
            return new Options(false, false);
        }
    }

    /** What an erasure changed; all zero and false on a second run. */
    public record Erased(
            UserId pseudonym,
            boolean linkErased,
            int events,
            int subscriptions,
            int usageRows,
            int memberships,
            int guestPurchases,
            int canceledSubscriptions,
            boolean stripeCustomerDeleted) {
        public Erased {
            Objects.requireNonNull(pseudonym, "pseudonym");
        }

        /** False on a run that found nothing left to erase. */
        public boolean changedAnything() {
            return linkErased
                    || events > 0
                    || subscriptions > 0
                    || usageRows > 0
                    || memberships > 0
                    || guestPurchases > 0
                    || canceledSubscriptions > 0
                    || stripeCustomerDeleted;
        }
    }

    private final BillingStores stores;
    private final PaymentGateway gateway;
    private final ProjectionListener listener;
    private final GetEntitlements entitlements;
    private final GatewayRetry retry;

    @Internal
    public ErasePersonalData(
            BillingStores stores,
            PaymentGateway gateway,
            ProjectionListener listener,
            GetEntitlements entitlements,
            GatewayRetry retry) {
        this.stores = stores;
        this.gateway = gateway;
        this.listener = listener;
        this.entitlements = entitlements;
        this.retry = retry;
    }

    /** The pseudonym an account's records carry once it is erased. */
    public static UserId pseudonymOf(UserId user) {
        return user.pseudonym();
    }

    public Erased erase(UserId user, Options options) {
        return erase(user, options, null);
    }

    /**
     * The same, with an address known to be the account holder's ({@link dev.billing.core.model.Identity#verifiedEmail}
     * for the holder's own request, or one an admin gives): unclaimed guest purchases paid with it, and their events,
     * are erased too.
     */
    public Erased erase(UserId user, Options options, String email) {
        UserId base = pseudonymOf(user);
        Optional<CustomerLink> own = stores.customers().findByUserId(user);
        // A customer linked after an earlier erasure needs a pseudonym of its own: one holds one link.
        UserId pseudonym = own.isPresent() ? freePseudonym(user) : base;
        // A retry after an interruption finds the link already under the pseudonym.
        Optional<CustomerLink> link = own.or(() -> stores.customers().findByUserId(base));
        AccountRecords records = AccountRecords.read(
                stores, user, link.orElse(null), stores.customers().retiredOf(user), email);
        Set<String> subjects = records.subjects();
        int subscriptions = 0;
        int canceled = 0;
        boolean deleted = false;
        CustomerId customer = link.map(CustomerLink::customerId).orElse(null);
        if (customer != null) {
            if (options.deleteStripeCustomer()) {
                deleted = retry.call(() -> gateway.deleteCustomer(customer));
            } else if (options.cancelSubscriptions()) {
                canceled = cancel(records.subscriptions());
            }
            if (!deleted) {
                expireOpenCheckouts(customer);
            }
            subscriptions = stores.subscriptions().pseudonymise(customer, user, pseudonym);
        }
        // Every stored event about the account, of both sources (Stripe's about its customer and objects, Clerk's
        // about its user): the same ones an export shows.
        int events = stores.inbox().redact(subjects);
        int usage = stores.usage().pseudonymise(user, pseudonym);
        int memberships = stores.memberships() == MembershipStore.NONE
                ? 0
                : stores.memberships().pseudonymise(user, pseudonym);
        // Guest purchases the account claimed, and unclaimed ones paid with its email, keep no email.
        int guests = stores.guests().pseudonymise(user, null, pseudonym);
        for (String address : AccountRecords.emails(records.links(), email)) {
            guests += stores.guests().pseudonymise(user, address, pseudonym);
        }
        // The notice log keeps no address but in a failure's text, which goes; the user id moves to the pseudonym.
        stores.notices().pseudonymise(user, pseudonym);
        AuditCause cause = AuditContext.currentOr(AuditCause.admin(null));
        boolean linkErased = stores.customers().pseudonymise(user, pseudonym, cause);
        if (customer != null) {
            // An event processed while this ran may have written the user id after the steps above read: it wrote
            // before the link became the pseudonym, so this second pass finds it; one that writes later reads the
            // erased link first (ErasedAccountEvents) and never names the user.
            subscriptions += stores.subscriptions().pseudonymise(customer, user, pseudonym);
        }
        // The links of customers deleted at Stripe, read again now: the deletion's webhook may have retired the
        // linked customer while this ran (an erasure that deletes the customer sends one). No link can be retired
        // after the one above moved.
        for (CustomerLink retired : stores.customers().retiredOf(user)) {
            UserId held = freePseudonym(user);
            subscriptions += stores.subscriptions().pseudonymise(retired.customerId(), user, held);
            linkErased |= stores.customers().pseudonymise(retired.userId(), held, cause);
            // Twice, as for the linked customer above: a late event may have written the user id in between.
            subscriptions += stores.subscriptions().pseudonymise(retired.customerId(), user, held);
            listener.projectionChanged(retired.customerId());
        }
        events += stores.inbox().redact(subjects);
        // A notice sent meanwhile (canceling a subscription above sends an event that notifies) may have
        // been logged under the user id after the first pass; its sender reads the link after logging and moves its
        // own row once the link is the pseudonym, and this pass, after the link, finds one logged before.
        stores.notices().pseudonymise(user, pseudonym);
        entitlements.invalidate(user);
        if (customer != null) {
            listener.projectionChanged(customer);
        }
        Erased erased =
                new Erased(pseudonym, linkErased, events, subscriptions, usage, memberships, guests, canceled, deleted);
        // Named by the pseudonym only: the trail must not bring back the id it erased. Recorded even when nothing
        // was stored (the store keeps one per pseudonym): it is the mark a later event naming the account, Clerk's
        // about a member, is recognised by (SyncMemberships).
        stores.audit()
                .record(new AuditRecord(
                        AuditAction.ACCOUNT_ERASED,
                        pseudonym.value(),
                        pseudonym,
                        customer,
                        cause,
                        Map.of(
                                "events",
                                Integer.toString(events),
                                "subscriptions",
                                Integer.toString(subscriptions),
                                "canceled_subscriptions",
                                Integer.toString(canceled),
                                "stripe_customer_deleted",
                                Boolean.toString(deleted))));
        // The account id itself is what was erased: the log names the pseudonym only.
        LOG.log(System.Logger.Level.INFO, "Erased the personal data of account {0}: {1}", pseudonym.value(), erased);
        return erased;
    }

    /** The account's first pseudonym that holds no link yet. */
    private UserId freePseudonym(UserId user) {
        UserId pseudonym = user.pseudonym();
        for (int n = 2; stores.customers().findByUserId(pseudonym).isPresent(); n++) {
            pseudonym = user.pseudonym(n);
        }
        return pseudonym;
    }

    /**
     * The account's open Checkout sessions are expired, and its incomplete subscriptions (a PaymentSheet not paid
     * yet) ended, so none is paid after it is gone (the payment would land on the pseudonym and buy the person
     * nothing). Best effort: Stripe down does not hold the erasure up (a WARN line says so), and a session paid anyway
     * is still applied under the pseudonym.
     */
    private void expireOpenCheckouts(CustomerId customer) {
        try {
            new OpenCheckouts(gateway).expireEvery(customer);
            new IncompleteSubscriptions(gateway, retry).endEvery(customer);
        } catch (GatewayException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "The open Checkout sessions of erased customer {0} could not be " + "expired now: {1}",
                    customer,
                    e.getMessage());
        }
    }

    private int cancel(List<Subscription> owned) {
        int canceled = 0;
        for (Subscription s : owned) {
            if (s.hasEnded()) {
                continue;
            }
            String key = IdempotencyKeys.of("erase-cancel", s.id(), s.version().key());
            Subscription ended = retry.call(() -> gateway.cancelSubscription(s.id(), false, key));
            stores.subscriptions().upsertSubscription(ended, AuditContext.current());
            canceled++;
        }
        return canceled;
    }
}

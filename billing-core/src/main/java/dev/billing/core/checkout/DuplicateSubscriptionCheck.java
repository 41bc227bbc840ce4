package dev.billing.core.checkout;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.config.DuplicateSubscriptions;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.core.port.WorkObserver;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safety net behind the one-subscription rule: a party (a user or an organization, one Stripe customer each) that
 * ends up holding more than one live subscription (a status that blocks a new one), because two Checkout sessions
 * were paid before either could be expired ({@link OpenCheckouts}). Run after every subscription event and every
 * completed subscription Checkout, where every new subscription passes, whichever flow created it.
 *
 * <p>The projection is the cheap trigger (one indexed read per event); Stripe's own list confirms before anything is
 * done, since the projection can lag a cancel. The oldest live subscription is kept; each newer one is recorded once
 * ({@link AuditAction#SUBSCRIPTION_DUPLICATE}, under one cause per subscription, so every event that finds it, and
 * every replay, records nothing more), logged and counted then, and with {@link DuplicateSubscriptions#CANCEL}
 * refunded (its paid invoices' payments) and canceled at once, each under an idempotency key derived from the
 * subscription. The entry comes first: a crash after it leaves the duplicate live, so the event's retry acts again
 * with the same keys. A refund before the cancel, for the same reason: once canceled, the duplicate is no longer found.
 */
@Internal
public final class DuplicateSubscriptionCheck {
    /** The cause of every duplicate entry: one entry per duplicate subscription, whichever event found it. */
    static final AuditCause CAUSE = AuditCause.system("duplicate-subscriptions");

    private static final System.Logger LOG = System.getLogger(DuplicateSubscriptionCheck.class.getName());
    private static final Comparator<Subscription> OLDEST_FIRST =
            Comparator.comparing(Subscription::created).thenComparing(Subscription::id);
    private static final String ALREADY_REFUNDED = "charge_already_refunded";

    private final PaymentGateway gateway;
    private final SubscriptionStore subscriptions;
    private final AuditLog audit;
    private final ProjectionListener listener;
    private final WorkObserver observer;
    private final DuplicateSubscriptions handling;

    public DuplicateSubscriptionCheck(
            PaymentGateway gateway,
            SubscriptionStore subscriptions,
            AuditLog audit,
            ProjectionListener listener,
            WorkObserver observer,
            DuplicateSubscriptions handling) {
        this.gateway = gateway;
        this.subscriptions = subscriptions;
        this.audit = audit;
        this.listener = listener;
        this.observer = observer;
        this.handling = handling;
    }

    /**
     * Finds the customer's duplicate live subscriptions and acts on them by the setting. A failure that may pass
     * (Stripe down) is thrown, so the event that called is retried; a refusal is logged for an operator.
     *
     * @return the newer live subscriptions found (empty when the customer holds at most one)
     */
    public List<Subscription> check(CustomerId customer) {
        if (subscriptions.subscriptionsOf(customer).stream()
                        .filter(s -> s.status().blocksNewSubscription())
                        .count()
                < 2) {
            return List.of();
        }
        List<Subscription> live = gateway.listSubscriptions(customer).stream()
                .filter(s -> s.status().blocksNewSubscription())
                .sorted(OLDEST_FIRST)
                .toList();
        if (live.size() < 2) {
            return List.of(); // the projection lags a cancel at Stripe: that cancel's own event corrects it
        }
        Subscription kept = live.get(0);
        List<Subscription> newer = live.subList(1, live.size());
        for (Subscription duplicate : newer) {
            act(customer, kept, duplicate);
        }
        return newer;
    }

    private void act(CustomerId customer, Subscription kept, Subscription duplicate) {
        AuditCause foundBy = AuditContext.currentOr(CAUSE);
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("kept_subscription_id", kept.id());
        detail.put("handling", handling.settingName());
        detail.put("status", duplicate.status().stripeName());
        if (duplicate.priceId() != null) {
            detail.put("price_id", duplicate.priceId());
        }
        detail.put("found_by", foundBy.text());
        // Stores without a trail record nothing: every finding is then new, and logged each time.
        boolean first = audit.record(new AuditRecord(
                        AuditAction.SUBSCRIPTION_DUPLICATE, duplicate.id(), null, customer, CAUSE, detail))
                || audit == AuditLog.NONE;
        if (first) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Customer {0} holds a second live subscription {1} ({2}, {3}) beside "
                            + "{4}; duplicate-subscriptions={5}; found by {6}",
                    customer,
                    duplicate.id(),
                    duplicate.status().stripeName(),
                    duplicate.priceId(),
                    kept.id(),
                    handling.settingName(),
                    foundBy);
            observer.duplicateSubscription(handling.settingName());
        }
        // A refund Stripe refused leaves the duplicate live: listed as needing an operator (who refunds and cancels
        // it), rather than canceled and shown as settled while the customer's second charge stays with us.
        if (handling == DuplicateSubscriptions.CANCEL && refund(customer, duplicate)) {
            cancel(customer, duplicate);
        }
    }

    /**
     * Refunds, in full, every payment of the duplicate's paid invoices (a trial's invoice charged nothing).
     *
     * @return false when Stripe refused a refund (logged for an operator)
     */
    private boolean refund(CustomerId customer, Subscription duplicate) {
        boolean refunded = true;
        for (Invoice invoice : gateway.listInvoices(customer, 100, null).items()) {
            if (!duplicate.id().equals(invoice.subscriptionId()) || invoice.amountPaid() <= 0) {
                continue;
            }
            for (InvoicePayment payment : gateway.listInvoicePayments(invoice.id())) {
                String key = IdempotencyKeys.of("duplicate-refund", duplicate.id(), payment.paymentIntentId());
                try {
                    gateway.createRefund(new RefundRequest(payment.paymentIntentId(), null, "duplicate", key));
                    LOG.log(
                            System.Logger.Level.INFO,
                            "Refunded payment {0} of invoice {1} of duplicate subscription " + "{2}",
                            payment.paymentIntentId(),
                            invoice.id(),
                            duplicate.id());
                } catch (GatewayRejectedException e) {
                    if (!ALREADY_REFUNDED.equals(e.gatewayCode())) {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "Stripe refused to refund payment {0} of duplicate "
                                        + "subscription {1}; it stays live for an operator to refund and cancel: {2}",
                                payment.paymentIntentId(),
                                duplicate.id(),
                                e.getMessage());
                        refunded = false;
                    }
                }
            }
        }
        return refunded;
    }

    private void cancel(CustomerId customer, Subscription duplicate) {
        try {
            Subscription canceled = gateway.cancelSubscription(
                    duplicate.id(), false, IdempotencyKeys.of("duplicate-cancel", duplicate.id()));
            subscriptions.upsertSubscription(canceled, AuditContext.currentOr(CAUSE));
            listener.projectionChanged(customer);
        } catch (GatewayRejectedException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Stripe refused to cancel duplicate subscription {0}; cancel it by " + "hand: {1}",
                    duplicate.id(),
                    e.getMessage());
        }
    }
}

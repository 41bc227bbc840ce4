package dev.billing.core.notice;

import dev.billing.core.annotation.Internal;
import dev.billing.core.error.GatewayException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Money;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.PaymentGateway;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which notice a webhook event means, if any (NOTIFICATIONS.md, "The notices"). One event means at most one notice:
 * the inbox marks an event notified once. The decision reads only the event (its object and
 * {@code previous_attributes}), never the stored projection, so processing an event again decides the same way.
 * A one-time purchase's receipt is decided where the purchase is recorded ({@link dev.billing.core.webhook.ProcessInboxEvent}).
 *
 * <p>A plan change that Stripe invoiced at once (the update made the subscription's latest invoice) says so, with
 * what that invoice charged, read from Stripe when the notice is written: the event does not carry the amount.
 */
@Internal
public final class NoticeTriggers {
    private static final System.Logger LOG = System.getLogger(NoticeTriggers.class.getName());

    /** The customer whose user gets the notice, and how to write it once that user is known. */
    public record Trigger(CustomerId customer, Function<CustomerLink, Notification> build) {}

    private final PlanCatalog plans;
    private final PaymentGateway gateway;

    public NoticeTriggers(PlanCatalog plans, PaymentGateway gateway) {
        this.plans = plans;
        this.gateway = gateway;
    }

    /** The notice {@code event} (with its decoded {@code object}) means, or empty. */
    public Optional<Trigger> noticeFor(StripeEvent event, EventObject object) {
        String type = event.type();
        String id = event.id();
        if (object instanceof EventObject.OfSubscription of && type.startsWith("customer.subscription.")) {
            return forSubscription(type, id, of.subscription(), of.change());
        }
        if (object instanceof EventObject.OfInvoice of) {
            Invoice invoice = of.invoice();
            if (type.equals("invoice.paid") && invoice.amountPaid() > 0) {
                return trigger(
                        invoice.customerId(),
                        link -> new Notification.Receipt(
                                id,
                                link.userId(),
                                link.email(),
                                invoice.id(),
                                "Invoice " + (invoice.number() == null ? invoice.id() : invoice.number()),
                                invoice.paid(),
                                invoice.hostedInvoiceUrl()));
            }
            if (type.equals("invoice.payment_failed")) {
                return trigger(
                        invoice.customerId(),
                        link -> new Notification.PaymentFailed(
                                id,
                                link.userId(),
                                link.email(),
                                invoice.id(),
                                invoice.due(),
                                invoice.hostedInvoiceUrl()));
            }
            return Optional.empty();
        }
        if (object instanceof EventObject.OfUpcomingInvoice of
                && type.equals("invoice.upcoming")
                && of.amountDue().amount() > 0) {
            // Nothing to pay (a free renewal, a credit covering it): nothing worth a mail.
            return trigger(
                    of.customerId(),
                    link -> new Notification.RenewalReminder(
                            id, link.userId(), link.email(), of.subscriptionId(), of.amountDue(), of.renewsAt()));
        }
        if (object instanceof EventObject.OfCharge of
                && type.equals("charge.refunded")
                && of.customerId() != null
                && of.amountRefunded().amount() > 0) {
            return trigger(
                    of.customerId(),
                    link -> new Notification.RefundIssued(
                            id, link.userId(), link.email(), of.chargeId(), of.amountRefunded()));
        }
        return Optional.empty();
    }

    private Optional<Trigger> forSubscription(
            String type, String id, Subscription s, EventObject.SubscriptionChange change) {
        switch (type) {
            case "customer.subscription.trial_will_end":
                return trigger(
                        s.customerId(),
                        link -> new Notification.TrialEnding(id, link.userId(), link.email(), s.id(), s.trialEnd()));
            case "customer.subscription.created":
                // An incomplete one (first payment pending) starts when an update makes it active.
                return s.isActive() ? started(id, s) : Optional.empty();
            case "customer.subscription.deleted":
                return canceled(id, s, null);
            case "customer.subscription.updated":
                return forUpdate(id, s, change);
            default:
                return Optional.empty();
        }
    }

    /** Start, cancellation and plan change, in that order: an update that does two says the first. */
    private Optional<Trigger> forUpdate(String id, Subscription s, EventObject.SubscriptionChange change) {
        SubscriptionStatus before = change.status();
        if (before != null && before.isIncomplete() && s.isActive()) {
            return started(id, s);
        }
        if (before != null && before != SubscriptionStatus.CANCELED && s.status() == SubscriptionStatus.CANCELED) {
            return canceled(id, s, null);
        }
        if (Boolean.FALSE.equals(change.cancelAtPeriodEnd()) && s.cancelAtPeriodEnd() && !s.hasEnded()) {
            return canceled(id, s, s.currentPeriodEnd());
        }
        if (change.priceId() != null && s.priceId() != null && !change.priceId().equals(s.priceId())) {
            String from = planName(change.priceId());
            String to = planName(s.priceId());
            String invoice = change.invoiceId();
            return trigger(
                    s.customerId(),
                    link -> new Notification.PlanChanged(
                            id,
                            link.userId(),
                            link.email(),
                            s.id(),
                            from,
                            to,
                            invoice != null,
                            invoice == null ? null : charged(invoice, id)));
        }
        return Optional.empty();
    }

    /**
     * What the invoice a plan change made has charged, or null when that is not known: the invoice is not paid
     * (yet), or Stripe cannot be asked now. The notice then says the difference was charged without the amount,
     * rather than waiting for Stripe.
     */
    private Money charged(String invoiceId, String eventId) {
        try {
            return gateway.getInvoice(invoiceId)
                    .filter(i -> i.status() == InvoiceStatus.PAID)
                    .map(Invoice::paid)
                    .orElse(null);
        } catch (GatewayException e) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "The plan change of event {0} names invoice {1}, which Stripe could "
                            + "not give now ({2}): its notice says the difference was charged without the amount",
                    eventId,
                    invoiceId,
                    e.getClass().getSimpleName());
            return null;
        }
    }

    private Optional<Trigger> started(String id, Subscription s) {
        String plan = s.priceId() == null ? null : planName(s.priceId());
        return trigger(
                s.customerId(),
                link -> new Notification.SubscriptionStarted(
                        id, link.userId(), link.email(), s.id(), plan, s.isTrialing() ? s.trialEnd() : null));
    }

    private static Optional<Trigger> canceled(String id, Subscription s, Instant accessUntil) {
        return trigger(
                s.customerId(),
                link -> new Notification.SubscriptionCanceled(id, link.userId(), link.email(), s.id(), accessUntil));
    }

    /** The catalog's name for a price (its tier, or its item), else the price id. */
    private String planName(String priceId) {
        return plans.planForPrice(priceId)
                .map(p -> p.tier().name())
                .or(() -> plans.itemForPrice(priceId).map(i -> i.name()))
                .orElse(priceId);
    }

    private static Optional<Trigger> trigger(CustomerId customer, Function<CustomerLink, Notification> build) {
        return Optional.of(new Trigger(customer, build));
    }
}

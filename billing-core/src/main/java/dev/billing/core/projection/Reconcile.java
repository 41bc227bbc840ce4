package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.BillingException;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import java.util.List;
import java.util.Map;

/**
 * Repairs drift after missed webhooks (DESIGN §4.5): re-lists a customer's subscriptions and latest invoices from
 * Stripe and upserts them under their watermarks (a re-read outranks anything older, so it is always safe).
 *
 * <p>Usage: {@code ReconcileReport r = reconcile.user(UserId.of("user_1"));} or {@code reconcile.all()}
 */
public final class Reconcile {
    private static final System.Logger LOG = System.getLogger(Reconcile.class.getName());
    private static final int INVOICES_PER_CUSTOMER = 100;
    private static final int PAGE = 100;

    private final PaymentGateway gateway;
    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;
    private final AuditLog audit;
    private final GatewayRetry retry;

    @Internal
    public Reconcile(
            PaymentGateway gateway,
            CustomerStore customers,
            SubscriptionStore subscriptions,
            ProjectionListener listener,
            AuditLog audit,
            GatewayRetry retry) {
        this.audit = audit;
        this.gateway = gateway;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.listener = listener;
        this.retry = retry;
    }

    public ReconcileReport user(UserId user) {
        CustomerId customer = customers
                .findByUserId(user)
                .map(CustomerLink::customerId)
                .orElseThrow(() -> new NotFoundException("customer", user.value()));
        return customer(customer);
    }

    public ReconcileReport customer(CustomerId customer) {
        AuditCause cause = AuditContext.currentOr(AuditCause.admin(null));
        List<Subscription> subs = retry.call(() -> gateway.listSubscriptions(customer));
        // An erased account's subscriptions are written under its pseudonym: Stripe's metadata still names the user.
        CustomerLink link = customers.findByCustomerId(customer).orElse(null);
        int subsApplied = 0;
        for (Subscription subscription : subs) {
            if (subscriptions.upsertSubscription(ErasedAccountEvents.scrubbed(subscription, link), cause)
                    == UpsertResult.APPLIED) {
                subsApplied++;
            }
        }
        Page<Invoice> invoices = retry.call(() -> gateway.listInvoices(customer, INVOICES_PER_CUSTOMER, null));
        int invoicesApplied = 0;
        for (Invoice invoice : invoices.items()) {
            if (subscriptions.upsertInvoice(invoice, cause) == UpsertResult.APPLIED) {
                invoicesApplied++;
            }
        }
        listener.projectionChanged(customer);
        audit.record(new AuditRecord(
                AuditAction.CUSTOMER_RECONCILED,
                customer.value(),
                null,
                customer,
                cause,
                Map.of(
                        "subscriptions_applied",
                        Integer.toString(subsApplied),
                        "invoices_applied",
                        Integer.toString(invoicesApplied))));
        return new ReconcileReport(1, subs.size(), subsApplied, invoices.items().size(), invoicesApplied, 0);
    }

    /** Every linked customer; a customer that fails is counted and skipped, the run goes on. */
    public ReconcileReport all() {
        ReconcileReport total = ReconcileReport.EMPTY;
        String cursor = null;
        do {
            Page<CustomerLink> page = customers.list(cursor, PAGE);
            for (CustomerLink link : page.items()) {
                try {
                    total = total.plus(customer(link.customerId()));
                } catch (BillingException e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "Reconcile of customer {0} failed: {1}",
                            link.customerId(),
                            e.getMessage());
                    total = total.plus(new ReconcileReport(1, 0, 0, 0, 0, 1));
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return total;
    }
}

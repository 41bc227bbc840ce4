package dev.billing.core.model.privacy;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the local store holds about one account (a data subject's export): the link to its Stripe customer
 * (with the email kept there), its subscriptions, invoices and one-time purchases, its usage counters, its
 * organization memberships, the raw webhook events of both sources about it or any of these (the newest
 * {@code events} of them; {@code eventsTruncated} when there were more), the guest purchases the account claimed or
 * paid with its email, the refunds of its payments, the notices sent to it (the notice log), which payment intents
 * paid its invoices, the usage idempotency keys it used with their answers, its customer's meter reports, and the
 * audit entries that name the account or its customer. A customer of the account deleted at Stripe is in
 * {@code retiredCustomers} (its link, as the account's next checkout replaced it); the rows of its customers are in
 * the lists above with the linked customer's.
 */
public record PersonalData(
        UserId userId,
        Instant exportedAt,
        CustomerLink customer,
        List<Subscription> subscriptions,
        List<Invoice> invoices,
        List<Purchase> purchases,
        List<UsageCounter> usage,
        List<OrgMember> memberships,
        List<InboxEntry> events,
        boolean eventsTruncated,
        List<GuestPurchase> guestPurchases,
        List<PaymentRefund> refunds,
        List<NoticeEntry> notices,
        List<InvoicePayment> invoicePayments,
        List<UsageKey> usageKeys,
        List<MeterReport> meterReports,
        List<AuditEntry> audit,
        List<CustomerLink> retiredCustomers) {
    public PersonalData {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(exportedAt, "exportedAt");
        subscriptions = List.copyOf(subscriptions);
        invoices = List.copyOf(invoices);
        purchases = List.copyOf(purchases);
        usage = List.copyOf(usage);
        memberships = List.copyOf(memberships);
        events = List.copyOf(events);
        guestPurchases = List.copyOf(guestPurchases);
        refunds = List.copyOf(refunds);
        notices = List.copyOf(notices);
        invoicePayments = List.copyOf(invoicePayments);
        usageKeys = List.copyOf(usageKeys);
        meterReports = List.copyOf(meterReports);
        audit = List.copyOf(audit);
        retiredCustomers = List.copyOf(retiredCustomers);
    }

    /** An export with no customer deleted at Stripe: the constructor before {@code retiredCustomers} came. */
    public PersonalData(
            UserId userId,
            Instant exportedAt,
            CustomerLink customer,
            List<Subscription> subscriptions,
            List<Invoice> invoices,
            List<Purchase> purchases,
            List<UsageCounter> usage,
            List<OrgMember> memberships,
            List<InboxEntry> events,
            boolean eventsTruncated,
            List<GuestPurchase> guestPurchases,
            List<PaymentRefund> refunds,
            List<NoticeEntry> notices,
            List<InvoicePayment> invoicePayments,
            List<UsageKey> usageKeys,
            List<MeterReport> meterReports,
            List<AuditEntry> audit) {
        this(
                userId,
                exportedAt,
                customer,
                subscriptions,
                invoices,
                purchases,
                usage,
                memberships,
                events,
                eventsTruncated,
                guestPurchases,
                refunds,
                notices,
                invoicePayments,
                usageKeys,
                meterReports,
                audit,
                List.of());
    }
}

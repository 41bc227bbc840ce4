package dev.billing.testkit.migration;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.anInvoice;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.BillingStores;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Fills stores through their ports with {@code n} records of every kind, with varied fields (nulls, metadata,
 * refetch and snapshot versions, every inbox status, leased and reported rows).
 *
 * <p>Usage: {@code Map<MigrationRecordType, Long> counts = MigrationSeed.fill(stores, 30);}
 */
final class MigrationSeed {
    private MigrationSeed() {}

    /**
     * Writes {@code n} links, subscriptions, invoices, purchases, refunds, invoice payments, inbox entries; 2n usage
     * counters, n keys and reports; n notices; and n explicit audit entries besides those the projection's writes
     * record (a link, a subscription, a purchase each, a paid invoice).
     */
    static void fill(BillingStores stores, int n) {
        InboxStatus[] statuses = InboxStatus.values();
        for (int i = 0; i < n; i++) {
            String user = String.format("user_%05d", i);
            String customer = String.format("cus_%05d", i);
            stores.customers()
                    .link(new CustomerLink(
                            UserId.of(user),
                            CustomerId.of(customer),
                            i % 3 == 0 ? null : user + "@example.com",
                            T0.plusSeconds(i)));
            SubscriptionStatus subscriptionStatus = SubscriptionStatus.values()[i % SubscriptionStatus.values().length];
            stores.subscriptions()
                    .upsertSubscription(aSubscription()
                            .withId(String.format("sub_%05d", i))
                            .withCustomer(customer)
                            .withStatus(subscriptionStatus)
                            .withQuantity(i)
                            .withMetadata("user_id", user)
                            .withMetadata("n", Integer.toString(i))
                            .withVersion(
                                    i % 2 == 0
                                            ? SourceVersion.snapshot(T0.plusSeconds(i))
                                            : SourceVersion.refetch(T0.plusMillis(i * 1_001L + 7)))
                            .build()
                            // a new row keeps the moment it was noted past due (ignored for other statuses)
                            .withPastDueSince(T0.minusSeconds(i)));
            stores.subscriptions()
                    .upsertInvoice(anInvoice()
                            .withId(String.format("in_%05d", i))
                            .withCustomer(customer)
                            .withStatus(InvoiceStatus.values()[i % InvoiceStatus.values().length])
                            .withAmounts(100L * i, 50L * i)
                            .withNumber(i % 4 == 0 ? null : "INV-" + i)
                            .build());
            stores.subscriptions()
                    .recordPurchase(new Purchase(
                            String.format("cs_%05d", i),
                            CustomerId.of(customer),
                            "price_credits_100",
                            1 + i % 3,
                            "usd",
                            10L * i,
                            i % 5 == 0 ? null : "pi_" + i,
                            T0.plusSeconds(i)));
            StripeEvent event = anEvent()
                    .withId(String.format("evt_%05d", i))
                    .createdAt(T0.plusSeconds(i))
                    .build();
            InboxStatus status = statuses[i % statuses.length];
            Instant received = T0.plusSeconds(i / 2);
            stores.inbox()
                    .restore(new InboxEntry(
                            event,
                            status,
                            i % 5,
                            status == InboxStatus.FAILED ? "boom " + i : null,
                            received,
                            status == InboxStatus.PENDING ? received.plusSeconds(30) : null,
                            i % 7 == 0 && status == InboxStatus.PENDING ? "worker-" + i : null,
                            i % 7 == 0 && status == InboxStatus.PENDING ? received.plusSeconds(60) : null,
                            status.isDone() ? received.plusSeconds(1) : null,
                            i % 2 == 0 ? received.plusSeconds(2) : null));
            UsagePeriod period = new UsagePeriod(T0, T0.plus(Duration.ofDays(30)));
            for (String meter : new String[] {"api_calls", "exports"}) {
                String key = meter + "-" + i;
                MeterEvent report = meter.equals("api_calls")
                        ? new MeterEvent(
                                "api_calls",
                                CustomerId.of(customer),
                                1 + i,
                                "usage-" + user + "-" + i,
                                T0.plusSeconds(i))
                        : null;
                stores.usage()
                        .increment(new UsageIncrement(
                                UserId.of(user),
                                meter,
                                period,
                                1 + i,
                                1_000_000,
                                key,
                                meter + ":" + (1 + i),
                                T0.plusSeconds(i),
                                report));
            }
            // Members of five organizations; every fourth has left (kept as a removed record); every third kept
            // from before membership ids were.
            stores.memberships()
                    .apply(new OrgMember(
                            "org_" + (i % 5),
                            UserId.of(user),
                            i % 2 == 0 ? "org:admin" : null,
                            i % 4 != 0,
                            T0.plusSeconds(i),
                            String.format("msg_%05d", i),
                            i % 3 == 0 ? null : String.format("orgmem_%05d", i)));
            // Guest purchases: every third one claimed.
            GuestPurchase guest = new GuestPurchase(
                    String.format("cs_guest_%05d", i),
                    "guest" + (i % 7) + "@example.com",
                    "price_credits_100",
                    1 + i % 2,
                    "usd",
                    500L * i,
                    i % 5 == 0 ? null : CustomerId.of("cus_g" + i),
                    T0.plusSeconds(i),
                    null,
                    null);
            stores.guests().record(i % 3 == 0 ? guest.claimed(UserId.of(user), T0.plusSeconds(100 + i)) : guest);
            // Refunds: every fifth without a charge or reason, every other one read back from Stripe.
            stores.subscriptions()
                    .upsertRefund(new PaymentRefund(
                            String.format("re_%05d", i),
                            CustomerId.of(customer),
                            i % 5 == 0 ? null : "ch_" + i,
                            "pi_" + i,
                            5L * i,
                            "usd",
                            i % 4 == 0 ? "pending" : "succeeded",
                            i % 5 == 0 ? null : "requested_by_customer",
                            T0.plusSeconds(i),
                            i % 2 == 0
                                    ? SourceVersion.snapshot(T0.plusSeconds(i))
                                    : SourceVersion.refetch(T0.plusMillis(i))));
            // What paid each invoice; every third one of an invoice not stored (its payment came first).
            stores.subscriptions()
                    .recordInvoicePayment(new InvoicePayment(
                            i % 3 == 0 ? String.format("in_early_%05d", i) : String.format("in_%05d", i),
                            "pi_inv_" + i));
            // Notices of every kind and status; every fourth without a customer.
            NoticeStatus noticeStatus = NoticeStatus.values()[i % NoticeStatus.values().length];
            stores.notices()
                    .record(new NoticeRecord(
                            String.format("evt_%05d", i),
                            NoticeKind.values()[i % NoticeKind.values().length],
                            UserId.of(user),
                            i % 4 == 0 ? null : CustomerId.of(customer),
                            noticeStatus,
                            noticeStatus == NoticeStatus.SENT ? "<m" + i + "@example.com>" : null,
                            noticeStatus == NoticeStatus.SENT ? null : "refused " + i,
                            T0.plusSeconds(i)));
            // Service keys: every scope, some expiring, some rotated, some revoked; ids in the order of i.
            stores.serviceKeys()
                    .insert(new ServiceKey(
                            String.format("bsk_%016x", i),
                            "service " + i,
                            java.util.EnumSet.of(
                                    ServiceScope.values()[i % ServiceScope.values().length], ServiceScope.USAGE_WRITE),
                            String.format("%064x", i + 1),
                            T0.plusSeconds(i),
                            i % 3 == 0 ? T0.plus(Duration.ofDays(30 + i)) : null,
                            i % 4 == 1 ? T0.plusSeconds(60 + i) : null,
                            i % 5 == 2 ? T0.plusSeconds(120 + i) : null));
            // Explicit entries: a refund by an admin, a failed payment of an event (another cause kind each).
            stores.audit()
                    .record(
                            i % 2 == 0
                                    ? new AuditRecord(
                                            AuditAction.REFUND_CREATED,
                                            String.format("re_%05d", i),
                                            null,
                                            CustomerId.of(customer),
                                            AuditCause.admin("req_" + i),
                                            Map.of("amount", Long.toString(5L * i)))
                                    : new AuditRecord(
                                            AuditAction.INVOICE_PAYMENT_FAILED,
                                            String.format("in_%05d", i),
                                            null,
                                            CustomerId.of(customer),
                                            AuditCause.event(String.format("evt_%05d", i)),
                                            Map.of()));
        }
        // Some reports were sent, some failed once.
        for (MeterReport report :
                stores.usage().claimReports(n / 2 + 1, T0.plus(Duration.ofDays(1)), Duration.ofSeconds(60))) {
            if (report.event().value() % 2 == 0) {
                stores.usage().markReported(report.identifier(), T0.plus(Duration.ofDays(1)));
            } else {
                stores.usage().retryReport(report.identifier(), "stripe_unavailable", T0.plus(Duration.ofDays(2)));
            }
        }
    }

    /** Records per type after {@link #fill}. */
    static Map<MigrationRecordType, Long> expectedCounts(int n) {
        Map<MigrationRecordType, Long> counts = new EnumMap<>(MigrationRecordType.class);
        for (MigrationRecordType type : MigrationRecordType.values()) {
            counts.put(type, (long) n);
        }
        counts.put(MigrationRecordType.USAGE_COUNTERS, 2L * n);
        counts.put(MigrationRecordType.USAGE_KEYS, 2L * n);
        long paid = 0;
        for (int i = 0; i < n; i++) {
            paid += InvoiceStatus.values()[i % InvoiceStatus.values().length] == InvoiceStatus.PAID ? 1 : 0;
        }
        // Per record: the link, the subscription's creation, the purchase and the explicit entry; and paid invoices.
        counts.put(MigrationRecordType.AUDIT_ENTRIES, 4L * n + paid);
        return counts;
    }
}

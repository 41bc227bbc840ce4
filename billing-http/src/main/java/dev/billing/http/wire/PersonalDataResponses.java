package dev.billing.http.wire;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.privacy.PersonalData;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageKey;
import dev.billing.core.payment.ListRefunds;
import dev.billing.core.privacy.ErasePersonalData;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The response bodies of a data subject's rights (export and erasure: {@code GET /me/export},
 * {@code DELETE /me}, and their admin routes), mapped from the domain like {@link Responses}' and reusing its views of
 * subscriptions, invoices, purchases, refunds, notices and audit entries.
 */
public final class PersonalDataResponses {
    private PersonalDataResponses() {}

    public record PersonalDataView(
            String userId,
            Instant exportedAt,

            @OptionalField @Doc("The link to the Stripe customer, with the email kept there.")
            CustomerLinkView customer,

            List<Responses.SubscriptionView> subscriptions,
            List<Responses.InvoiceView> invoices,
            List<Responses.PurchaseView> purchases,
            @Doc("Usage counters of every period.") List<UsageCounterView> usage,

            @Doc("Organization memberships kept from Clerk.")
            List<MembershipView> memberships,

            @Doc("Stored webhook events about the account, Stripe's (about its customer and "
                    + "its objects) and Clerk's (about its user), newest first.")
            List<StoredEventView> events,

            @Doc("More events were stored than an export carries (1000).")
            boolean eventsTruncated,

            @Doc("Purchases made as a guest and claimed by this account, or paid with its " + "email and not claimed.")
            List<Responses.GuestPurchaseView> guestPurchases,

            @Doc("Refunds of the account's payments, newest first.")
            List<Responses.UserRefundView> refunds,

            @Doc("The notices sent (or tried) to this account, newest first.")
            List<AdminResponses.NoticeView> notices,

            @Doc("The Idempotency-Keys of the account's usage requests, with the answer each " + "got.")
            List<UsageKeyView> usageKeys,

            @Doc("The customer's metered usage reported (or to report) to Stripe.")
            List<MeterReportView> meterReports,

            @Doc("Audit trail entries naming the account or one of its customers, newest first.")
            List<AdminResponses.AuditEntryView> audit,

            @Doc("The account's Stripe customers deleted at Stripe, oldest first, with the email kept there: the "
                    + "account's next checkout linked a new customer. Their rows are in the lists above.")
            List<RetiredCustomerView> retiredCustomers) {
        public static PersonalDataView of(
                PersonalData d, PlanCatalog catalog, Function<String, Map<String, Object>> parse) {
            CustomerLink c = d.customer();
            Map<String, Long> refunded = ListRefunds.refundedOf(d.invoices(), d.invoicePayments(), d.refunds());
            return new PersonalDataView(
                    d.userId().value(),
                    d.exportedAt(),
                    c == null ? null : new CustomerLinkView(c.customerId().value(), c.email(), c.createdAt()),
                    d.subscriptions().stream()
                            .map(s -> Responses.SubscriptionView.of(s, catalog))
                            .toList(),
                    d.invoices().stream()
                            .map(i -> Responses.InvoiceView.of(i, refunded))
                            .toList(),
                    d.purchases().stream()
                            .map(p -> Responses.PurchaseView.of(p, catalog, d.refunds()))
                            .toList(),
                    d.usage().stream()
                            .map(u -> new UsageCounterView(
                                    u.meter(), u.period().start(), u.period().end(), u.used(), u.updatedAt()))
                            .toList(),
                    d.memberships().stream()
                            .map(m -> new MembershipView(
                                    m.orgId(), m.role(), m.active(), m.changedAt(), m.membershipId()))
                            .toList(),
                    d.events().stream()
                            .map(e -> new StoredEventView(
                                    e.eventId(),
                                    e.event().type(),
                                    e.event().created(),
                                    e.receivedAt(),
                                    e.status().wireName(),
                                    parse.apply(e.event().payload())))
                            .toList(),
                    d.eventsTruncated(),
                    d.guestPurchases().stream()
                            .map(g -> Responses.GuestPurchaseView.of(g, catalog))
                            .toList(),
                    d.refunds().stream().map(Responses.UserRefundView::of).toList(),
                    d.notices().stream().map(AdminResponses.NoticeView::of).toList(),
                    d.usageKeys().stream().map(UsageKeyView::of).toList(),
                    d.meterReports().stream().map(MeterReportView::of).toList(),
                    d.audit().stream().map(AdminResponses.AuditEntryView::of).toList(),
                    d.retiredCustomers().stream()
                            .map(r -> new RetiredCustomerView(
                                    r.customerId().value(),
                                    r.email(),
                                    r.createdAt(),
                                    r.userId().value()))
                            .toList());
        }
    }

    public record UsageKeyView(
            String idempotencyKey,
            String meter,
            Instant periodStart,
            @Doc("What the request counted.") long amount,
            @Doc("The meter's use after it.") long usedAfter,
            @Doc("The quota it was counted against.") long limit,
            Instant createdAt) {
        public static UsageKeyView of(UsageKey k) {
            return new UsageKeyView(
                    k.idempotencyKey(),
                    k.meter(),
                    k.periodStart(),
                    k.amount(),
                    k.usedAfter(),
                    k.limit(),
                    k.createdAt());
        }
    }

    public record MeterReportView(
            @Doc("The identifier Stripe deduplicates the report by.")
            String identifier,

            String eventName,
            long value,
            Instant timestamp,
            int attempts,
            @OptionalField String lastError,
            @OptionalField Instant reportedAt) {
        public static MeterReportView of(MeterReport r) {
            return new MeterReportView(
                    r.identifier(),
                    r.event().eventName(),
                    r.event().value(),
                    r.event().timestamp(),
                    r.attempts(),
                    r.lastError(),
                    r.reportedAt());
        }
    }

    public record ErasedView(
            @Doc("What the account's records carry now instead of its id.")
            String pseudonym,

            @Doc("The customer link was erased now (false: done before, or none).")
            boolean linkErased,

            int events,
            int subscriptions,
            int usageRows,
            int memberships,
            int guestPurchases,
            int canceledSubscriptions,
            boolean stripeCustomerDeleted) {
        public static ErasedView of(ErasePersonalData.Erased e) {
            return new ErasedView(
                    e.pseudonym().value(),
                    e.linkErased(),
                    e.events(),
                    e.subscriptions(),
                    e.usageRows(),
                    e.memberships(),
                    e.guestPurchases(),
                    e.canceledSubscriptions(),
                    e.stripeCustomerDeleted());
        }
    }

    public record CustomerLinkView(
            String customerId, @OptionalField String email, Instant linkedAt) {}

    public record RetiredCustomerView(
            String customerId,
            @OptionalField String email,
            Instant linkedAt,

            @Doc("The id the link is kept under since its customer was deleted: the account's id, \"~deleted_\" and a "
                    + "number.")
            String retiredUserId) {}

    public record UsageCounterView(
            String meter, Instant periodStart, Instant periodEnd, long used, Instant updatedAt) {}

    public record MembershipView(
            String organizationId,
            @OptionalField String role,
            boolean active,
            Instant changedAt,

            @Doc("Clerk's id of the membership (orgmem_...); absent on records kept before " + "it was.") @OptionalField
            String membershipId) {}

    public record StoredEventView(
            String id,
            String type,
            Instant created,
            Instant receivedAt,
            String status,
            @Doc("The event as received.") Map<String, Object> payload) {}
}

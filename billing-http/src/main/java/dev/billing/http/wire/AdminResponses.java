package dev.billing.http.wire;

import dev.billing.core.checkout.ListDuplicateSubscriptions;
import dev.billing.core.model.Page;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.projection.ReconcileReport;
import dev.billing.core.webhook.ListInboxEvents;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin routes' response bodies: the webhook inbox, the audit trail, duplicate subscriptions, the notice log,
 * reconcile and refunds. Each record's components are its JSON fields (ISO-8601 instants, money in minor units with
 * a lowercase currency).
 */
public final class AdminResponses {
    private AdminResponses() {}

    public record InboxEvent(
            String id,
            String type,
            @OneOf(of = InboxStatus.class) String status,
            @Range(min = 0) int attempts,
            @OptionalField String lastError,
            Instant created,
            Instant receivedAt,
            @OptionalField Instant nextAttemptAt,
            @OptionalField Instant processedAt,
            boolean livemode,
            @OptionalField String objectId) {
        public static InboxEvent of(InboxEntry e) {
            return new InboxEvent(
                    e.eventId(),
                    e.event().type(),
                    e.status().wireName(),
                    e.attempts(),
                    e.lastError(),
                    e.event().created(),
                    e.receivedAt(),
                    e.nextAttemptAt(),
                    e.processedAt(),
                    e.event().livemode(),
                    e.event().objectId());
        }
    }

    public record InboxEventList(
            List<InboxEvent> data,
            boolean hasMore,
            @OptionalField String nextCursor,

            @Doc("Events per status, each counted exactly up to " + ListInboxEvents.COUNT_CAP + ".")
            Map<String, Long> counts,

            @OneOf(of = InboxStatus.class)
            @Doc("The statuses with more events than " + ListInboxEvents.COUNT_CAP + ": their count is that cap, a "
                    + "lower bound (the dashboard shows it with a +). Empty when every count is exact.")
            List<String> countsAtLeast) {
        public static InboxEventList of(Page<InboxEntry> page, InboxCounts counts) {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            counts.counts().forEach((s, n) -> byStatus.put(s.wireName(), n));
            return new InboxEventList(
                    page.items().stream().map(InboxEvent::of).toList(),
                    page.hasMore(),
                    page.nextCursor(),
                    byStatus,
                    counts.atLeast().stream().map(InboxStatus::wireName).toList());
        }
    }

    public record AuditEntryView(
            @Doc("Orders entries: newer ones have higher ids.")
            long id,

            Instant recordedAt,

            @Doc("subscription.plan_changed, invoice.paid, event.replayed, ...")
            String type,

            String entityId,
            @OptionalField String userId,
            @OptionalField String customerId,

            @OptionalField @Doc("event:<id>, request:<id>, admin[:<request id>] or system:<what>")
            String cause,

            @Doc("Old and new price, quantity, status; amounts.")
            Map<String, String> detail) {
        public static AuditEntryView of(AuditEntry e) {
            return new AuditEntryView(
                    e.id(),
                    e.recordedAt(),
                    e.action().wireName(),
                    e.entityId(),
                    e.userId() == null ? null : e.userId().value(),
                    e.customerId() == null ? null : e.customerId().value(),
                    e.cause() == null ? null : e.cause().text(),
                    e.detail());
        }
    }

    public record AuditList(
            List<AuditEntryView> data,
            boolean hasMore,
            @OptionalField String nextCursor) {}

    public record DuplicateSubscriptionView(
            @Doc("The newer live subscription found beside the kept one.")
            String subscriptionId,

            @OptionalField String customerId,

            @OptionalField @Doc("The user or organization (org_...) whose customer holds it.")
            String userId,

            @OptionalField @Doc("The older live subscription, kept.")
            String keptSubscriptionId,

            @OneOf({"cancel", "flag"})
            @Doc("What was done when it was found: cancel (canceled and refunded) or flag (kept).")
            String handling,

            Instant foundAt,

            @OptionalField @OneOf(of = SubscriptionStatus.class) @Doc("Its status in the projection now.")
            String status,

            @Doc("Whether it is still live (blocks a new subscription): flagged, or a cancel Stripe refused; an "
                    + "operator settles it.")
            boolean live) {
        public static DuplicateSubscriptionView of(ListDuplicateSubscriptions.Duplicate d) {
            return new DuplicateSubscriptionView(
                    d.subscriptionId(),
                    d.customerId() == null ? null : d.customerId().value(),
                    d.userId() == null ? null : d.userId().value(),
                    d.keptSubscriptionId(),
                    d.handling() == null ? "flag" : d.handling(),
                    d.foundAt(),
                    d.status() == null ? null : d.status().stripeName(),
                    d.live());
        }
    }

    public record DuplicateSubscriptionList(
            List<DuplicateSubscriptionView> data,
            boolean hasMore,
            @OptionalField String nextCursor) {}

    public record NoticeView(
            @Doc("Orders rows: newer ones have higher ids.") long id,

            @Doc("subscription-started, trial-ending, payment-failed, receipt, plan-changed, "
                    + "subscription-canceled, renewal-reminder or refund-issued.")
            @OneOf(of = NoticeKind.class)
            String kind,

            String userId,
            @OptionalField String customerId,
            @Doc("The Stripe event that caused the notice.") String eventId,

            @OneOf(of = NoticeStatus.class)
            @Doc("sent, skipped (no address, or refused for good) or failed (the event retries).")
            String status,

            @OptionalField @Doc("The mail's Message-ID, when sent.")
            String messageId,

            @OptionalField @Doc("Why it failed or was skipped; addresses masked.")
            String error,

            Instant at) {
        public static NoticeView of(NoticeEntry e) {
            NoticeRecord r = e.record();
            return new NoticeView(
                    e.id(),
                    r.kind().wireName(),
                    r.userId().value(),
                    r.customerId() == null ? null : r.customerId().value(),
                    r.eventId(),
                    r.status().wireName(),
                    r.messageId(),
                    r.error(),
                    r.at());
        }
    }

    public record NoticeList(
            List<NoticeView> data,
            boolean hasMore,
            @OptionalField String nextCursor) {}

    public record ReconcileResult(
            int customers,
            int subscriptionsSeen,
            int subscriptionsApplied,
            int invoicesSeen,
            int invoicesApplied,
            int failedCustomers) {
        public static ReconcileResult of(ReconcileReport r) {
            return new ReconcileResult(
                    r.customers(),
                    r.subscriptionsSeen(),
                    r.subscriptionsApplied(),
                    r.invoicesSeen(),
                    r.invoicesApplied(),
                    r.failedCustomers());
        }
    }

    public record RefundView(
            String id, @OptionalField String paymentIntentId, long amount, String currency, String status) {
        public static RefundView of(Refund r) {
            return new RefundView(
                    r.id(), r.paymentIntentId(), r.amount().amount(), r.amount().currency(), r.status());
        }
    }
}

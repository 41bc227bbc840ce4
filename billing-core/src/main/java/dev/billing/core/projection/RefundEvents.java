package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Projects refunds from {@code refund.*} events and {@code charge.refunded} (the refunds an older API version's
 * charge embeds, with the charge's customer), under their watermarks like subscriptions and invoices: with re-fetch
 * on, the refund is read from the gateway; with it off the snapshot is upserted and a same-second tie is broken by
 * reading it. A refund event that names no customer (API versions before refunds carried one) is read from the
 * gateway, which finds the customer through the charge. A guest's payment has no customer and is skipped.
 *
 * <p>The first event of a refund records its {@code refund.created} audit entry, with the event as its cause: a
 * refund made in Stripe's Dashboard, or billing's own refund of a duplicate subscription, is in the trail once too. A
 * refund made by {@code POST /admin/refunds} is recorded by its request, whose entry takes over the event's
 * ({@link dev.billing.core.model.audit.AuditAction#takenOverBy}) when the webhook came first; when the request
 * answered 503 after Stripe refunded, the event's entry is the refund's until the admin's tool asks again.
 */
@Internal
public final class RefundEvents {
    private final PaymentGateway gateway;
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;
    private final AuditLog audit;
    private final boolean refetch;

    public RefundEvents(
            PaymentGateway gateway,
            SubscriptionStore subscriptions,
            ProjectionListener listener,
            AuditLog audit,
            boolean refetch) {
        this.gateway = gateway;
        this.subscriptions = subscriptions;
        this.listener = listener;
        this.audit = audit;
        this.refetch = refetch;
    }

    /** Whether the object is one this class projects (a refund, or a charge of {@code charge.refunded}). */
    public static boolean projects(String type, EventObject object) {
        return object instanceof EventObject.OfRefund && type.startsWith("refund.")
                || object instanceof EventObject.OfCharge && type.equals("charge.refunded");
    }

    public InboxStatus apply(EventObject object) {
        Set<CustomerId> changed = new LinkedHashSet<>();
        if (object instanceof EventObject.OfRefund of) {
            if (of.refund() == null) {
                gateway.getRefund(of.refundId()).ifPresent(r -> upsert(r, changed));
            } else {
                applySnapshot(of.refund(), changed);
            }
        } else if (object instanceof EventObject.OfCharge of) {
            // Since API 2022-11-15 the charge embeds no refunds: its refund.created event carries them instead.
            for (PaymentRefund refund : of.refunds()) {
                applySnapshot(refund, changed);
            }
        } else {
            return InboxStatus.IGNORED;
        }
        changed.forEach(listener::projectionChanged);
        return InboxStatus.PROCESSED;
    }

    /**
     * A refund event whose payload an erasure redacted before it was applied (received while the erasure ran): the
     * refund it names is read from Stripe and written, audited as its first event would have, so that the refund is
     * not lost with the payload.
     *
     * @return the refund written, or empty when Stripe has none by that id
     */
    public Optional<EventObject> redacted(String refundId) {
        if (refundId == null) {
            return Optional.empty();
        }
        Set<CustomerId> changed = new LinkedHashSet<>();
        Optional<PaymentRefund> read = gateway.getRefund(refundId);
        read.ifPresent(r -> upsert(r, changed));
        changed.forEach(listener::projectionChanged);
        return read.map(r -> new EventObject.OfRefund(refundId, r));
    }

    private void applySnapshot(PaymentRefund snapshot, Set<CustomerId> changed) {
        if (refetch) {
            upsert(gateway.getRefund(snapshot.id()).orElse(snapshot), changed);
        } else if (SnapshotOrder.leftToStripe(
                upsert(snapshot, changed),
                snapshot.version(),
                () -> subscriptions.refundsOf(snapshot.customerId()).stream()
                        .filter(r -> r.id().equals(snapshot.id()))
                        .map(PaymentRefund::version)
                        .findFirst())) {
            gateway.getRefund(snapshot.id()).ifPresent(r -> upsert(r, changed));
        }
    }

    private UpsertResult upsert(PaymentRefund refund, Set<CustomerId> changed) {
        changed.add(refund.customerId());
        UpsertResult result = subscriptions.upsertRefund(refund);
        // Whatever the write's result, so that an event retried after the write and before this entry still records
        // it; once per refund whatever the cause (AuditAction.oncePerEntity), so a later write of the refund, or its
        // charge.refunded, records nothing more, and an admin's request that made it takes it over.
        audit.record(created(refund));
        return result;
    }

    private static AuditRecord created(PaymentRefund refund) {
        Map<String, String> detail = new LinkedHashMap<>();
        if (refund.paymentIntentId() != null) {
            detail.put("payment_intent_id", refund.paymentIntentId());
        }
        detail.put("amount", Long.toString(refund.amount()));
        detail.put("currency", refund.currency());
        detail.put("status", refund.status());
        return new AuditRecord(
                AuditAction.REFUND_CREATED,
                refund.id(),
                null,
                refund.customerId(),
                AuditContext.currentOr(AuditCause.system("webhook")),
                detail);
    }

    /** The customer the refund event names, or null (a guest's payment, an older API version). */
    static CustomerId customerOf(EventObject.OfRefund of) {
        return of.refund() == null ? null : of.refund().customerId();
    }
}

package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Projects refunds from {@code refund.*} events and {@code charge.refunded} (the refunds an older API version's
 * charge embeds, with the charge's customer), under their watermarks like subscriptions and invoices: with re-fetch
 * on, the refund is read from the gateway; with it off the snapshot is upserted and a same-second tie is broken by
 * reading it. A refund event that names no customer (API versions before refunds carried one) is read from the
 * gateway, which finds the customer through the charge. A guest's payment has no customer and is skipped.
 */
@Internal
public final class RefundEvents {
    private final PaymentGateway gateway;
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;
    private final boolean refetch;

    public RefundEvents(
            PaymentGateway gateway, SubscriptionStore subscriptions, ProjectionListener listener, boolean refetch) {
        this.gateway = gateway;
        this.subscriptions = subscriptions;
        this.listener = listener;
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

    private void applySnapshot(PaymentRefund snapshot, Set<CustomerId> changed) {
        if (refetch) {
            upsert(gateway.getRefund(snapshot.id()).orElse(snapshot), changed);
        } else if (upsert(snapshot, changed) == UpsertResult.SAME_VERSION) {
            // Two snapshots of the same second: only Stripe knows which is newer.
            gateway.getRefund(snapshot.id()).ifPresent(r -> upsert(r, changed));
        }
    }

    private UpsertResult upsert(PaymentRefund refund, Set<CustomerId> changed) {
        changed.add(refund.customerId());
        return subscriptions.upsertRefund(refund);
    }

    /** The customer the refund event names, or null (a guest's payment, an older API version). */
    static CustomerId customerOf(EventObject.OfRefund of) {
        return of.refund() == null ? null : of.refund().customerId();
    }
}

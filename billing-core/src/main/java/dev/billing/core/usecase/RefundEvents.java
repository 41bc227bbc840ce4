package dev.billing.core.usecase;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.EventObject;
import dev.billing.core.model.InboxStatus;
import dev.billing.core.model.PaymentRefund;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Projects refunds from {@code refund.*} events (the refund itself, which names its customer from the 2026 API
 * versions on) and {@code charge.refunded} (the refunds an older API version's charge embeds, with the charge's
 * customer). Each refund is upserted under its snapshot watermark, so a duplicate or an older delivery changes
 * nothing. A guest's payment has no customer and is skipped.
 */
final class RefundEvents {
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;

    RefundEvents(SubscriptionStore subscriptions, ProjectionListener listener) {
        this.subscriptions = subscriptions;
        this.listener = listener;
    }

    /** Whether the object is one this class projects (a refund, or a charge of {@code charge.refunded}). */
    static boolean projects(String type, EventObject object) {
        return object instanceof EventObject.OfRefund && type.startsWith("refund.")
                || object instanceof EventObject.OfCharge && type.equals("charge.refunded");
    }

    InboxStatus apply(EventObject object) {
        List<PaymentRefund> refunds;
        if (object instanceof EventObject.OfRefund of) {
            refunds = of.refund() == null ? List.of() : List.of(of.refund());
        } else if (object instanceof EventObject.OfCharge of) {
            // Since API 2022-11-15 the charge embeds no refunds: its refund.created event carries them instead.
            refunds = of.refunds();
        } else {
            return InboxStatus.IGNORED;
        }
        Set<CustomerId> changed = new LinkedHashSet<>();
        for (PaymentRefund refund : refunds) {
            subscriptions.upsertRefund(refund);
            changed.add(refund.customerId());
        }
        changed.forEach(listener::projectionChanged);
        return InboxStatus.PROCESSED;
    }

    /** The customer the refund event names, or null (a guest's payment, an older API version). */
    static CustomerId customerOf(EventObject.OfRefund of) {
        return of.refund() == null ? null : of.refund().customerId();
    }
}

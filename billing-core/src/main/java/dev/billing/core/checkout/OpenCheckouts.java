package dev.billing.core.checkout;

import dev.billing.core.annotation.Internal;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.port.PaymentGateway;
import java.util.List;

/**
 * Expires a party's other open subscription-mode Checkout sessions, so that only one of them can still be paid (a
 * session stays payable for 24 hours at Stripe; two paid ones would leave two live subscriptions). One-time
 * purchases (payment mode) are never touched. {@link DuplicateSubscriptionCheck} is the safety net for a session paid
 * before it could be expired.
 */
@Internal
public final class OpenCheckouts {
    private static final System.Logger LOG = System.getLogger(OpenCheckouts.class.getName());

    private final PaymentGateway gateway;

    public OpenCheckouts(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * After {@code created} was handed to the customer: expires the open subscription sessions Stripe lists after it in
     * {@code open} (its list of the customer's open sessions, newest first)
     * (older ones). Never a newer one: two requests racing in different minutes then leave the newest payable
     * rather than expiring each other's. Never {@code created} itself, which a double click gets back by its key.
     *
     * @return how many were expired now
     */
    int expireOlderThan(List<CheckoutSession> open, String created) {
        int index = indexOf(open, created);
        return expire(open.subList(index < 0 ? 0 : index + 1, open.size()), created);
    }

    /**
     * After {@code completed} was paid: expires every other open subscription session of the customer.
     *
     * @return how many were expired now
     */
    public int expireAllBut(CustomerId customer, String completed) {
        return expire(gateway.listOpenCheckoutSessions(customer), completed);
    }

    /**
     * Erasure: expires every open session of the customer, of every mode, so that none can be paid for an account
     * that is gone (its payment would land on the pseudonym, and the person would get nothing for it).
     *
     * @return how many were expired now
     */
    public int expireEvery(CustomerId customer) {
        return expire(gateway.listOpenCheckoutSessions(customer), null, true);
    }

    private int expire(List<CheckoutSession> sessions, String keep) {
        return expire(sessions, keep, false);
    }

    private int expire(List<CheckoutSession> sessions, String keep, boolean everyMode) {
        int expired = 0;
        for (CheckoutSession session : sessions) {
            if (!everyMode && session.mode() != CheckoutMode.SUBSCRIPTION
                    || session.id().equals(keep)) {
                continue;
            }
            try {
                if (gateway.expireCheckoutSession(session.id())) {
                    expired++;
                    LOG.log(
                            System.Logger.Level.INFO,
                            "Expired open Checkout session {0} of customer {1}: {2}",
                            session.id(),
                            session.customerId(),
                            keep == null ? "its account was erased" : "session " + keep + " superseded it");
                }
            } catch (GatewayRejectedException e) {
                // Refused as asked (it was paid or expired meanwhile): nothing left to do for it.
                LOG.log(
                        System.Logger.Level.INFO,
                        "Checkout session {0} could not be expired: {1}",
                        session.id(),
                        e.getMessage());
            }
        }
        return expired;
    }

    static int indexOf(List<CheckoutSession> sessions, String id) {
        for (int i = 0; i < sessions.size(); i++) {
            if (sessions.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }
}

package dev.billing.core.customer;

import dev.billing.core.annotation.Internal;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.SubscriptionStore;
import java.util.List;
import java.util.Optional;

/**
 * Object-level authorization (I5): every id a user names is checked against the user's customer; another user's
 * object, a malformed id and a missing object all look the same: {@link NotFoundException}.
 */
@Internal
public final class Ownership {
    private static final String ID_PATTERN = "[A-Za-z0-9_]{1,255}";

    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final PaymentGateway gateway;
    private final GatewayRetry retry;

    public Ownership(
            CustomerStore customers, SubscriptionStore subscriptions, PaymentGateway gateway, GatewayRetry retry) {
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.gateway = gateway;
        this.retry = retry;
    }

    public Optional<CustomerId> customerOf(UserId user) {
        return customers.findByUserId(user).map(CustomerLink::customerId);
    }

    /**
     * The user's customer, then those of its customers deleted at Stripe, oldest first: what was bought through any
     * of them stays the user's ({@link CustomerStore#retiredOf}).
     */
    public List<CustomerId> customersOf(UserId user) {
        return customers.linksOf(user).stream().map(CustomerLink::customerId).toList();
    }

    public CustomerId requireCustomer(UserId user) {
        return customerOf(user).orElseThrow(NotFoundException::noCustomerYet);
    }

    /** From the projection when known there (no Stripe call), else from Stripe. */
    public Subscription subscription(UserId user, String id) {
        CustomerId customer = checkedCustomer(user, id, "subscription");
        Optional<Subscription> local = subscriptions.findSubscription(id);
        Subscription found = local.isPresent()
                ? local.get()
                : retry.call(() -> gateway.getSubscription(id)).orElse(null);
        if (found == null || !found.customerId().equals(customer)) {
            throw new NotFoundException("subscription", id);
        }
        return found;
    }

    public Invoice invoice(UserId user, String id) {
        CustomerId customer = checkedCustomer(user, id, "invoice");
        Invoice found = retry.call(() -> gateway.getInvoice(id)).orElse(null);
        if (found == null || !found.customerId().equals(customer)) {
            throw new NotFoundException("invoice", id);
        }
        return found;
    }

    public PaymentMethod paymentMethod(UserId user, String id) {
        CustomerId customer = checkedCustomer(user, id, "payment_method");
        PaymentMethod found = retry.call(() -> gateway.getPaymentMethod(id)).orElse(null);
        if (found == null || !customer.equals(found.customerId())) {
            throw new NotFoundException("payment_method", id);
        }
        return found;
    }

    private CustomerId checkedCustomer(UserId user, String id, String resource) {
        if (id == null || !id.matches(ID_PATTERN)) {
            throw new NotFoundException(resource, String.valueOf(id));
        }
        return customerOf(user).orElseThrow(() -> new NotFoundException(resource, id));
    }
}

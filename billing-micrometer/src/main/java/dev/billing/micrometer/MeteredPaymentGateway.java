package dev.billing.micrometer;

import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerRecord;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceQuery;
import dev.billing.core.model.catalog.Product;
import dev.billing.core.model.catalog.ProductQuery;
import dev.billing.core.model.catalog.PromotionCode;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.EphemeralKey;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentIntentRequest;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.model.payment.SetupIntent;
import dev.billing.core.model.payment.SheetIntent;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.IncompleteSubscription;
import dev.billing.core.model.subscription.IncompleteSubscriptionRequest;
import dev.billing.core.model.subscription.PortalSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.port.PaymentGateway;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link PaymentGateway} decorator that times every Stripe call: {@code billing.stripe.calls} tagged with the
 * operation and its outcome ({@code ok}, {@code unavailable}, {@code rate_limited}, {@code outcome_unknown},
 * {@code card_declined}, {@code missing}, {@code rejected}, {@code error}).
 *
 * <p>Usage: {@code PaymentGateway gateway = new MeteredPaymentGateway(stripe, registry);}
 */
public final class MeteredPaymentGateway implements PaymentGateway {
    static final String METRIC = "billing.stripe.calls";

    private final PaymentGateway delegate;
    private final MeterRegistry registry;

    public MeteredPaymentGateway(PaymentGateway delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "ok";
            return result;
        } catch (GatewayException e) {
            outcome = outcome(e);
            throw e;
        } finally {
            Timer.builder(METRIC)
                    .description("Stripe API calls by operation and outcome")
                    .tags("operation", operation, "outcome", outcome)
                    .register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void timedVoid(String operation, Runnable call) {
        timed(operation, () -> {
            call.run();
            return null;
        });
    }

    static String outcome(GatewayException e) {
        if (e instanceof GatewayUnavailableException) {
            return "unavailable";
        }
        if (e instanceof GatewayRateLimitedException) {
            return "rate_limited";
        }
        if (e instanceof GatewayOutcomeUnknownException) {
            return "outcome_unknown";
        }
        if (e instanceof GatewayRejectedException r) {
            return r.isCardError() ? "card_declined" : r.isMissingResource() ? "missing" : "rejected";
        }
        return "error";
    }

    @Override
    public Page<Product> listProducts(ProductQuery query) {
        return timed("list_products", () -> delegate.listProducts(query));
    }

    @Override
    public Page<Price> listPrices(PriceQuery query) {
        return timed("list_prices", () -> delegate.listPrices(query));
    }

    @Override
    public Optional<Price> getPrice(String priceId) {
        return timed("get_price", () -> delegate.getPrice(priceId));
    }

    @Override
    public CustomerId createCustomer(NewCustomer customer) {
        return timed("create_customer", () -> delegate.createCustomer(customer));
    }

    @Override
    public Optional<CustomerId> findCustomerByUserId(UserId userId) {
        return timed("find_customer", () -> delegate.findCustomerByUserId(userId));
    }

    @Override
    public Optional<CustomerRecord> getCustomer(CustomerId customerId) {
        return timed("get_customer", () -> delegate.getCustomer(customerId));
    }

    @Override
    public boolean deleteCustomer(CustomerId customerId) {
        return timed("delete_customer", () -> delegate.deleteCustomer(customerId));
    }

    @Override
    public CheckoutSession createCheckoutSession(CheckoutRequest request) {
        return timed("create_checkout_session", () -> delegate.createCheckoutSession(request));
    }

    @Override
    public Optional<CheckoutSession> getCheckoutSession(String sessionId) {
        return timed("get_checkout_session", () -> delegate.getCheckoutSession(sessionId));
    }

    @Override
    public List<CheckoutSession> listOpenCheckoutSessions(CustomerId customerId) {
        return timed("list_open_checkout_sessions", () -> delegate.listOpenCheckoutSessions(customerId));
    }

    @Override
    public boolean expireCheckoutSession(String sessionId) {
        return timed("expire_checkout_session", () -> delegate.expireCheckoutSession(sessionId));
    }

    @Override
    public PortalSession createPortalSession(CustomerId customerId, String returnUrl) {
        return timed("create_portal_session", () -> delegate.createPortalSession(customerId, returnUrl));
    }

    @Override
    public Optional<Subscription> getSubscription(String subscriptionId) {
        return timed("get_subscription", () -> delegate.getSubscription(subscriptionId));
    }

    @Override
    public List<Subscription> listSubscriptions(CustomerId customerId) {
        return timed("list_subscriptions", () -> delegate.listSubscriptions(customerId));
    }

    @Override
    public Subscription cancelSubscription(String subscriptionId, boolean atPeriodEnd, String idempotencyKey) {
        return timed(
                "cancel_subscription", () -> delegate.cancelSubscription(subscriptionId, atPeriodEnd, idempotencyKey));
    }

    @Override
    public Subscription resumeSubscription(String subscriptionId, String idempotencyKey) {
        return timed("resume_subscription", () -> delegate.resumeSubscription(subscriptionId, idempotencyKey));
    }

    @Override
    public Subscription changeSubscriptionQuantity(
            String subscriptionId, long quantity, ProrationBehavior proration, String idempotencyKey) {
        return timed(
                "change_subscription_quantity",
                () -> delegate.changeSubscriptionQuantity(subscriptionId, quantity, proration, idempotencyKey));
    }

    @Override
    public Subscription changeSubscriptionPlan(
            String subscriptionId, Plan plan, ProrationBehavior proration, String idempotencyKey) {
        return timed(
                "change_subscription_plan",
                () -> delegate.changeSubscriptionPlan(subscriptionId, plan, proration, idempotencyKey));
    }

    @Override
    public Optional<PromotionCode> findPromotionCode(String code) {
        return timed("find_promotion_code", () -> delegate.findPromotionCode(code));
    }

    @Override
    public Subscription applyPromotionCode(String subscriptionId, String promotionCodeId, String idempotencyKey) {
        return timed(
                "apply_promotion_code",
                () -> delegate.applyPromotionCode(subscriptionId, promotionCodeId, idempotencyKey));
    }

    @Override
    public Subscription changeSubscriptionPrice(
            String subscriptionId, String newPriceId, ProrationBehavior proration, String idempotencyKey) {
        return timed(
                "change_subscription_price",
                () -> delegate.changeSubscriptionPrice(subscriptionId, newPriceId, proration, idempotencyKey));
    }

    @Override
    public Page<Invoice> listInvoices(CustomerId customerId, int limit, String startingAfter) {
        return timed("list_invoices", () -> delegate.listInvoices(customerId, limit, startingAfter));
    }

    @Override
    public boolean hasStarted(Subscription subscription) {
        return timed("subscription_started", () -> delegate.hasStarted(subscription));
    }

    @Override
    public Optional<Invoice> getInvoice(String invoiceId) {
        return timed("get_invoice", () -> delegate.getInvoice(invoiceId));
    }

    @Override
    public Invoice payInvoice(String invoiceId, String paymentMethodId, String idempotencyKey) {
        return timed("pay_invoice", () -> delegate.payInvoice(invoiceId, paymentMethodId, idempotencyKey));
    }

    @Override
    public List<InvoicePayment> listInvoicePayments(String invoiceId) {
        return timed("list_invoice_payments", () -> delegate.listInvoicePayments(invoiceId));
    }

    @Override
    public List<PaymentMethod> listPaymentMethods(CustomerId customerId) {
        return timed("list_payment_methods", () -> delegate.listPaymentMethods(customerId));
    }

    @Override
    public Optional<PaymentMethod> getPaymentMethod(String paymentMethodId) {
        return timed("get_payment_method", () -> delegate.getPaymentMethod(paymentMethodId));
    }

    @Override
    public SetupIntent createSetupIntent(CustomerId customerId, String idempotencyKey) {
        return timed("create_setup_intent", () -> delegate.createSetupIntent(customerId, idempotencyKey));
    }

    @Override
    public SetupIntent createSetupIntent(CustomerId customerId, Map<String, String> metadata, String idempotencyKey) {
        return timed("create_setup_intent", () -> delegate.createSetupIntent(customerId, metadata, idempotencyKey));
    }

    @Override
    public EphemeralKey createEphemeralKey(CustomerId customerId, String stripeVersion) {
        return timed("create_ephemeral_key", () -> delegate.createEphemeralKey(customerId, stripeVersion));
    }

    @Override
    public IncompleteSubscription createIncompleteSubscription(IncompleteSubscriptionRequest request) {
        return timed("create_incomplete_subscription", () -> delegate.createIncompleteSubscription(request));
    }

    @Override
    public Optional<IncompleteSubscription> getIncompleteSubscription(String subscriptionId) {
        return timed("get_incomplete_subscription", () -> delegate.getIncompleteSubscription(subscriptionId));
    }

    @Override
    public SheetIntent createPaymentIntent(PaymentIntentRequest request) {
        return timed("create_payment_intent", () -> delegate.createPaymentIntent(request));
    }

    @Override
    public Optional<EventObject.OfPaymentIntent> getPaymentIntent(String paymentIntentId) {
        return timed("get_payment_intent", () -> delegate.getPaymentIntent(paymentIntentId));
    }

    @Override
    public void detachPaymentMethod(String paymentMethodId) {
        timedVoid("detach_payment_method", () -> delegate.detachPaymentMethod(paymentMethodId));
    }

    @Override
    public void setDefaultPaymentMethod(CustomerId customerId, String paymentMethodId) {
        timedVoid("set_default_payment_method", () -> delegate.setDefaultPaymentMethod(customerId, paymentMethodId));
    }

    @Override
    public Refund createRefund(RefundRequest request) {
        return timed("create_refund", () -> delegate.createRefund(request));
    }

    @Override
    public Optional<PaymentRefund> getRefund(String refundId) {
        return timed("get_refund", () -> delegate.getRefund(refundId));
    }

    @Override
    public void reportMeterEvent(MeterEvent event) {
        timedVoid("report_meter_event", () -> delegate.reportMeterEvent(event));
    }

    @Override
    public Optional<StripeEvent> getEvent(String eventId) {
        return timed("get_event", () -> delegate.getEvent(eventId));
    }

    @Override
    public void ping() {
        timedVoid("ping", delegate::ping);
    }
}

package dev.billing.stripe;

import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.model.Event;
import com.stripe.net.RequestOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerRecord;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.Page;
import dev.billing.core.model.RefetchStamps;
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
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link PaymentGateway} on stripe-java, pinned to Stripe API version {@value #API_VERSION}.
 *
 * <p>Usage: {@code PaymentGateway stripe = StripePaymentGateway.create(StripeConfig.of(secretKey), clock);}
 *
 * <p>One {@link StripeClient} per gateway, built with {@link StripeClient#builder()} (API base, network retries,
 * connect/read timeouts from {@link StripeConfig}). Calls that take an idempotency key pass the core's key through
 * {@link RequestOptions}; stripe-java repeats a request (connect failures, timeouts, 409, 5xx,
 * {@code Stripe-Should-Retry: true}) with the same key. Failures are translated by {@link StripeErrors}: no
 * stripe-java type crosses the port. Every object read from Stripe carries a
 * {@link dev.billing.core.model.SourceVersion#refetch} version from this gateway's {@link RefetchStamps}.
 *
 * <p>Each group of operations (catalog, customers, checkout and portal, subscriptions, invoices, payment methods,
 * refunds, meter events) builds its requests in its own package-private helper; they all run their calls through
 * {@link StripeCalls}, so every call fails and reads the same way.
 *
 * <p>Thread-safe. The secret key is never logged.
 */
public final class StripePaymentGateway implements PaymentGateway {
    /**
     * The Stripe API version every request is sent with and every object is read at: stripe-java's pinned
     * version ({@code ApiVersion.CURRENT}). Webhook events of other versions are still accepted (see
     * {@link StripeWebhookVerifier}).
     */
    public static final String API_VERSION = Stripe.API_VERSION;

    private final StripeClient client;
    private final StripeConfig config;
    private final StripeCalls calls;
    private final StripeCatalog catalog;
    private final StripeCustomers customers;
    private final StripeCheckout checkout;
    private final StripeSubscriptions subscriptions;
    private final StripePromotions promotions;
    private final StripeInvoices invoices;
    private final StripePaymentMethods paymentMethods;
    private final StripeRefunds refunds;
    private final StripeMeterEvents meterEvents;
    private final StripeSheets sheets;

    private StripePaymentGateway(StripeClient client, StripeConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.calls = new StripeCalls(clock, StripeRateLimit.of(config));
        // One sequence for subscriptions and invoices: every object this gateway reads gets a newer version.
        RefetchStamps stamps = new RefetchStamps(clock);
        this.catalog = new StripeCatalog(client, calls);
        this.customers = new StripeCustomers(client, calls);
        this.checkout = new StripeCheckout(client, calls);
        this.subscriptions = new StripeSubscriptions(client, calls, stamps);
        this.promotions = new StripePromotions(client, calls);
        this.invoices = new StripeInvoices(client, calls, stamps);
        this.paymentMethods = new StripePaymentMethods(client, calls);
        this.refunds = new StripeRefunds(client, calls, stamps);
        this.meterEvents = new StripeMeterEvents(client, calls);
        this.sheets = new StripeSheets(client, calls, stamps, checkout);
    }

    /** A gateway on the system UTC clock. */
    public static StripePaymentGateway create(StripeConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** @param clock stamps the versions of objects read from Stripe and reads {@code Retry-After} dates */
    public static StripePaymentGateway create(StripeConfig config, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        StripeClient client = StripeClient.builder()
                .setApiKey(config.secretKey())
                .setApiBase(config.apiBase())
                .setMaxNetworkRetries(config.maxNetworkRetries())
                .setConnectTimeout(Math.toIntExact(config.connectTimeout().toMillis()))
                .setReadTimeout(Math.toIntExact(config.readTimeout().toMillis()))
                .build();
        return new StripePaymentGateway(client, config, clock);
    }

    public StripeConfig config() {
        return config;
    }

    /** Whether the key is a live key (then only live-mode events concern this deployment). */
    public boolean livemode() {
        return config.livemode();
    }

    @Override
    public String toString() {
        return "StripePaymentGateway[" + config + ", apiVersion=" + API_VERSION + "]";
    }

    // ---------------------------------------------------------------- catalog

    @Override
    public Page<Product> listProducts(ProductQuery query) {
        return catalog.listProducts(query);
    }

    @Override
    public Page<Price> listPrices(PriceQuery query) {
        return catalog.listPrices(query);
    }

    @Override
    public Optional<Price> getPrice(String priceId) {
        return catalog.getPrice(priceId);
    }

    // ---------------------------------------------------------------- customers

    @Override
    public CustomerId createCustomer(NewCustomer customer) {
        return customers.createCustomer(customer);
    }

    @Override
    public Optional<CustomerId> findCustomerByUserId(UserId userId) {
        return customers.findCustomerByUserId(userId);
    }

    @Override
    public Optional<CustomerRecord> getCustomer(CustomerId customerId) {
        return customers.getCustomer(customerId);
    }

    @Override
    public boolean deleteCustomer(CustomerId customerId) {
        return customers.deleteCustomer(customerId);
    }

    // ---------------------------------------------------------------- checkout and portal

    @Override
    public CheckoutSession createCheckoutSession(CheckoutRequest request) {
        return checkout.createCheckoutSession(request);
    }

    @Override
    public Optional<CheckoutSession> getCheckoutSession(String sessionId) {
        return checkout.getCheckoutSession(sessionId);
    }

    @Override
    public List<CheckoutSession> listOpenCheckoutSessions(CustomerId customerId) {
        return checkout.listOpenCheckoutSessions(customerId);
    }

    @Override
    public boolean expireCheckoutSession(String sessionId) {
        return checkout.expireCheckoutSession(sessionId);
    }

    @Override
    public PortalSession createPortalSession(CustomerId customerId, String returnUrl) {
        return checkout.createPortalSession(customerId, returnUrl);
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public Optional<Subscription> getSubscription(String subscriptionId) {
        return subscriptions.getSubscription(subscriptionId);
    }

    @Override
    public List<Subscription> listSubscriptions(CustomerId customerId) {
        return subscriptions.listSubscriptions(customerId);
    }

    @Override
    public Subscription cancelSubscription(String subscriptionId, boolean atPeriodEnd, String idempotencyKey) {
        return subscriptions.cancelSubscription(subscriptionId, atPeriodEnd, idempotencyKey);
    }

    @Override
    public Subscription resumeSubscription(String subscriptionId, String idempotencyKey) {
        return subscriptions.resumeSubscription(subscriptionId, idempotencyKey);
    }

    @Override
    public Subscription changeSubscriptionPlan(
            String subscriptionId, Plan plan, ProrationBehavior proration, String idempotencyKey) {
        return subscriptions.changeSubscriptionPlan(subscriptionId, plan, proration, idempotencyKey);
    }

    @Override
    public Subscription changeSubscriptionPrice(
            String subscriptionId, String newPriceId, ProrationBehavior proration, String idempotencyKey) {
        return subscriptions.changeSubscriptionPrice(subscriptionId, newPriceId, proration, idempotencyKey);
    }

    @Override
    public Subscription changeSubscriptionQuantity(
            String subscriptionId, long quantity, ProrationBehavior proration, String idempotencyKey) {
        return subscriptions.changeSubscriptionQuantity(subscriptionId, quantity, proration, idempotencyKey);
    }

    @Override
    public Optional<PromotionCode> findPromotionCode(String code) {
        return promotions.findPromotionCode(code);
    }

    @Override
    public Subscription applyPromotionCode(String subscriptionId, String promotionCodeId, String idempotencyKey) {
        return subscriptions.applyPromotionCode(subscriptionId, promotionCodeId, idempotencyKey);
    }

    // ---------------------------------------------------------------- invoices

    @Override
    public Page<Invoice> listInvoices(CustomerId customerId, int limit, String startingAfter) {
        return invoices.listInvoices(customerId, limit, startingAfter);
    }

    @Override
    public boolean hasStarted(Subscription subscription) {
        return invoices.hasPaidInvoice(subscription) || subscriptions.billedByInvoice(subscription.id());
    }

    @Override
    public List<InvoicePayment> listInvoicePayments(String invoiceId) {
        return invoices.listInvoicePayments(invoiceId);
    }

    @Override
    public Optional<Invoice> getInvoice(String invoiceId) {
        return invoices.getInvoice(invoiceId);
    }

    @Override
    public Invoice payInvoice(String invoiceId, String paymentMethodId, String idempotencyKey) {
        return invoices.payInvoice(invoiceId, paymentMethodId, idempotencyKey);
    }

    // ---------------------------------------------------------------- payment methods

    @Override
    public List<PaymentMethod> listPaymentMethods(CustomerId customerId) {
        return paymentMethods.listPaymentMethods(customerId);
    }

    @Override
    public Optional<PaymentMethod> getPaymentMethod(String paymentMethodId) {
        return paymentMethods.getPaymentMethod(paymentMethodId);
    }

    @Override
    public SetupIntent createSetupIntent(CustomerId customerId, String idempotencyKey) {
        return paymentMethods.createSetupIntent(customerId, idempotencyKey);
    }

    @Override
    public SetupIntent createSetupIntent(CustomerId customerId, Map<String, String> metadata, String idempotencyKey) {
        return paymentMethods.createSetupIntent(customerId, metadata, idempotencyKey);
    }

    @Override
    public EphemeralKey createEphemeralKey(CustomerId customerId, String stripeVersion) {
        return sheets.createEphemeralKey(customerId, stripeVersion);
    }

    @Override
    public IncompleteSubscription createIncompleteSubscription(IncompleteSubscriptionRequest request) {
        return sheets.createIncompleteSubscription(request);
    }

    @Override
    public Optional<IncompleteSubscription> getIncompleteSubscription(String subscriptionId) {
        return sheets.getIncompleteSubscription(subscriptionId);
    }

    @Override
    public SheetIntent createPaymentIntent(PaymentIntentRequest request) {
        return sheets.createPaymentIntent(request);
    }

    @Override
    public Optional<EventObject.OfPaymentIntent> getPaymentIntent(String paymentIntentId) {
        return sheets.getPaymentIntent(paymentIntentId);
    }

    @Override
    public void detachPaymentMethod(String paymentMethodId) {
        paymentMethods.detachPaymentMethod(paymentMethodId);
    }

    @Override
    public void setDefaultPaymentMethod(CustomerId customerId, String paymentMethodId) {
        paymentMethods.setDefaultPaymentMethod(customerId, paymentMethodId);
    }

    // ---------------------------------------------------------------- refunds, meters, events

    @Override
    public Refund createRefund(RefundRequest request) {
        return refunds.createRefund(request);
    }

    @Override
    public Optional<PaymentRefund> getRefund(String refundId) {
        return refunds.getRefund(refundId);
    }

    /** Reporting is idempotent: Stripe's "an event already exists with identifier X" counts as success. */
    @Override
    public void reportMeterEvent(MeterEvent event) {
        meterEvents.reportMeterEvent(event);
    }

    /** Read by the same envelope reader as webhooks: the payload is the body as Stripe sent it. */
    @Override
    public Optional<StripeEvent> getEvent(String eventId) {
        return calls.find("retrieve event", eventId, () -> client.v1().events().retrieve(eventId))
                .map(e -> calls.read("retrieve event", e, StripePaymentGateway::event));
    }

    private static StripeEvent event(Event event) {
        return StripeEventReader.read(event.getLastResponse().body());
    }

    /** A cheap authenticated read ({@code GET /v1/balance}): proves the network path and the key. */
    @Override
    public void ping() {
        calls.call("ping (retrieve balance)", () -> client.v1().balance().retrieve());
    }
}

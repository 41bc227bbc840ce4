package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerRecord;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.Page;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
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
import dev.billing.core.model.payment.InvoiceStatus;
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
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.port.PaymentGateway;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stateful, scriptable stand-in for Stripe behind the {@link PaymentGateway} port. It keeps customers,
 * prices, checkout sessions, subscriptions, invoices, payment methods, refunds and meter events; honours
 * idempotency keys the way Stripe does (same key and parameters replay the first result, other parameters are
 * rejected with {@code idempotency_error}); and fails on request:
 *
 * <pre>{@code
 * FakePaymentGateway stripe = FakePaymentGateway.withSampleCatalog(clock);
 * stripe.failNext(Operation.CREATE_CUSTOMER, 1, Failure.UNKNOWN_AFTER_APPLYING); // created, then a "read timeout"
 * }</pre>
 *
 * Objects read back carry a {@link SourceVersion#refetch} version at the clock's current instant.
 *
 * <p>Every port call runs through {@link ScriptedCalls} (call log, scripted failures, idempotent replays); the
 * fake Stripe's state and rules live in one package-private helper per resource ({@link FakeCatalog},
 * {@link FakeCustomers}, {@link FakeCheckout}, {@link FakeSubscriptions}, {@link FakeInvoices},
 * {@link FakePaymentMethods}, {@link FakePayments}, {@link FakeMeterEvents}). All of them change under this
 * gateway's lock, one call at a time.
 */
public final class FakePaymentGateway implements PaymentGateway {

    /** The gateway operations, for scripting failures and reading the call log. */
    public enum Operation {
        LIST_PRODUCTS,
        LIST_PRICES,
        GET_PRICE,
        CREATE_CUSTOMER,
        FIND_CUSTOMER,
        GET_CUSTOMER,
        DELETE_CUSTOMER,
        CREATE_CHECKOUT,
        GET_CHECKOUT,
        LIST_OPEN_CHECKOUTS,
        EXPIRE_CHECKOUT,
        LIST_INVOICE_PAYMENTS,
        CREATE_PORTAL,
        GET_SUBSCRIPTION,
        LIST_SUBSCRIPTIONS,
        CANCEL_SUBSCRIPTION,
        RESUME_SUBSCRIPTION,
        CHANGE_PRICE,
        CHANGE_PLAN,
        CHANGE_QUANTITY,
        FIND_PROMOTION_CODE,
        APPLY_PROMOTION_CODE,
        LIST_INVOICES,
        GET_INVOICE,
        PAY_INVOICE,
        LIST_PAYMENT_METHODS,
        GET_PAYMENT_METHOD,
        CREATE_SETUP_INTENT,
        DETACH_PAYMENT_METHOD,
        SET_DEFAULT_PAYMENT_METHOD,
        CREATE_REFUND,
        GET_REFUND,
        REPORT_METER_EVENT,
        GET_EVENT,
        CREATE_EPHEMERAL_KEY,
        CREATE_SHEET_SUBSCRIPTION,
        CREATE_PAYMENT_INTENT,
        GET_PAYMENT_INTENT,
        PING
    }

    /** How a scripted call fails. */
    public enum Failure {
        /** Connection refused: nothing happened. */
        NOT_DONE,
        /** Read timeout before Stripe did anything. */
        UNKNOWN_BEFORE_APPLYING,
        /** Stripe did it, then the response was lost (read timeout, 500). */
        UNKNOWN_AFTER_APPLYING,
        /** 429: nothing happened (Retry-After 1 ms). */
        RATE_LIMITED,
        /** 429 with Retry-After 30 s: nothing happened. */
        RATE_LIMITED_FOR_30_SECONDS,
        /** A 400 Stripe would not repeat differently. */
        REJECTED
    }

    /**
     * One logged call: the operation, its idempotency key (null for reads) and its parameters as the fake compares
     * them for idempotency ({@code subscriptionId|quantity|proration} for a quantity change; null where not kept).
     */
    public record Call(Operation operation, String idempotencyKey, String parameters) {
        public Call(Operation operation, String idempotencyKey) {
            this(operation, idempotencyKey, null);
        }
    }

    private final ScriptedCalls script;
    private final FakeCatalog catalog;
    private final FakeCustomers customers;
    private final FakePaymentMethods paymentMethods;
    private final FakeSubscriptions subscriptions;
    private final FakeInvoices invoices;
    private final FakePayments payments;
    private final FakeCheckout checkout;
    private final FakeMeterEvents meterEvents;
    private final FakeSheets sheets;
    private final Map<String, StripeEvent> events = new HashMap<>();
    private final Map<String, PromotionCode> promotionCodes = new ConcurrentHashMap<>();

    public FakePaymentGateway(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        // The resources share one id counter (ids stay unique and in creation order across kinds) and one stamp
        // sequence (a version read later is always newer, whichever resource it comes from).
        AtomicLong ids = new AtomicLong(1000);
        RefetchStamps stamps = new RefetchStamps(clock);
        this.script = new ScriptedCalls(this);
        this.catalog = new FakeCatalog(clock);
        this.customers = new FakeCustomers(ids);
        this.paymentMethods = new FakePaymentMethods(clock, ids, customers);
        this.subscriptions = new FakeSubscriptions(clock, stamps, ids, catalog, customers);
        this.payments = new FakePayments(clock, stamps, ids);
        this.invoices = new FakeInvoices(clock, stamps, ids, subscriptions, payments);
        this.checkout = new FakeCheckout(ids, catalog, customers, subscriptions, invoices, payments);
        this.meterEvents = new FakeMeterEvents(customers);
        this.sheets = new FakeSheets(clock, ids, subscriptions);
    }

    /**
     * A gateway seeded with products and prices: {@code price_basic_monthly}, {@code price_basic_yearly},
     * {@code price_pro_monthly}, {@code price_pro_yearly}, {@code price_enterprise_monthly} (recurring) and
     * {@code price_credits_100} (one-time, 1000 usd cents).
     */
    public static FakePaymentGateway withSampleCatalog(Clock clock) {
        FakePaymentGateway gateway = new FakePaymentGateway(clock);
        gateway.addProduct("prod_basic", "Basic");
        gateway.addProduct("prod_pro", "Pro");
        gateway.addProduct("prod_enterprise", "Enterprise");
        gateway.addProduct("prod_credits", "100 credits");
        gateway.addRecurringPrice("price_basic_monthly", "prod_basic", 900, BillingInterval.MONTH);
        gateway.addRecurringPrice("price_basic_yearly", "prod_basic", 9000, BillingInterval.YEAR);
        gateway.addRecurringPrice("price_pro_monthly", "prod_pro", 2900, BillingInterval.MONTH);
        gateway.addRecurringPrice("price_pro_yearly", "prod_pro", 29000, BillingInterval.YEAR);
        gateway.addRecurringPrice("price_enterprise_monthly", "prod_enterprise", 9900, BillingInterval.MONTH);
        gateway.addOneTimePrice("price_credits_100", "prod_credits", 1000);
        gateway.catalog.addMeteredPrice("price_api_calls_metered", "prod_api_calls", "mtr_api_calls");
        BigDecimal off = BigDecimal.valueOf(20);
        gateway.addPromotionCode(
                new PromotionCode("promo_launch20", "LAUNCH20", off, 0, null, PromotionCode.Duration.ONCE, null, null));
        return gateway;
    }

    public synchronized void addProduct(String id, String name) {
        catalog.addProduct(id, name);
    }

    public synchronized void addRecurringPrice(String id, String productId, long amount, BillingInterval interval) {
        catalog.addRecurringPrice(id, productId, amount, interval);
    }

    /** Whether the fake's catalog has this price (not a logged call). */
    public synchronized boolean knowsPrice(String id) {
        return catalog.hasPrice(id);
    }

    public synchronized void addOneTimePrice(String id, String productId, long amount) {
        catalog.addOneTimePrice(id, productId, amount);
    }

    /** The next {@code times} calls of {@code operation} fail with {@code failure}. */
    public synchronized void failNext(Operation operation, int times, Failure failure) {
        script.failNext(operation, times, failure);
    }

    /**
     * Runs {@code action} once, just before the next call of {@code operation} reaches the fake: the other side of
     * a race, e.g. a second request paying the invoice between the caller's read and its payment.
     */
    public synchronized void beforeNext(Operation operation, Runnable action) {
        script.beforeNext(operation, action);
    }

    /** The next {@code times} calls of any operation fail with {@code failure}. */
    public synchronized void failNextAny(int times, Failure failure) {
        script.failNextAny(times, failure);
    }

    /** While true, {@link #findCustomerByUserId} finds nothing, like Stripe search lagging recent writes. */
    public void searchLags(boolean lagging) {
        customers.searchLags(lagging);
    }

    public synchronized List<Call> calls() {
        return script.calls();
    }

    public synchronized List<Call> calls(Operation operation) {
        return script.calls(operation);
    }

    /** Every customer created for the user (to assert "exactly one"). */
    public synchronized List<CustomerId> customersOf(UserId user) {
        return customers.customersOf(user);
    }

    public synchronized int customerCount() {
        return customers.count();
    }

    public synchronized List<MeterEvent> meterEvents() {
        return meterEvents.all();
    }

    public synchronized List<Refund> refunds() {
        return payments.refunds();
    }

    /** An active promotion code, found by its code without regard to case. */
    public void addPromotionCode(PromotionCode code) {
        promotionCodes.put(code.code().toUpperCase(Locale.ROOT), code);
    }

    /** Deactivates the promotion code: it is no longer found. */
    public void deactivatePromotionCode(String code) {
        promotionCodes.remove(code.toUpperCase(Locale.ROOT));
    }

    /** Makes an event retrievable through {@link #getEvent}. */
    public synchronized void addEvent(StripeEvent event) {
        events.put(event.id(), event);
    }

    /**
     * Completes a checkout session as a paying customer would: a subscription (trialing when the session offered
     * a trial) with a paid first invoice, or a paid one-time payment.
     *
     * @return the new subscription id (subscription mode) or payment intent id (payment mode)
     */
    public synchronized String completeCheckout(String sessionId) {
        return checkout.complete(sessionId);
    }

    /** Completes a guest's checkout session (no customer) as a buyer who types {@code email} on the page. */
    public synchronized String completeCheckout(String sessionId, String email) {
        return checkout.complete(sessionId, email);
    }

    /** Creates a subscription directly (as if through the dashboard), with its first invoice. */
    public synchronized Subscription subscribe(CustomerId customer, String priceId, SubscriptionStatus status) {
        Subscription subscription = subscriptions.create(customer, priceId, status, 0, Map.of());
        long amount = catalog.unitAmount(priceId);
        invoices.create(
                customer,
                subscription.id(),
                status == SubscriptionStatus.ACTIVE ? InvoiceStatus.PAID : InvoiceStatus.OPEN,
                amount);
        return subscription;
    }

    /** The metered prices the subscription carries besides its plan's price, in the order they were added. */
    public synchronized List<String> meteredPriceIds(String subscriptionId) {
        return subscriptions.meteredPriceIds(subscriptionId);
    }

    /** Changes a subscription's status at "Stripe" (as renewals, failed payments and dunning do). */
    public synchronized Subscription setStatus(String subscriptionId, SubscriptionStatus status) {
        return subscriptions.setStatus(subscriptionId, status);
    }

    /** Attaches a test card to the customer; returns the payment method id. */
    public synchronized String attachCard(CustomerId customer) {
        return paymentMethods.attachCard(customer);
    }

    // ---------------------------------------------------------------- the port

    @Override
    public Page<Product> listProducts(ProductQuery query) {
        return script.call(Operation.LIST_PRODUCTS, null, null, () -> catalog.listProducts(query));
    }

    @Override
    public Page<Price> listPrices(PriceQuery query) {
        return script.call(Operation.LIST_PRICES, null, null, () -> catalog.listPrices(query));
    }

    @Override
    public Optional<Price> getPrice(String priceId) {
        return script.call(Operation.GET_PRICE, null, null, () -> catalog.getPrice(priceId));
    }

    @Override
    public CustomerId createCustomer(NewCustomer customer) {
        return script.call(
                Operation.CREATE_CUSTOMER,
                customer.idempotencyKey(),
                customer.userId() + "|" + customer.email(),
                () -> customers.create(customer));
    }

    @Override
    public Optional<CustomerId> findCustomerByUserId(UserId userId) {
        return script.call(Operation.FIND_CUSTOMER, null, null, () -> customers.findByUserId(userId));
    }

    @Override
    public Optional<CustomerRecord> getCustomer(CustomerId customerId) {
        return script.call(Operation.GET_CUSTOMER, null, null, () -> customers.record(customerId));
    }

    @Override
    public boolean deleteCustomer(CustomerId customerId) {
        return script.call(Operation.DELETE_CUSTOMER, null, null, () -> {
            boolean deleted = customers.delete(customerId);
            if (deleted) {
                subscriptions.endAllOf(customerId);
            }
            return deleted;
        });
    }

    @Override
    public CheckoutSession createCheckoutSession(CheckoutRequest request) {
        return script.call(
                Operation.CREATE_CHECKOUT,
                request.idempotencyKey(),
                FakeCheckout.fingerprint(request),
                () -> checkout.create(request));
    }

    @Override
    public Optional<CheckoutSession> getCheckoutSession(String sessionId) {
        return script.call(Operation.GET_CHECKOUT, null, null, () -> checkout.get(sessionId));
    }

    @Override
    public List<CheckoutSession> listOpenCheckoutSessions(CustomerId customerId) {
        return script.call(Operation.LIST_OPEN_CHECKOUTS, null, null, () -> checkout.listOpen(customerId));
    }

    @Override
    public boolean expireCheckoutSession(String sessionId) {
        return script.call(Operation.EXPIRE_CHECKOUT, null, null, () -> checkout.expire(sessionId));
    }

    @Override
    public PortalSession createPortalSession(CustomerId customerId, String returnUrl) {
        return script.call(Operation.CREATE_PORTAL, null, null, () -> checkout.createPortalSession(customerId));
    }

    @Override
    public Optional<Subscription> getSubscription(String subscriptionId) {
        return script.call(Operation.GET_SUBSCRIPTION, null, null, () -> subscriptions.get(subscriptionId));
    }

    @Override
    public List<Subscription> listSubscriptions(CustomerId customerId) {
        return script.call(Operation.LIST_SUBSCRIPTIONS, null, null, () -> subscriptions.list(customerId));
    }

    @Override
    public Subscription cancelSubscription(String subscriptionId, boolean atPeriodEnd, String idempotencyKey) {
        return script.call(
                Operation.CANCEL_SUBSCRIPTION,
                idempotencyKey,
                subscriptionId + "|" + atPeriodEnd,
                () -> subscriptions.cancel(subscriptionId, atPeriodEnd));
    }

    @Override
    public Subscription resumeSubscription(String subscriptionId, String idempotencyKey) {
        return script.call(
                Operation.RESUME_SUBSCRIPTION,
                idempotencyKey,
                subscriptionId,
                () -> subscriptions.resume(subscriptionId));
    }

    @Override
    public Subscription changeSubscriptionQuantity(
            String subscriptionId, long quantity, ProrationBehavior proration, String idempotencyKey) {
        return script.call(
                Operation.CHANGE_QUANTITY,
                idempotencyKey,
                subscriptionId + "|" + quantity + "|" + proration,
                () -> subscriptions.changeQuantity(subscriptionId, quantity));
    }

    @Override
    public Subscription changeSubscriptionPlan(
            String subscriptionId, Plan plan, ProrationBehavior proration, String idempotencyKey) {
        return script.call(
                Operation.CHANGE_PLAN,
                idempotencyKey,
                subscriptionId + "|" + plan.priceId() + "|" + plan.meteredPriceIds() + "|" + proration,
                () -> subscriptions.changePlan(subscriptionId, plan.priceId(), plan.meteredPriceIds()));
    }

    @Override
    public Subscription changeSubscriptionPrice(
            String subscriptionId, String newPriceId, ProrationBehavior proration, String idempotencyKey) {
        return script.call(
                Operation.CHANGE_PRICE,
                idempotencyKey,
                subscriptionId + "|" + newPriceId + "|" + proration,
                () -> subscriptions.changePrice(subscriptionId, newPriceId));
    }

    @Override
    public Optional<PromotionCode> findPromotionCode(String code) {
        return script.call(
                Operation.FIND_PROMOTION_CODE,
                null,
                null,
                () -> Optional.ofNullable(code == null ? null : promotionCodes.get(code.toUpperCase(Locale.ROOT))));
    }

    @Override
    public Subscription applyPromotionCode(String subscriptionId, String promotionCodeId, String idempotencyKey) {
        return script.call(
                Operation.APPLY_PROMOTION_CODE,
                idempotencyKey,
                subscriptionId + "|" + promotionCodeId,
                () -> subscriptions.applyDiscount(
                        subscriptionId,
                        promotionCodes.values().stream()
                                .filter(c -> c.id().equals(promotionCodeId))
                                .findFirst()
                                .orElseThrow(() -> FakeErrors.missing("promotion_code", promotionCodeId))));
    }

    @Override
    public Page<Invoice> listInvoices(CustomerId customerId, int limit, String startingAfter) {
        return script.call(Operation.LIST_INVOICES, null, null, () -> invoices.list(customerId, limit, startingAfter));
    }

    @Override
    public Optional<Invoice> getInvoice(String invoiceId) {
        return script.call(Operation.GET_INVOICE, null, null, () -> invoices.get(invoiceId));
    }

    @Override
    public Invoice payInvoice(String invoiceId, String paymentMethodId, String idempotencyKey) {
        // The card is in the call's parameters (what a test reads, and what a reused key must match), not charged.
        String parameters = paymentMethodId == null ? invoiceId : invoiceId + " " + paymentMethodId;
        return script.call(Operation.PAY_INVOICE, idempotencyKey, parameters, () -> invoices.pay(invoiceId));
    }

    @Override
    public List<InvoicePayment> listInvoicePayments(String invoiceId) {
        return script.call(Operation.LIST_INVOICE_PAYMENTS, null, null, () -> invoices.payments(invoiceId));
    }

    @Override
    public List<PaymentMethod> listPaymentMethods(CustomerId customerId) {
        return script.call(Operation.LIST_PAYMENT_METHODS, null, null, () -> paymentMethods.list(customerId));
    }

    @Override
    public Optional<PaymentMethod> getPaymentMethod(String paymentMethodId) {
        return script.call(Operation.GET_PAYMENT_METHOD, null, null, () -> paymentMethods.get(paymentMethodId));
    }

    @Override
    public SetupIntent createSetupIntent(CustomerId customerId, String idempotencyKey) {
        return script.call(
                Operation.CREATE_SETUP_INTENT,
                idempotencyKey,
                customerId.value(),
                () -> paymentMethods.createSetupIntent(customerId));
    }

    @Override
    public EphemeralKey createEphemeralKey(CustomerId customerId, String stripeVersion) {
        return script.call(Operation.CREATE_EPHEMERAL_KEY, null, null, () -> sheets.ephemeralKey(customerId));
    }

    @Override
    public IncompleteSubscription createIncompleteSubscription(IncompleteSubscriptionRequest request) {
        return script.call(
                Operation.CREATE_SHEET_SUBSCRIPTION,
                request.idempotencyKey(),
                request.toString(),
                () -> sheets.create(request));
    }

    @Override
    public Optional<IncompleteSubscription> getIncompleteSubscription(String subscriptionId) {
        return script.call(Operation.GET_SUBSCRIPTION, null, null, () -> sheets.get(subscriptionId));
    }

    @Override
    public SheetIntent createPaymentIntent(PaymentIntentRequest request) {
        return script.call(
                Operation.CREATE_PAYMENT_INTENT,
                request.idempotencyKey(),
                request.toString(),
                () -> sheets.paymentIntent(request));
    }

    @Override
    public Optional<EventObject.OfPaymentIntent> getPaymentIntent(String paymentIntentId) {
        return script.call(Operation.GET_PAYMENT_INTENT, null, null, () -> sheets.paymentIntent(paymentIntentId));
    }

    /** Confirms a PaymentSheet's payment intent as the app would, paid in full; returns it as its event carries it. */
    public synchronized EventObject.OfPaymentIntent succeedPaymentIntent(String paymentIntentId) {
        return sheets.succeed(paymentIntentId);
    }

    @Override
    public void detachPaymentMethod(String paymentMethodId) {
        script.call(Operation.DETACH_PAYMENT_METHOD, null, null, () -> {
            paymentMethods.detach(paymentMethodId);
            return null;
        });
    }

    @Override
    public void setDefaultPaymentMethod(CustomerId customerId, String paymentMethodId) {
        script.call(Operation.SET_DEFAULT_PAYMENT_METHOD, null, null, () -> {
            paymentMethods.setDefault(customerId, paymentMethodId);
            return null;
        });
    }

    @Override
    public Refund createRefund(RefundRequest request) {
        return script.call(
                Operation.CREATE_REFUND,
                request.idempotencyKey(),
                request.paymentIntentId() + "|" + request.amount(),
                () -> payments.refund(request));
    }

    @Override
    public Optional<PaymentRefund> getRefund(String refundId) {
        return script.call(Operation.GET_REFUND, null, null, () -> payments.find(refundId));
    }

    @Override
    public void reportMeterEvent(MeterEvent event) {
        script.call(Operation.REPORT_METER_EVENT, null, null, () -> {
            meterEvents.report(event);
            return null;
        });
    }

    @Override
    public Optional<StripeEvent> getEvent(String eventId) {
        return script.call(Operation.GET_EVENT, null, null, () -> Optional.ofNullable(events.get(eventId)));
    }

    @Override
    public void ping() {
        script.call(Operation.PING, null, null, () -> null);
    }
}

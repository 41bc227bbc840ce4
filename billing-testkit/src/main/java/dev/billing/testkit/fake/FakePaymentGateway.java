package dev.billing.testkit.fake;

import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.core.model.BillingInterval;
import dev.billing.core.model.Card;
import dev.billing.core.model.CheckoutMode;
import dev.billing.core.model.CheckoutRequest;
import dev.billing.core.model.CheckoutSession;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Invoice;
import dev.billing.core.model.InvoiceStatus;
import dev.billing.core.model.LineItem;
import dev.billing.core.model.MeterEvent;
import dev.billing.core.model.Money;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.Page;
import dev.billing.core.model.PaymentMethod;
import dev.billing.core.model.PortalSession;
import dev.billing.core.model.Price;
import dev.billing.core.model.PriceQuery;
import dev.billing.core.model.PriceType;
import dev.billing.core.model.Product;
import dev.billing.core.model.ProductQuery;
import dev.billing.core.model.Recurring;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.Refund;
import dev.billing.core.model.RefundRequest;
import dev.billing.core.model.SetupIntent;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.StripeEvent;
import dev.billing.core.model.Subscription;
import dev.billing.core.model.SubscriptionStatus;
import dev.billing.core.model.UserId;
import dev.billing.core.port.PaymentGateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

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
 */
public final class FakePaymentGateway implements PaymentGateway {

    /** The gateway operations, for scripting failures and reading the call log. */
    public enum Operation {
        LIST_PRODUCTS, LIST_PRICES, GET_PRICE, CREATE_CUSTOMER, FIND_CUSTOMER, CREATE_CHECKOUT, GET_CHECKOUT,
        CREATE_PORTAL, GET_SUBSCRIPTION, LIST_SUBSCRIPTIONS, CANCEL_SUBSCRIPTION, RESUME_SUBSCRIPTION,
        CHANGE_PRICE, LIST_INVOICES, GET_INVOICE, PAY_INVOICE, LIST_PAYMENT_METHODS, GET_PAYMENT_METHOD,
        CREATE_SETUP_INTENT, DETACH_PAYMENT_METHOD, SET_DEFAULT_PAYMENT_METHOD, CREATE_REFUND, REPORT_METER_EVENT,
        GET_EVENT, PING
    }

    /** How a scripted call fails. */
    public enum Failure {
        /** Connection refused: nothing happened. */
        NOT_DONE,
        /** Read timeout before Stripe did anything. */
        UNKNOWN_BEFORE_APPLYING,
        /** Stripe did it, then the response was lost (read timeout, 500). */
        UNKNOWN_AFTER_APPLYING,
        /** 429: nothing happened. */
        RATE_LIMITED,
        /** A 400 Stripe would not repeat differently. */
        REJECTED
    }

    /** One logged call: the operation and its idempotency key (null for reads). */
    public record Call(Operation operation, String idempotencyKey) {
    }

    private final Clock clock;
    private final RefetchStamps stamps;
    private final AtomicLong ids = new AtomicLong(1000);
    private final Map<String, Product> products = new LinkedHashMap<>();
    private final Map<String, Price> prices = new LinkedHashMap<>();
    private final Map<String, FakeCustomer> customers = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, Invoice> invoices = new LinkedHashMap<>();
    private final Map<String, PaymentMethod> paymentMethods = new LinkedHashMap<>();
    private final Map<String, Long> paymentIntents = new HashMap<>();
    private final List<Refund> refunds = new ArrayList<>();
    private final Map<String, MeterEvent> meterEvents = new LinkedHashMap<>();
    private final Map<String, StripeEvent> events = new HashMap<>();
    private final Map<String, Replay> idempotency = new HashMap<>();
    private final Map<Operation, Deque<Failure>> scripted = new EnumMap<>(Operation.class);
    private final Deque<Failure> scriptedAny = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private volatile boolean searchLags;

    public FakePaymentGateway(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stamps = new RefetchStamps(clock);
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
        return gateway;
    }

    // ---------------------------------------------------------------- seeding and scripting

    public synchronized void addProduct(String id, String name) {
        products.put(id, new Product(id, name, null, true, null, Map.of(), clock.instant()));
    }

    public synchronized void addRecurringPrice(String id, String productId, long amount, BillingInterval interval) {
        prices.put(id, new Price(id, productId, true, PriceType.RECURRING, "usd", amount,
                new Recurring(interval, 1, false, null), null, null, Map.of(), clock.instant()));
    }

    public synchronized void addOneTimePrice(String id, String productId, long amount) {
        prices.put(id, new Price(id, productId, true, PriceType.ONE_TIME, "usd", amount, null, null, null, Map.of(),
                clock.instant()));
    }

    /** The next {@code times} calls of {@code operation} fail with {@code failure}. */
    public synchronized void failNext(Operation operation, int times, Failure failure) {
        Deque<Failure> queue = scripted.computeIfAbsent(operation, o -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(failure);
        }
    }

    /** The next {@code times} calls of any operation fail with {@code failure}. */
    public synchronized void failNextAny(int times, Failure failure) {
        for (int i = 0; i < times; i++) {
            scriptedAny.add(failure);
        }
    }

    /** While true, {@link #findCustomerByUserId} finds nothing, like Stripe search lagging recent writes. */
    public void searchLags(boolean lagging) {
        this.searchLags = lagging;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<Call> calls(Operation operation) {
        return calls.stream().filter(c -> c.operation() == operation).toList();
    }

    /** Every customer created for the user (to assert "exactly one"). */
    public synchronized List<CustomerId> customersOf(UserId user) {
        return customers.values().stream().filter(c -> c.userId.equals(user)).map(c -> CustomerId.of(c.id)).toList();
    }

    public synchronized int customerCount() {
        return customers.size();
    }

    public synchronized List<MeterEvent> meterEvents() {
        return List.copyOf(meterEvents.values());
    }

    public synchronized List<Refund> refunds() {
        return List.copyOf(refunds);
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
        Session session = sessions.get(sessionId);
        if (session == null) {
            throw new IllegalArgumentException("no checkout session " + sessionId);
        }
        Instant now = clock.instant();
        CheckoutRequest request = session.request;
        if (request.mode() == CheckoutMode.SUBSCRIPTION) {
            String priceId = ((LineItem.OfPrice) request.lineItems().get(0)).priceId();
            SubscriptionStatus status = request.trialDays() > 0 ? SubscriptionStatus.TRIALING : SubscriptionStatus.ACTIVE;
            Subscription subscription = newSubscription(request.customerId(), priceId, status, request.trialDays(),
                    request.subscriptionMetadata());
            Price price = prices.get(priceId);
            long amount = status == SubscriptionStatus.TRIALING || price == null || price.unitAmount() == null
                    ? 0 : price.unitAmount();
            newInvoice(request.customerId(), subscription.id(), InvoiceStatus.PAID, amount);
            session.subscriptionId = subscription.id();
            session.complete = true;
            return subscription.id();
        }
        long total = 0;
        for (LineItem line : request.lineItems()) {
            long unit = line instanceof LineItem.OfAmount amount ? amount.unitAmount().amount()
                    : Optional.ofNullable(prices.get(((LineItem.OfPrice) line).priceId())).map(Price::unitAmount)
                    .orElse(0L);
            total += unit * line.quantity();
        }
        String intent = "pi_fake_" + ids.incrementAndGet();
        paymentIntents.put(intent, total);
        session.paymentIntentId = intent;
        session.amountTotal = total;
        session.complete = true;
        return intent;
    }

    /** Creates a subscription directly (as if through the dashboard), with its first invoice. */
    public synchronized Subscription subscribe(CustomerId customer, String priceId, SubscriptionStatus status) {
        Subscription subscription = newSubscription(customer, priceId, status, 0, Map.of());
        Price price = prices.get(priceId);
        long amount = price == null || price.unitAmount() == null ? 0 : price.unitAmount();
        newInvoice(customer, subscription.id(), status == SubscriptionStatus.ACTIVE ? InvoiceStatus.PAID
                : InvoiceStatus.OPEN, amount);
        return subscription;
    }

    /** Changes a subscription's status at "Stripe" (as renewals, failed payments and dunning do). */
    public synchronized Subscription setStatus(String subscriptionId, SubscriptionStatus status) {
        Subscription s = subscriptions.get(subscriptionId);
        Subscription changed = new Subscription(s.id(), s.customerId(), status, s.priceId(), s.quantity(),
                s.currentPeriodStart(), s.currentPeriodEnd(), s.cancelAtPeriodEnd(), s.cancelAt(), s.canceledAt(),
                s.endedAt(), s.trialStart(), s.trialEnd(), s.created(), s.metadata(), s.version());
        subscriptions.put(subscriptionId, changed);
        return stamp(changed);
    }

    /** Attaches a test card to the customer; returns the payment method id. */
    public synchronized String attachCard(CustomerId customer) {
        String id = "pm_fake_" + ids.incrementAndGet();
        paymentMethods.put(id, new PaymentMethod(id, customer, "card", new Card("visa", "4242", 12, 2034), false,
                clock.instant()));
        return id;
    }

    // ---------------------------------------------------------------- the port

    @Override
    public Page<Product> listProducts(ProductQuery query) {
        return call(Operation.LIST_PRODUCTS, null, null, () -> Cursors.page(products.values().stream()
                .filter(p -> query.active() == null || p.active() == query.active())
                .sorted(Comparator.comparing(Product::id)).toList(), Product::id, query.startingAfter(),
                query.limit()));
    }

    @Override
    public Page<Price> listPrices(PriceQuery query) {
        return call(Operation.LIST_PRICES, null, null, () -> Cursors.page(prices.values().stream()
                .filter(p -> query.active() == null || p.active() == query.active())
                .filter(p -> query.productId() == null || p.productId().equals(query.productId()))
                .filter(p -> query.type() == null || p.type() == query.type())
                .sorted(Comparator.comparing(Price::id)).toList(), Price::id, query.startingAfter(), query.limit()));
    }

    @Override
    public Optional<Price> getPrice(String priceId) {
        return call(Operation.GET_PRICE, null, null, () -> Optional.ofNullable(prices.get(priceId)));
    }

    @Override
    public CustomerId createCustomer(NewCustomer customer) {
        return call(Operation.CREATE_CUSTOMER, customer.idempotencyKey(),
                customer.userId() + "|" + customer.email(), () -> {
                    String id = "cus_fake_" + ids.incrementAndGet();
                    customers.put(id, new FakeCustomer(id, customer.userId(), customer.email()));
                    return CustomerId.of(id);
                });
    }

    @Override
    public Optional<CustomerId> findCustomerByUserId(UserId userId) {
        return call(Operation.FIND_CUSTOMER, null, null, () -> searchLags ? Optional.<CustomerId>empty()
                : customers.values().stream().filter(c -> c.userId.equals(userId)).findFirst()
                .map(c -> CustomerId.of(c.id)));
    }

    @Override
    public CheckoutSession createCheckoutSession(CheckoutRequest request) {
        return call(Operation.CREATE_CHECKOUT, request.idempotencyKey(), fingerprint(request), () -> {
            requireCustomer(request.customerId());
            for (LineItem line : request.lineItems()) {
                if (line instanceof LineItem.OfPrice ofPrice && !prices.containsKey(ofPrice.priceId())) {
                    throw missing("price", ofPrice.priceId());
                }
            }
            String id = "cs_fake_" + ids.incrementAndGet();
            Session session = new Session(id, request);
            sessions.put(id, session);
            return session.view();
        });
    }

    @Override
    public Optional<CheckoutSession> getCheckoutSession(String sessionId) {
        return call(Operation.GET_CHECKOUT, null, null,
                () -> Optional.ofNullable(sessions.get(sessionId)).map(Session::view));
    }

    @Override
    public PortalSession createPortalSession(CustomerId customerId, String returnUrl) {
        return call(Operation.CREATE_PORTAL, null, null, () -> {
            requireCustomer(customerId);
            String id = "bps_fake_" + ids.incrementAndGet();
            return new PortalSession(id, "https://billing.fake.test/p/session/" + id);
        });
    }

    @Override
    public Optional<Subscription> getSubscription(String subscriptionId) {
        return call(Operation.GET_SUBSCRIPTION, null, null,
                () -> Optional.ofNullable(subscriptions.get(subscriptionId)).map(this::stamp));
    }

    @Override
    public List<Subscription> listSubscriptions(CustomerId customerId) {
        return call(Operation.LIST_SUBSCRIPTIONS, null, null, () -> subscriptions.values().stream()
                .filter(s -> s.customerId().equals(customerId)).map(this::stamp).toList());
    }

    @Override
    public Subscription cancelSubscription(String subscriptionId, boolean atPeriodEnd, String idempotencyKey) {
        return call(Operation.CANCEL_SUBSCRIPTION, idempotencyKey, subscriptionId + "|" + atPeriodEnd, () -> {
            Subscription s = requireSubscription(subscriptionId);
            Instant now = clock.instant();
            Subscription changed = atPeriodEnd
                    ? copy(s, s.status(), s.priceId(), true, s.canceledAt() == null ? now : s.canceledAt(), null)
                    : copy(s, SubscriptionStatus.CANCELED, s.priceId(), false, now, now);
            subscriptions.put(subscriptionId, changed);
            return stamp(changed);
        });
    }

    @Override
    public Subscription resumeSubscription(String subscriptionId, String idempotencyKey) {
        return call(Operation.RESUME_SUBSCRIPTION, idempotencyKey, subscriptionId, () -> {
            Subscription s = requireSubscription(subscriptionId);
            if (s.hasEnded()) {
                throw new GatewayRejectedException("This subscription has ended.", 400, "subscription_canceled",
                        null);
            }
            Subscription changed = copy(s, s.status(), s.priceId(), false, null, null);
            subscriptions.put(subscriptionId, changed);
            return stamp(changed);
        });
    }

    @Override
    public Subscription changeSubscriptionPrice(String subscriptionId, String newPriceId, ProrationBehavior proration,
                                                String idempotencyKey) {
        return call(Operation.CHANGE_PRICE, idempotencyKey, subscriptionId + "|" + newPriceId + "|" + proration, () -> {
            Subscription s = requireSubscription(subscriptionId);
            if (!prices.containsKey(newPriceId)) {
                throw missing("price", newPriceId);
            }
            Subscription changed = copy(s, s.status(), newPriceId, s.cancelAtPeriodEnd(), s.canceledAt(),
                    s.endedAt());
            subscriptions.put(subscriptionId, changed);
            return stamp(changed);
        });
    }

    @Override
    public Page<Invoice> listInvoices(CustomerId customerId, int limit, String startingAfter) {
        return call(Operation.LIST_INVOICES, null, null, () -> {
            List<Invoice> mine = invoices.values().stream().filter(i -> i.customerId().equals(customerId))
                    .map(this::stamp).toList();
            List<Invoice> newestFirst = new ArrayList<>(mine);
            java.util.Collections.reverse(newestFirst);
            int from = 0;
            if (startingAfter != null) {
                for (int i = 0; i < newestFirst.size(); i++) {
                    if (newestFirst.get(i).id().equals(startingAfter)) {
                        from = i + 1;
                    }
                }
            }
            List<Invoice> page = newestFirst.subList(Math.min(from, newestFirst.size()),
                    Math.min(from + limit, newestFirst.size()));
            boolean more = from + limit < newestFirst.size();
            return new Page<>(page, more, more ? page.get(page.size() - 1).id() : null);
        });
    }

    @Override
    public Optional<Invoice> getInvoice(String invoiceId) {
        return call(Operation.GET_INVOICE, null, null,
                () -> Optional.ofNullable(invoices.get(invoiceId)).map(this::stamp));
    }

    @Override
    public Invoice payInvoice(String invoiceId, String idempotencyKey) {
        return call(Operation.PAY_INVOICE, idempotencyKey, invoiceId, () -> {
            Invoice i = Optional.ofNullable(invoices.get(invoiceId)).orElseThrow(() -> missing("invoice", invoiceId));
            Invoice paid = new Invoice(i.id(), i.customerId(), i.subscriptionId(), InvoiceStatus.PAID, i.number(),
                    i.currency(), i.amountDue(), i.amountDue(), 0, i.hostedInvoiceUrl(), i.invoicePdf(),
                    i.billingReason(), i.periodStart(), i.periodEnd(), i.created(), i.version());
            invoices.put(invoiceId, paid);
            if (i.subscriptionId() != null && subscriptions.containsKey(i.subscriptionId())) {
                Subscription s = subscriptions.get(i.subscriptionId());
                if (s.status() == SubscriptionStatus.PAST_DUE || s.status() == SubscriptionStatus.UNPAID) {
                    subscriptions.put(s.id(), copy(s, SubscriptionStatus.ACTIVE, s.priceId(), s.cancelAtPeriodEnd(),
                            s.canceledAt(), s.endedAt()));
                }
            }
            return stamp(paid);
        });
    }

    @Override
    public List<PaymentMethod> listPaymentMethods(CustomerId customerId) {
        return call(Operation.LIST_PAYMENT_METHODS, null, null, () -> {
            String defaultId = Optional.ofNullable(customers.get(customerId.value())).map(c -> c.defaultPaymentMethod)
                    .orElse(null);
            return paymentMethods.values().stream().filter(p -> customerId.equals(p.customerId()))
                    .map(p -> p.asDefault(p.id().equals(defaultId))).toList();
        });
    }

    @Override
    public Optional<PaymentMethod> getPaymentMethod(String paymentMethodId) {
        return call(Operation.GET_PAYMENT_METHOD, null, null, () -> Optional.ofNullable(
                paymentMethods.get(paymentMethodId)));
    }

    @Override
    public SetupIntent createSetupIntent(CustomerId customerId, String idempotencyKey) {
        return call(Operation.CREATE_SETUP_INTENT, idempotencyKey, customerId.value(), () -> {
            requireCustomer(customerId);
            String id = "seti_fake_" + ids.incrementAndGet();
            return new SetupIntent(id, id + "_secret_fake", "requires_payment_method");
        });
    }

    @Override
    public void detachPaymentMethod(String paymentMethodId) {
        call(Operation.DETACH_PAYMENT_METHOD, null, null, () -> {
            PaymentMethod pm = Optional.ofNullable(paymentMethods.get(paymentMethodId))
                    .orElseThrow(() -> missing("payment_method", paymentMethodId));
            paymentMethods.put(paymentMethodId, new PaymentMethod(pm.id(), null, pm.type(), pm.card(), false,
                    pm.created()));
            customers.values().stream().filter(c -> paymentMethodId.equals(c.defaultPaymentMethod))
                    .forEach(c -> c.defaultPaymentMethod = null);
            return null;
        });
    }

    @Override
    public void setDefaultPaymentMethod(CustomerId customerId, String paymentMethodId) {
        call(Operation.SET_DEFAULT_PAYMENT_METHOD, null, null, () -> {
            FakeCustomer customer = requireCustomer(customerId);
            PaymentMethod pm = paymentMethods.get(paymentMethodId);
            if (pm == null || !customerId.equals(pm.customerId())) {
                throw missing("payment_method", paymentMethodId);
            }
            customer.defaultPaymentMethod = paymentMethodId;
            return null;
        });
    }

    @Override
    public Refund createRefund(RefundRequest request) {
        return call(Operation.CREATE_REFUND, request.idempotencyKey(),
                request.paymentIntentId() + "|" + request.amount(), () -> {
                    Long paid = paymentIntents.get(request.paymentIntentId());
                    if (paid == null) {
                        throw missing("payment_intent", request.paymentIntentId());
                    }
                    long refunded = refunds.stream().filter(r -> r.paymentIntentId().equals(request.paymentIntentId()))
                            .mapToLong(r -> r.amount().amount()).sum();
                    long amount = request.amount() == null ? paid - refunded : request.amount();
                    if (amount <= 0 || refunded + amount > paid) {
                        throw new GatewayRejectedException("Refund exceeds the charge.", 400,
                                "charge_already_refunded", "amount");
                    }
                    Refund refund = new Refund("re_fake_" + ids.incrementAndGet(), request.paymentIntentId(),
                            new Money(amount, "usd"), "succeeded");
                    refunds.add(refund);
                    return refund;
                });
    }

    @Override
    public void reportMeterEvent(MeterEvent event) {
        call(Operation.REPORT_METER_EVENT, null, null, () -> {
            requireCustomer(event.customerId());
            meterEvents.putIfAbsent(event.identifier(), event);
            return null;
        });
    }

    @Override
    public Optional<StripeEvent> getEvent(String eventId) {
        return call(Operation.GET_EVENT, null, null, () -> Optional.ofNullable(events.get(eventId)));
    }

    @Override
    public void ping() {
        call(Operation.PING, null, null, () -> null);
    }

    // ---------------------------------------------------------------- machinery

    private <T> T call(Operation operation, String idempotencyKey, String fingerprint, Supplier<T> action) {
        Failure failure;
        synchronized (this) {
            calls.add(new Call(operation, idempotencyKey));
            Deque<Failure> queue = scripted.get(operation);
            failure = queue != null && !queue.isEmpty() ? queue.poll() : scriptedAny.poll();
        }
        if (failure == Failure.NOT_DONE) {
            throw new GatewayUnavailableException("fake Stripe: connection refused (" + operation + ")");
        }
        if (failure == Failure.RATE_LIMITED) {
            throw new GatewayRateLimitedException("fake Stripe: rate limited (" + operation + ")",
                    Duration.ofMillis(1));
        }
        if (failure == Failure.UNKNOWN_BEFORE_APPLYING) {
            throw new GatewayOutcomeUnknownException("fake Stripe: read timeout (" + operation + ")");
        }
        if (failure == Failure.REJECTED) {
            throw new GatewayRejectedException("fake Stripe: rejected (" + operation + ")", 400, "scripted", null);
        }
        T result;
        synchronized (this) {
            if (idempotencyKey != null) {
                Replay replay = idempotency.get(idempotencyKey);
                if (replay != null) {
                    if (!replay.fingerprint.equals(fingerprint)) {
                        throw new GatewayRejectedException("Keys for idempotent requests can only be used with the "
                                + "same parameters they were first used with.", 400,
                                GatewayRejectedException.IDEMPOTENCY_ERROR, null);
                    }
                    @SuppressWarnings("unchecked")
                    T replayed = (T) replay.result;
                    result = replayed;
                } else {
                    result = action.get();
                    idempotency.put(idempotencyKey, new Replay(fingerprint, result));
                }
            } else {
                result = action.get();
            }
        }
        if (failure == Failure.UNKNOWN_AFTER_APPLYING) {
            throw new GatewayOutcomeUnknownException("fake Stripe: read timeout after applying (" + operation + ")");
        }
        return result;
    }

    private Subscription newSubscription(CustomerId customer, String priceId, SubscriptionStatus status, int trialDays,
                                         Map<String, String> metadata) {
        requireCustomer(customer);
        Instant now = clock.instant();
        Price price = prices.get(priceId);
        BillingInterval interval = price != null && price.recurring() != null ? price.recurring().interval()
                : BillingInterval.MONTH;
        Instant trialEnd = trialDays > 0 ? now.plus(Duration.ofDays(trialDays)) : null;
        Instant periodEnd = trialEnd != null ? trialEnd : plus(now, interval);
        String id = "sub_fake_" + ids.incrementAndGet();
        Subscription subscription = new Subscription(id, customer, status, priceId, 1, now, periodEnd, false, null,
                null, null, trialEnd == null ? null : now, trialEnd, now, metadata, SourceVersion.refetch(now));
        subscriptions.put(id, subscription);
        return stamp(subscription);
    }

    private void newInvoice(CustomerId customer, String subscriptionId, InvoiceStatus status, long amount) {
        String id = "in_fake_" + ids.incrementAndGet();
        Instant now = clock.instant();
        invoices.put(id, new Invoice(id, customer, subscriptionId, status, "FAKE-" + ids.get(), "usd", amount,
                status == InvoiceStatus.PAID ? amount : 0, status == InvoiceStatus.PAID ? 0 : amount,
                "https://invoice.fake.test/" + id, "https://invoice.fake.test/" + id + ".pdf",
                "subscription_create", now, now, now, SourceVersion.refetch(now)));
    }

    private static Instant plus(Instant instant, BillingInterval interval) {
        var time = instant.atOffset(ZoneOffset.UTC);
        switch (interval) {
            case DAY: return time.plusDays(1).toInstant();
            case WEEK: return time.plusWeeks(1).toInstant();
            case YEAR: return time.plusYears(1).toInstant();
            default: return time.plusMonths(1).toInstant();
        }
    }

    private static Subscription copy(Subscription s, SubscriptionStatus status, String priceId, boolean cancelAtEnd,
                                     Instant canceledAt, Instant endedAt) {
        return new Subscription(s.id(), s.customerId(), status, priceId, s.quantity(), s.currentPeriodStart(),
                s.currentPeriodEnd(), cancelAtEnd, null, canceledAt, endedAt, s.trialStart(), s.trialEnd(),
                s.created(), s.metadata(), s.version());
    }

    private Subscription stamp(Subscription s) {
        return s.withVersion(stamps.next());
    }

    private Invoice stamp(Invoice i) {
        return i.withVersion(stamps.next());
    }

    private FakeCustomer requireCustomer(CustomerId customerId) {
        FakeCustomer customer = customers.get(customerId.value());
        if (customer == null) {
            throw missing("customer", customerId.value());
        }
        return customer;
    }

    private Subscription requireSubscription(String id) {
        return Optional.ofNullable(subscriptions.get(id)).orElseThrow(() -> missing("subscription", id));
    }

    private static GatewayRejectedException missing(String resource, String id) {
        return new GatewayRejectedException("No such " + resource + ": '" + id + "'", 404,
                GatewayRejectedException.RESOURCE_MISSING, "id");
    }

    private static String fingerprint(CheckoutRequest r) {
        return r.mode() + "|" + r.customerId() + "|" + r.lineItems() + "|" + r.successUrl() + "|" + r.cancelUrl()
                + "|" + r.trialDays() + "|" + r.promotionCode() + "|" + new java.util.TreeMap<>(r.metadata());
    }

    private record Replay(String fingerprint, Object result) {
    }

    private static final class FakeCustomer {
        final String id;
        final UserId userId;
        final String email;
        String defaultPaymentMethod;

        FakeCustomer(String id, UserId userId, String email) {
            this.id = id;
            this.userId = userId;
            this.email = email;
        }
    }

    private final class Session {
        final String id;
        final CheckoutRequest request;
        String subscriptionId;
        String paymentIntentId;
        Long amountTotal;
        boolean complete;

        Session(String id, CheckoutRequest request) {
            this.id = id;
            this.request = request;
        }

        CheckoutSession view() {
            return new CheckoutSession(id, complete ? null : "https://checkout.fake.test/c/pay/" + id, request.mode(),
                    request.customerId(), subscriptionId, paymentIntentId, complete ? "complete" : "open",
                    complete ? "paid" : "unpaid", request.clientReferenceId(), amountTotal, "usd",
                    request.metadata());
        }
    }
}

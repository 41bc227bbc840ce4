package dev.billing.stripe;

import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.exception.ApiKeyMissingException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Event;
import com.stripe.model.HasId;
import com.stripe.model.PromotionCode;
import com.stripe.model.StripeCollection;
import com.stripe.model.StripeObject;
import com.stripe.model.StripeSearchResult;
import com.stripe.model.SubscriptionItem;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerSearchParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.InvoicePayParams;
import com.stripe.param.PaymentMethodDetachParams;
import com.stripe.param.PaymentMethodListParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.ProductListParams;
import com.stripe.param.PromotionCodeListParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.SetupIntentCreateParams;
import com.stripe.param.SubscriptionCancelParams;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.billing.MeterEventCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CheckoutMode;
import dev.billing.core.model.CheckoutRequest;
import dev.billing.core.model.CheckoutSession;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Invoice;
import dev.billing.core.model.LineItem;
import dev.billing.core.model.MeterEvent;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.Page;
import dev.billing.core.model.PaymentMethod;
import dev.billing.core.model.PortalSession;
import dev.billing.core.model.Price;
import dev.billing.core.model.PriceQuery;
import dev.billing.core.model.PriceType;
import dev.billing.core.model.Product;
import dev.billing.core.model.ProductQuery;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.Refund;
import dev.billing.core.model.RefundRequest;
import dev.billing.core.model.SetupIntent;
import dev.billing.core.model.StripeEvent;
import dev.billing.core.model.Subscription;
import dev.billing.core.model.UserId;
import dev.billing.core.port.PaymentGateway;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link PaymentGateway} on stripe-java, pinned to Stripe API version {@value #API_VERSION}.
 *
 * <p>Usage: {@code PaymentGateway stripe = StripePaymentGateway.create(StripeConfig.fromEnvironment(System.getenv()));}
 *
 * <p>One {@link StripeClient} per gateway, built with {@link StripeClient#builder()} (API base, network retries,
 * connect/read timeouts from {@link StripeConfig}). Calls that take an idempotency key pass the core's key through
 * {@link RequestOptions}; stripe-java repeats a request (connect failures, timeouts, 409, 5xx,
 * {@code Stripe-Should-Retry: true}) with the same key. Failures are translated by {@link StripeErrors}: no
 * stripe-java type crosses the port. Every object read from Stripe carries a
 * {@link dev.billing.core.model.SourceVersion#refetch} version from this gateway's {@link RefetchStamps}.
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

    private static final long MAX_PAGE = 100;
    private static final int SEARCH_LIMIT = 10;

    private final StripeClient client;
    private final StripeConfig config;
    private final Clock clock;
    private final RefetchStamps stamps;

    private StripePaymentGateway(StripeClient client, StripeConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.stamps = new RefetchStamps(clock);
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
        ProductListParams.Builder params = ProductListParams.builder().setLimit((long) query.limit());
        if (query.active() != null) {
            params.setActive(query.active());
        }
        if (query.startingAfter() != null) {
            params.setStartingAfter(query.startingAfter());
        }
        StripeCollection<com.stripe.model.Product> page = call("list products",
                () -> client.v1().products().list(params.build()));
        return page("list products", page, p -> StripeObjects.product(p), com.stripe.model.Product::getId);
    }

    @Override
    public Page<Price> listPrices(PriceQuery query) {
        PriceListParams.Builder params = PriceListParams.builder().setLimit((long) query.limit());
        if (query.active() != null) {
            params.setActive(query.active());
        }
        if (query.productId() != null) {
            params.setProduct(query.productId());
        }
        if (query.type() != null) {
            params.setType(query.type() == PriceType.RECURRING ? PriceListParams.Type.RECURRING
                    : PriceListParams.Type.ONE_TIME);
        }
        if (query.startingAfter() != null) {
            params.setStartingAfter(query.startingAfter());
        }
        StripeCollection<com.stripe.model.Price> page = call("list prices",
                () -> client.v1().prices().list(params.build()));
        return page("list prices", page, StripeObjects::price, com.stripe.model.Price::getId);
    }

    @Override
    public Optional<Price> getPrice(String priceId) {
        return find("retrieve price", priceId, () -> client.v1().prices().retrieve(priceId))
                .map(p -> read("retrieve price", p, StripeObjects::price));
    }

    // ---------------------------------------------------------------- customers

    @Override
    public CustomerId createCustomer(NewCustomer customer) {
        CustomerCreateParams.Builder params = CustomerCreateParams.builder()
                .putMetadata("user_id", customer.userId().value());
        if (customer.email() != null) {
            params.setEmail(customer.email());
        }
        Customer created = call("create customer",
                () -> client.v1().customers().create(params.build(), keyed(customer.idempotencyKey())));
        return read("create customer", created, c -> CustomerId.of(c.getId()));
    }

    @Override
    public Optional<CustomerId> findCustomerByUserId(UserId userId) {
        CustomerSearchParams params = CustomerSearchParams.builder()
                .setQuery(userIdQuery(userId)).setLimit((long) SEARCH_LIMIT).build();
        StripeSearchResult<Customer> result = call("search customers", () -> client.v1().customers().search(params));
        return read("search customers", result, r -> r.getData().stream()
                .filter(c -> !Boolean.TRUE.equals(c.getDeleted()))
                .min(Comparator.comparing((Customer c) -> c.getCreated() == null ? Long.MAX_VALUE : c.getCreated())
                        .thenComparing(Customer::getId))
                .map(c -> CustomerId.of(c.getId())));
    }

    /** Stripe search syntax: {@code metadata['user_id']:'<id>'} with quotes and backslashes escaped. */
    static String userIdQuery(UserId userId) {
        return "metadata['user_id']:'" + escapeSearchValue(userId.value()) + "'";
    }

    static String escapeSearchValue(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\'' || c == '"') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    // ---------------------------------------------------------------- checkout and portal

    @Override
    public CheckoutSession createCheckoutSession(CheckoutRequest request) {
        SessionCreateParams.Builder params = SessionCreateParams.builder()
                .setMode(switch (request.mode()) {
                    case SUBSCRIPTION -> SessionCreateParams.Mode.SUBSCRIPTION;
                    case PAYMENT -> SessionCreateParams.Mode.PAYMENT;
                    case SETUP -> SessionCreateParams.Mode.SETUP;
                })
                .setCustomer(request.customerId().value())
                .setSuccessUrl(request.successUrl())
                .setCancelUrl(request.cancelUrl());
        for (LineItem line : request.lineItems()) {
            params.addLineItem(lineItem(line));
        }
        if (request.clientReferenceId() != null) {
            params.setClientReferenceId(request.clientReferenceId());
        }
        if (!request.metadata().isEmpty()) {
            params.putAllMetadata(request.metadata());
        }
        if (request.mode() == CheckoutMode.SUBSCRIPTION
                && (!request.subscriptionMetadata().isEmpty() || request.trialDays() > 0)) {
            SessionCreateParams.SubscriptionData.Builder data = SessionCreateParams.SubscriptionData.builder();
            if (!request.subscriptionMetadata().isEmpty()) {
                data.putAllMetadata(request.subscriptionMetadata());
            }
            if (request.trialDays() > 0) {
                data.setTrialPeriodDays((long) request.trialDays());
            }
            params.setSubscriptionData(data.build());
        }
        if (request.promotionCode() != null) {
            params.addDiscount(SessionCreateParams.Discount.builder()
                    .setPromotionCode(promotionCodeId(request.promotionCode())).build());
        }
        com.stripe.model.checkout.Session session = call("create checkout session",
                () -> client.v1().checkout().sessions().create(params.build(), keyed(request.idempotencyKey())));
        return read("create checkout session", session, StripeObjects::checkoutSession);
    }

    private static SessionCreateParams.LineItem lineItem(LineItem line) {
        if (line instanceof LineItem.OfPrice ofPrice) {
            return SessionCreateParams.LineItem.builder().setPrice(ofPrice.priceId())
                    .setQuantity(ofPrice.quantity()).build();
        }
        LineItem.OfAmount ofAmount = (LineItem.OfAmount) line;
        return SessionCreateParams.LineItem.builder()
                .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                        .setProduct(ofAmount.productId())
                        .setUnitAmount(ofAmount.unitAmount().amount())
                        .setCurrency(ofAmount.unitAmount().currency())
                        .build())
                .setQuantity(ofAmount.quantity())
                .build();
    }

    /**
     * A {@code promo_...} id is used as is; a customer-facing code is looked up among the active promotion codes
     * (Stripe matches codes case-insensitively).
     */
    private String promotionCodeId(String codeOrId) {
        if (codeOrId.startsWith("promo_")) {
            return codeOrId;
        }
        PromotionCodeListParams params = PromotionCodeListParams.builder()
                .setCode(codeOrId).setActive(true).setLimit(1L).build();
        StripeCollection<PromotionCode> found = call("look up promotion code",
                () -> client.v1().promotionCodes().list(params));
        Optional<String> id = read("look up promotion code", found,
                f -> f.getData().stream().findFirst().map(PromotionCode::getId));
        return id.orElseThrow(() -> new GatewayRejectedException("No active promotion code '" + codeOrId + "'.", 400,
                GatewayRejectedException.RESOURCE_MISSING, "promotion_code"));
    }

    @Override
    public Optional<CheckoutSession> getCheckoutSession(String sessionId) {
        return find("retrieve checkout session", sessionId,
                () -> client.v1().checkout().sessions().retrieve(sessionId))
                .map(s -> read("retrieve checkout session", s, StripeObjects::checkoutSession));
    }

    @Override
    public PortalSession createPortalSession(CustomerId customerId, String returnUrl) {
        com.stripe.param.billingportal.SessionCreateParams params = com.stripe.param.billingportal.SessionCreateParams
                .builder().setCustomer(customerId.value()).setReturnUrl(returnUrl).build();
        com.stripe.model.billingportal.Session session = call("create portal session",
                () -> client.v1().billingPortal().sessions().create(params));
        return read("create portal session", session, s -> new PortalSession(s.getId(), s.getUrl()));
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public Optional<Subscription> getSubscription(String subscriptionId) {
        return find("retrieve subscription", subscriptionId,
                () -> client.v1().subscriptions().retrieve(subscriptionId))
                .map(s -> read("retrieve subscription", s, this::subscription));
    }

    @Override
    public List<Subscription> listSubscriptions(CustomerId customerId) {
        List<Subscription> all = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 1_000; pages++) {
            SubscriptionListParams.Builder params = SubscriptionListParams.builder()
                    .setCustomer(customerId.value()).setStatus(SubscriptionListParams.Status.ALL).setLimit(MAX_PAGE);
            if (after != null) {
                params.setStartingAfter(after);
            }
            StripeCollection<com.stripe.model.Subscription> page = call("list subscriptions",
                    () -> client.v1().subscriptions().list(params.build()));
            Page<Subscription> mapped = page("list subscriptions", page, this::subscription,
                    com.stripe.model.Subscription::getId);
            all.addAll(mapped.items());
            if (!mapped.hasMore()) {
                return all;
            }
            after = mapped.nextCursor();
        }
        throw new GatewayOutcomeUnknownException("Stripe kept paging the subscriptions of " + customerId);
    }

    @Override
    public Subscription cancelSubscription(String subscriptionId, boolean atPeriodEnd, String idempotencyKey) {
        requireId(subscriptionId, "subscriptionId");
        if (atPeriodEnd) {
            SubscriptionUpdateParams params = SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build();
            com.stripe.model.Subscription s = call("cancel subscription at period end",
                    () -> client.v1().subscriptions().update(subscriptionId, params, keyed(idempotencyKey)));
            return read("cancel subscription at period end", s, this::subscription);
        }
        com.stripe.model.Subscription s = call("cancel subscription", () -> client.v1().subscriptions()
                .cancel(subscriptionId, SubscriptionCancelParams.builder().build(), keyed(idempotencyKey)));
        return read("cancel subscription", s, this::subscription);
    }

    @Override
    public Subscription resumeSubscription(String subscriptionId, String idempotencyKey) {
        requireId(subscriptionId, "subscriptionId");
        SubscriptionUpdateParams params = SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(false).build();
        com.stripe.model.Subscription s = call("resume subscription",
                () -> client.v1().subscriptions().update(subscriptionId, params, keyed(idempotencyKey)));
        return read("resume subscription", s, this::subscription);
    }

    @Override
    public Subscription changeSubscriptionPrice(String subscriptionId, String newPriceId, ProrationBehavior proration,
                                                String idempotencyKey) {
        requireId(subscriptionId, "subscriptionId");
        Objects.requireNonNull(proration, "proration");
        com.stripe.model.Subscription current = call("retrieve subscription",
                () -> client.v1().subscriptions().retrieve(subscriptionId));
        String itemId = read("retrieve subscription", current, StripePaymentGateway::firstItemId);
        if (itemId == null) {
            throw new GatewayRejectedException("Subscription " + subscriptionId + " has no item to move to "
                    + newPriceId + ".", 400, null, "items");
        }
        SubscriptionUpdateParams params = SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(itemId).setPrice(newPriceId).build())
                .setProrationBehavior(switch (proration) {
                    case CREATE_PRORATIONS -> SubscriptionUpdateParams.ProrationBehavior.CREATE_PRORATIONS;
                    case ALWAYS_INVOICE -> SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE;
                    case NONE -> SubscriptionUpdateParams.ProrationBehavior.NONE;
                })
                .build();
        com.stripe.model.Subscription s = call("change subscription price",
                () -> client.v1().subscriptions().update(subscriptionId, params, keyed(idempotencyKey)));
        return read("change subscription price", s, this::subscription);
    }

    private Subscription subscription(com.stripe.model.Subscription s) {
        return StripeObjects.subscription(s, stamps.next());
    }

    // ---------------------------------------------------------------- invoices

    @Override
    public Page<Invoice> listInvoices(CustomerId customerId, int limit, String startingAfter) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and 100, was " + limit);
        }
        InvoiceListParams.Builder params = InvoiceListParams.builder().setCustomer(customerId.value())
                .setLimit((long) limit);
        if (startingAfter != null) {
            params.setStartingAfter(startingAfter);
        }
        StripeCollection<com.stripe.model.Invoice> page = call("list invoices",
                () -> client.v1().invoices().list(params.build()));
        return page("list invoices", page, this::invoice, com.stripe.model.Invoice::getId);
    }

    @Override
    public Optional<Invoice> getInvoice(String invoiceId) {
        return find("retrieve invoice", invoiceId, () -> client.v1().invoices().retrieve(invoiceId))
                .map(i -> read("retrieve invoice", i, this::invoice));
    }

    @Override
    public Invoice payInvoice(String invoiceId, String idempotencyKey) {
        requireId(invoiceId, "invoiceId");
        com.stripe.model.Invoice paid = call("pay invoice", () -> client.v1().invoices()
                .pay(invoiceId, InvoicePayParams.builder().build(), keyed(idempotencyKey)));
        return read("pay invoice", paid, this::invoice);
    }

    private Invoice invoice(com.stripe.model.Invoice i) {
        return StripeObjects.invoice(i, stamps.next());
    }

    // ---------------------------------------------------------------- payment methods

    @Override
    public List<PaymentMethod> listPaymentMethods(CustomerId customerId) {
        String defaultId = defaultPaymentMethodOf(customerId.value());
        List<PaymentMethod> all = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 1_000; pages++) {
            PaymentMethodListParams.Builder params = PaymentMethodListParams.builder()
                    .setCustomer(customerId.value()).setType(PaymentMethodListParams.Type.CARD).setLimit(MAX_PAGE);
            if (after != null) {
                params.setStartingAfter(after);
            }
            StripeCollection<com.stripe.model.PaymentMethod> page = call("list payment methods",
                    () -> client.v1().paymentMethods().list(params.build()));
            Page<PaymentMethod> mapped = page("list payment methods", page,
                    pm -> StripeObjects.paymentMethod(pm, defaultId), com.stripe.model.PaymentMethod::getId);
            all.addAll(mapped.items());
            if (!mapped.hasMore()) {
                return all;
            }
            after = mapped.nextCursor();
        }
        throw new GatewayOutcomeUnknownException("Stripe kept paging the payment methods of " + customerId);
    }

    @Override
    public Optional<PaymentMethod> getPaymentMethod(String paymentMethodId) {
        Optional<com.stripe.model.PaymentMethod> found = find("retrieve payment method", paymentMethodId,
                () -> client.v1().paymentMethods().retrieve(paymentMethodId));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String customer = found.get().getCustomer();
        String defaultId = customer == null ? null : defaultPaymentMethodOf(customer);
        return found.map(pm -> read("retrieve payment method", pm, p -> StripeObjects.paymentMethod(p, defaultId)));
    }

    private String defaultPaymentMethodOf(String customerId) {
        Customer customer = call("retrieve customer", () -> client.v1().customers().retrieve(customerId));
        return read("retrieve customer", customer, StripeObjects::defaultPaymentMethod);
    }

    @Override
    public SetupIntent createSetupIntent(CustomerId customerId, String idempotencyKey) {
        SetupIntentCreateParams params = SetupIntentCreateParams.builder().setCustomer(customerId.value())
                .addPaymentMethodType("card").build();
        com.stripe.model.SetupIntent intent = call("create setup intent",
                () -> client.v1().setupIntents().create(params, keyed(idempotencyKey)));
        return read("create setup intent", intent, StripeObjects::setupIntent);
    }

    @Override
    public void detachPaymentMethod(String paymentMethodId) {
        requireId(paymentMethodId, "paymentMethodId");
        call("detach payment method", () -> client.v1().paymentMethods()
                .detach(paymentMethodId, PaymentMethodDetachParams.builder().build()));
    }

    @Override
    public void setDefaultPaymentMethod(CustomerId customerId, String paymentMethodId) {
        requireId(paymentMethodId, "paymentMethodId");
        CustomerUpdateParams params = CustomerUpdateParams.builder()
                .setInvoiceSettings(CustomerUpdateParams.InvoiceSettings.builder()
                        .setDefaultPaymentMethod(paymentMethodId).build())
                .build();
        call("set default payment method", () -> client.v1().customers().update(customerId.value(), params));
    }

    // ---------------------------------------------------------------- refunds, meters, events

    @Override
    public Refund createRefund(RefundRequest request) {
        RefundCreateParams.Builder params = RefundCreateParams.builder().setPaymentIntent(request.paymentIntentId());
        if (request.amount() != null) {
            params.setAmount(request.amount());
        }
        if (request.reason() != null) {
            Optional<RefundCreateParams.Reason> known = refundReason(request.reason());
            if (known.isPresent()) {
                params.setReason(known.get());
            } else {
                params.putExtraParam("reason", request.reason()); // Stripe validates it
            }
        }
        com.stripe.model.Refund refund = call("create refund",
                () -> client.v1().refunds().create(params.build(), keyed(request.idempotencyKey())));
        return read("create refund", refund, StripeObjects::refund);
    }

    private static Optional<RefundCreateParams.Reason> refundReason(String reason) {
        for (RefundCreateParams.Reason value : RefundCreateParams.Reason.values()) {
            if (value.getValue().equals(reason.toLowerCase(Locale.ROOT))) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** Reporting is idempotent: Stripe's "an event already exists with identifier X" counts as success. */
    @Override
    public void reportMeterEvent(MeterEvent event) {
        MeterEventCreateParams params = MeterEventCreateParams.builder()
                .setEventName(event.eventName())
                .putPayload("stripe_customer_id", event.customerId().value())
                .putPayload("value", Long.toString(event.value()))
                .setIdentifier(event.identifier())
                .setTimestamp(event.timestamp().getEpochSecond())
                .build();
        try {
            call("report meter event", () -> client.v1().billing().meterEvents().create(params));
        } catch (GatewayRejectedException e) {
            if (!isDuplicateMeterEvent(e, event.identifier())) {
                throw e;
            }
        }
    }

    static boolean isDuplicateMeterEvent(GatewayRejectedException e, String identifier) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return e.status() == 400 && message.contains("already exists") && message.contains(identifier);
    }

    @Override
    public Optional<StripeEvent> getEvent(String eventId) {
        return find("retrieve event", eventId, () -> client.v1().events().retrieve(eventId))
                .map(e -> read("retrieve event", e, StripePaymentGateway::event));
    }

    private static StripeEvent event(Event event) {
        return StripeEventReader.read(event.getLastResponse().body());
    }

    /** A cheap authenticated read ({@code GET /v1/balance}): proves the network path and the key. */
    @Override
    public void ping() {
        call("ping (retrieve balance)", () -> client.v1().balance().retrieve());
    }

    // ---------------------------------------------------------------- machinery

    /** A stripe-java call. */
    @FunctionalInterface
    private interface StripeCall<T> {
        T run() throws StripeException;
    }

    private <T> T call(String operation, StripeCall<T> call) {
        try {
            return call.run();
        } catch (StripeException e) {
            throw StripeErrors.translate(operation, e, clock);
        } catch (RequestOptions.InvalidRequestOptionsException e) {
            throw new GatewayRejectedException("Cannot " + operation + ": " + e.getMessage(), 400,
                    "invalid_request_options", "idempotency_key");
        } catch (ApiKeyMissingException e) {
            throw new GatewayRejectedException("Cannot " + operation + ": no Stripe API key is configured", 401,
                    "api_key_missing", null);
        }
    }

    /** A lookup: Stripe's 404 is empty, so is an id that cannot name an object. */
    private <T> Optional<T> find(String operation, String id, StripeCall<T> call) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(call(operation, call));
        } catch (GatewayRejectedException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Maps Stripe's answer; an answer that does not fit the core's model is an unknown outcome. */
    private <S, T> T read(String operation, S answer, Function<S, T> mapper) {
        try {
            return mapper.apply(answer);
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            String requestId = answer instanceof StripeObject object && object.getLastResponse() != null
                    ? object.getLastResponse().requestId() : null;
            throw new GatewayOutcomeUnknownException("Stripe's answer to " + operation + " cannot be read: "
                    + e.getMessage(), requestId, e);
        }
    }

    private <S extends HasId, T> Page<T> page(String operation, StripeCollection<S> page,
                                                     Function<S, T> mapper, Function<S, String> id) {
        return read(operation, page, p -> {
            List<S> data = p.getData() == null ? List.of() : p.getData();
            List<T> items = new ArrayList<>(data.size());
            for (S item : data) {
                items.add(mapper.apply(item));
            }
            boolean more = Boolean.TRUE.equals(p.getHasMore()) && !data.isEmpty();
            return new Page<>(items, more, more ? id.apply(data.get(data.size() - 1)) : null);
        });
    }

    private static RequestOptions keyed(String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    }

    private static void requireId(String id, String name) {
        Objects.requireNonNull(id, name);
        if (id.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static String firstItemId(com.stripe.model.Subscription s) {
        List<SubscriptionItem> items = s.getItems() == null ? List.of() : s.getItems().getData();
        return items == null || items.isEmpty() ? null : items.get(0).getId();
    }
}

package dev.billing.stripe;

import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.Page;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceType;
import dev.billing.core.model.catalog.Product;
import dev.billing.core.model.catalog.ProductQuery;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.emulator.EmittedEvent;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the adapter sends to Stripe and how it reads the answers, beyond the port's contract. */
class StripePaymentGatewayIT {
    private static final String OK = "https://app.example.com/ok?session_id={CHECKOUT_SESSION_ID}";
    private static final String CANCEL = "https://app.example.com/cancel";

    private static StripeEmulator emulator;
    private static StripePaymentGateway gateway;

    @BeforeAll
    static void startEmulator() {
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        gateway = StripePaymentGateway.create(StripeConfig.of(emulator.apiKey()).withApiBase(emulator.baseUrl()));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    private static CustomerId newCustomer() {
        UserId user = UserId.of(unique("user_"));
        return gateway.createCustomer(new NewCustomer(user, user.value() + "@example.com", unique("key-")));
    }

    private static RecordedRequest lastRequest(String method, String path) {
        List<RecordedRequest> matching = emulator.requestLog().stream()
                .filter(r -> r.method().equals(method) && r.path().equals(path))
                .toList();
        assertThat(matching).as(method + " " + path).isNotEmpty();
        return matching.get(matching.size() - 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    private static Subscription subscribed(CustomerId customer, String priceId) {
        CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.SUBSCRIPTION,
                customer,
                List.of(new LineItem.OfPrice(priceId, 1)),
                OK,
                CANCEL,
                null,
                0,
                null,
                Map.of(),
                Map.of(),
                unique("checkout-")));
        return gateway.getSubscription(
                        emulator.completeCheckoutSession(session.id()).subscriptionId())
                .orElseThrow();
    }

    @Test
    void createsCustomersWithTheUserIdMetadataEmailAndTheCoresKey() {
        UserId user = UserId.of(unique("user_"));
        String key = unique("billing-customer-");
        CustomerId customer = gateway.createCustomer(new NewCustomer(user, "ada@example.com", key));
        RecordedRequest request = lastRequest("POST", "/v1/customers");
        assertThat(request.idempotencyKey()).isEqualTo(key);
        assertThat(request.params())
                .containsEntry("email", "ada@example.com")
                .containsEntry("metadata", Map.of("user_id", user.value()));
        assertThat(gateway.findCustomerByUserId(user)).contains(customer);

        gateway.createCustomer(new NewCustomer(UserId.of(unique("user_")), null, unique("key-")));
        assertThat(lastRequest("POST", "/v1/customers").params()).doesNotContainKey("email");
    }

    @Test
    void buildsASubscriptionCheckoutWithTrialMetadataAndAPromotionCodeLookedUpByCode() {
        CustomerId customer = newCustomer();
        String key = unique("checkout-");
        CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.SUBSCRIPTION,
                customer,
                List.of(new LineItem.OfPrice("price_pro_monthly", 1)),
                OK,
                CANCEL,
                "user_ada",
                14,
                "LAUNCH20",
                Map.of("user_id", "user_ada", "plan", "pro"),
                Map.of("user_id", "user_ada"),
                key));

        RecordedRequest request = lastRequest("POST", "/v1/checkout/sessions");
        assertThat(request.idempotencyKey()).isEqualTo(key);
        Map<String, Object> params = request.params();
        assertThat(params)
                .containsEntry("mode", "subscription")
                .containsEntry("customer", customer.value())
                .containsEntry("client_reference_id", "user_ada")
                .containsEntry("success_url", OK)
                .containsEntry("cancel_url", CANCEL)
                .containsEntry("metadata", Map.of("user_id", "user_ada", "plan", "pro"));
        assertThat(list(params.get("line_items")))
                .containsExactly(Map.of("price", "price_pro_monthly", "quantity", "1"));
        assertThat(map(params.get("subscription_data")))
                .containsEntry("trial_period_days", "14")
                .containsEntry("metadata", Map.of("user_id", "user_ada"));
        assertThat(list(params.get("discounts"))).containsExactly(Map.of("promotion_code", "promo_launch20"));
        assertThat(lastRequest("GET", "/v1/promotion_codes").params())
                .containsEntry("code", "LAUNCH20")
                .containsEntry("active", "true");

        assertThat(session.mode()).isEqualTo(CheckoutMode.SUBSCRIPTION);
        assertThat(session.customerId()).isEqualTo(customer);
        assertThat(session.clientReferenceId()).isEqualTo("user_ada");
        assertThat(session.status()).isEqualTo("open");
        Subscription trialing = gateway.getSubscription(
                        emulator.completeCheckoutSession(session.id()).subscriptionId())
                .orElseThrow();
        assertThat(trialing.status()).isEqualTo(SubscriptionStatus.TRIALING);
        assertThat(Duration.between(trialing.trialStart(), trialing.trialEnd())).isEqualTo(Duration.ofDays(14));
        assertThat(trialing.metadata()).containsEntry("user_id", "user_ada");
    }

    @Test
    void leavesOutTheTrialAndSubscriptionDataWhenThereAreNone() {
        CustomerId customer = newCustomer();
        gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.SUBSCRIPTION,
                customer,
                List.of(new LineItem.OfPrice("price_pro_monthly", 1)),
                OK,
                CANCEL,
                null,
                0,
                null,
                Map.of(),
                Map.of(),
                unique("checkout-")));
        assertThat(lastRequest("POST", "/v1/checkout/sessions").params())
                .doesNotContainKeys("subscription_data", "discounts", "client_reference_id", "metadata");
    }

    @Test
    void usesAPromotionCodeIdAsIsAndRejectsAnUnknownCodeBeforeCreatingASession() {
        CustomerId customer = newCustomer();
        gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.SUBSCRIPTION,
                customer,
                List.of(new LineItem.OfPrice("price_pro_monthly", 1)),
                OK,
                CANCEL,
                null,
                0,
                "promo_launch20",
                Map.of(),
                Map.of(),
                unique("checkout-")));
        assertThat(list(lastRequest("POST", "/v1/checkout/sessions").params().get("discounts")))
                .containsExactly(Map.of("promotion_code", "promo_launch20"));

        int sessionsBefore = emulator.requestLog().size();
        assertThatThrownBy(() -> gateway.createCheckoutSession(new CheckoutRequest(
                        CheckoutMode.SUBSCRIPTION,
                        customer,
                        List.of(new LineItem.OfPrice("price_pro_monthly", 1)),
                        OK,
                        CANCEL,
                        null,
                        0,
                        "NOSUCHCODE",
                        Map.of(),
                        Map.of(),
                        unique("checkout-"))))
                .isInstanceOfSatisfying(GatewayRejectedException.class, e -> {
                    assertThat(e.param()).isEqualTo("promotion_code");
                    assertThat(e.status()).isEqualTo(400);
                });
        assertThat(emulator.requestLog()
                        .subList(sessionsBefore, emulator.requestLog().size()))
                .noneMatch(r -> r.method().equals("POST") && r.path().equals("/v1/checkout/sessions"));
    }

    @Test
    void buildsAOneTimeCheckoutWithAServerComputedAmount() {
        CustomerId customer = newCustomer();
        CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.PAYMENT,
                customer,
                List.of(new LineItem.OfAmount("prod_template_pack", Money.of(3920, "usd"), 2, "price_template_pack")),
                OK,
                CANCEL,
                "user_ada",
                0,
                null,
                Map.of("price_id", "price_template_pack", "quantity", "2"),
                Map.of(),
                unique("checkout-")));
        assertThat(list(lastRequest("POST", "/v1/checkout/sessions").params().get("line_items")))
                .containsExactly(Map.of(
                        "price_data",
                        Map.of("product", "prod_template_pack", "unit_amount", "3920", "currency", "usd"),
                        "quantity",
                        "2"));
        assertThat(session.mode()).isEqualTo(CheckoutMode.PAYMENT);
        assertThat(session.amountTotal()).isEqualTo(7840L);
        assertThat(session.currency()).isEqualTo("usd");
        String paymentIntent = emulator.completeCheckoutSession(session.id()).paymentIntentId();
        CheckoutSession paid = gateway.getCheckoutSession(session.id()).orElseThrow();
        assertThat(paid.isPaid()).isTrue();
        assertThat(paid.paymentIntentId()).isEqualTo(paymentIntent);
        assertThat(paid.metadata()).containsEntry("price_id", "price_template_pack");
    }

    @Test
    void readsRecurringMeteredAndOneTimePrices() {
        Price metered = gateway.getPrice("price_api_calls_metered").orElseThrow();
        assertThat(metered.type()).isEqualTo(PriceType.RECURRING);
        assertThat(metered.recurring().metered()).isTrue();
        assertThat(metered.recurring().meterId()).isEqualTo("mtr_api_calls");
        assertThat(metered.recurring().interval()).isEqualTo(BillingInterval.MONTH);

        Price yearly = gateway.getPrice("price_pro_yearly").orElseThrow();
        assertThat(yearly.recurring().interval()).isEqualTo(BillingInterval.YEAR);
        assertThat(yearly.recurring().intervalCount()).isEqualTo(1);
        assertThat(yearly.recurring().metered()).isFalse();
        assertThat(yearly.unitAmount()).isEqualTo(29000L);
        assertThat(yearly.productId()).isEqualTo("prod_pro");
        assertThat(yearly.lookupKey()).isEqualTo("pro_yearly");
        assertThat(yearly.nickname()).isEqualTo("Pro yearly");
        assertThat(yearly.metadata()).containsEntry("tier", "pro");

        Price oneTime = gateway.getPrice("price_credits_100").orElseThrow();
        assertThat(oneTime.type()).isEqualTo(PriceType.ONE_TIME);
        assertThat(oneTime.recurring()).isNull();
        assertThat(oneTime.unitPrice()).isEqualTo(Money.of(1000, "usd"));
    }

    @Test
    void readsProductsAndPagesThem() {
        Page<Product> first = gateway.listProducts(new ProductQuery(true, 2, null));
        assertThat(first.items()).hasSize(2);
        assertThat(first.hasMore()).isTrue();
        Page<Product> second = gateway.listProducts(new ProductQuery(true, 2, first.nextCursor()));
        assertThat(second.items())
                .extracting(Product::id)
                .doesNotContainAnyElementsOf(
                        first.items().stream().map(Product::id).toList());
        Product pro = new ArrayList<>(
                        gateway.listProducts(new ProductQuery(true, 100, null)).items())
                .stream().filter(p -> p.id().equals("prod_pro")).findFirst().orElseThrow();
        assertThat(pro.name()).isEqualTo("Pro");
        assertThat(pro.description()).isEqualTo("For growing teams.");
        assertThat(pro.defaultPriceId()).isEqualTo("price_pro_monthly");
        assertThat(pro.metadata()).containsEntry("tier", "pro");
        assertThat(pro.active()).isTrue();
    }

    @Test
    void cancelsAtPeriodEndByUpdateAndNowByDeleteWithTheCoresKeys() {
        Subscription subscription = subscribed(newCustomer(), "price_basic_monthly");
        String path = "/v1/subscriptions/" + subscription.id();

        Subscription canceling = gateway.cancelSubscription(subscription.id(), true, "billing-cancel-1");
        assertThat(lastRequest("POST", path).params()).containsEntry("cancel_at_period_end", "true");
        assertThat(lastRequest("POST", path).idempotencyKey()).isEqualTo("billing-cancel-1");
        assertThat(canceling.cancelAtPeriodEnd()).isTrue();
        assertThat(canceling.isOnGracePeriod(emulator.now())).isTrue();

        Subscription resumed = gateway.resumeSubscription(subscription.id(), "billing-resume-1");
        assertThat(lastRequest("POST", path).params()).containsEntry("cancel_at_period_end", "false");
        assertThat(lastRequest("POST", path).idempotencyKey()).isEqualTo("billing-resume-1");
        assertThat(resumed.cancelAtPeriodEnd()).isFalse();

        Subscription canceled = gateway.cancelSubscription(subscription.id(), false, "billing-cancel-2");
        assertThat(lastRequest("DELETE", path).idempotencyKey()).isEqualTo("billing-cancel-2");
        assertThat(canceled.status()).isEqualTo(SubscriptionStatus.CANCELED);
        assertThat(canceled.canceledAt()).isNotNull();
        assertThat(canceled.endedAt()).isNotNull();
    }

    @Test
    void changesThePriceOfTheFirstItemWithTheProrationBehaviour() {
        Subscription subscription = subscribed(newCustomer(), "price_basic_monthly");
        Subscription changed = gateway.changeSubscriptionPrice(
                subscription.id(), "price_pro_monthly", ProrationBehavior.NONE, "billing-change-1");
        RecordedRequest request = lastRequest("POST", "/v1/subscriptions/" + subscription.id());
        assertThat(request.idempotencyKey()).isEqualTo("billing-change-1");
        assertThat(request.params()).containsEntry("proration_behavior", "none");
        Map<String, Object> item = map(list(request.params().get("items")).get(0));
        assertThat(item).containsEntry("price", "price_pro_monthly");
        assertThat((String) item.get("id")).startsWith("si_");
        assertThat(changed.priceId()).isEqualTo("price_pro_monthly");
        assertThat(changed.quantity()).isEqualTo(1);
        assertThat(changed.currentPeriodEnd()).isEqualTo(subscription.currentPeriodEnd());
    }

    @Test
    void everyReadCarriesALaterRefetchVersion() {
        Subscription subscription = subscribed(newCustomer(), "price_basic_monthly");
        SourceVersion previous = subscription.version();
        for (int i = 0; i < 5; i++) {
            SourceVersion next =
                    gateway.getSubscription(subscription.id()).orElseThrow().version();
            assertThat(next.source()).isEqualTo(SourceVersion.Source.REFETCH);
            assertThat(next.isNewerThan(previous)).isTrue();
            previous = next;
        }
        List<Subscription> listed = gateway.listSubscriptions(subscription.customerId());
        assertThat(listed)
                .singleElement()
                .satisfies(s -> assertThat(s.version().isNewerThan(subscription.version()))
                        .isTrue());
    }

    @Test
    void aReadAnsweredBeforeOurChangeRanksBelowItWhenItsAnswerArrivesLater() throws Exception {
        Subscription subscription = subscribed(newCustomer(), "price_basic_monthly");
        // Stripe reads the subscription, then holds the answer back while our cancel goes through: stamped on
        // arrival, the read's older state would outrank the cancel and put it back over it in the projection.
        emulator.addFault(Fault.of(FaultKind.HANG_AFTER_APPLY, "GET", "/v1/subscriptions/" + subscription.id()));
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<Subscription>> read = reader.submit(() -> gateway.getSubscription(subscription.id()));
            Await.until("the read reached Stripe", () -> emulator.faults().isEmpty());
            Subscription canceling = gateway.cancelSubscription(subscription.id(), true, unique("billing-cancel-"));
            Subscription late = read.get(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(canceling.version().isNewerThan(late.version()))
                    .as("cancel %s, read %s", canceling.version(), late.version())
                    .isTrue();
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void readsInvoicesWithTheirSubscriptionLinksAndPages() {
        CustomerId customer = newCustomer();
        Subscription subscription = subscribed(customer, "price_basic_monthly");
        gateway.changeSubscriptionPrice(
                subscription.id(), "price_basic_yearly", ProrationBehavior.ALWAYS_INVOICE, unique("change-"));
        Page<Invoice> first = gateway.listInvoices(customer, 1, null);
        assertThat(first.hasMore()).isTrue();
        Page<Invoice> second = gateway.listInvoices(customer, 1, first.nextCursor());
        assertThat(second.items())
                .extracting(Invoice::id)
                .doesNotContain(first.items().get(0).id());
        Invoice invoice = second.items().get(0);
        assertThat(invoice.subscriptionId()).isEqualTo(subscription.id());
        assertThat(invoice.customerId()).isEqualTo(customer);
        assertThat(invoice.hostedInvoiceUrl()).startsWith("http");
        assertThat(invoice.invoicePdf()).startsWith("http");
        assertThat(invoice.amountDue()).isEqualTo(900);
        assertThat(invoice.billingReason()).isEqualTo("subscription_create");
        assertThat(invoice.number()).isNotBlank();
        assertThat(invoice.version().source()).isEqualTo(SourceVersion.Source.REFETCH);
    }

    @Test
    void showsOnlyCardFactsAndTheDefault() {
        CustomerId customer = newCustomer();
        String setupKey = unique("setup-");
        String setupIntent = gateway.createSetupIntent(customer, setupKey).id();
        assertThat(lastRequest("POST", "/v1/setup_intents").idempotencyKey()).isEqualTo(setupKey);
        String mastercard = emulator.confirmSetupIntent(setupIntent, "5555555555554444");
        PaymentMethod method = gateway.getPaymentMethod(mastercard).orElseThrow();
        assertThat(method.card().brand()).isEqualTo("mastercard");
        assertThat(method.card().last4()).isEqualTo("4444");
        assertThat(method.card().expMonth()).isBetween(1, 12);
        assertThat(method.card().expYear()).isGreaterThan(2025);
        assertThat(method.type()).isEqualTo("card");
        assertThat(method.isDefault()).isFalse();
        gateway.setDefaultPaymentMethod(customer, mastercard);
        assertThat(lastRequest("POST", "/v1/customers/" + customer.value()).params())
                .containsEntry("invoice_settings", Map.of("default_payment_method", mastercard));
        assertThat(gateway.getPaymentMethod(mastercard).orElseThrow().isDefault())
                .isTrue();
    }

    /**
     * Checkout's card pays the subscription ahead of the customer's default; once the customer removes it, Stripe
     * charges the customer's default, and that is the card listed as the one that pays.
     */
    @Test
    void aSubscriptionsRemovedCardLeavesTheCustomersDefaultPaying() {
        CustomerId customer = newCustomer();
        String visa = emulator.confirmSetupIntent(
                gateway.createSetupIntent(customer, unique("setup-")).id(), "4242424242424242");
        gateway.setDefaultPaymentMethod(customer, visa);
        Subscription subscription = subscribed(customer, "price_basic_monthly");
        String checkoutCard = JsonParser.parseString(emulator.objectJson(subscription.id()))
                .getAsJsonObject()
                .get("default_payment_method")
                .getAsString();
        assertThat(checkoutCard).isNotEqualTo(visa);
        assertThat(gateway.listPaymentMethods(customer))
                .filteredOn(PaymentMethod::isDefault)
                .extracting(PaymentMethod::id)
                .containsExactly(checkoutCard);

        gateway.detachPaymentMethod(checkoutCard);

        assertThat(gateway.listPaymentMethods(customer))
                .filteredOn(PaymentMethod::isDefault)
                .extracting(PaymentMethod::id)
                .as("the card Stripe charges now")
                .containsExactly(visa);
        assertThat(gateway.getPaymentMethod(visa).orElseThrow().isDefault()).isTrue();
    }

    @Test
    void aGuestsTaxedCheckoutCollectsTheAddressWithoutACustomerToUpdate() {
        CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.PAYMENT,
                null,
                List.of(new LineItem.OfPrice("price_credits_100", 1)),
                OK,
                CANCEL,
                null,
                0,
                null,
                Map.of(),
                Map.of(),
                unique("guest-"),
                "guest@example.com",
                true));
        assertThat(lastRequest("POST", "/v1/checkout/sessions").params())
                .containsEntry("automatic_tax", Map.of("enabled", "true"))
                .containsEntry("tax_id_collection", Map.of("enabled", "true"))
                .containsEntry("billing_address_collection", "required")
                .containsEntry("customer_creation", "always")
                .doesNotContainKey("customer_update");
        assertThat(session.id()).startsWith("cs_");
    }

    @Test
    void refundsWithTheCoresKeyAndReason() {
        CustomerId customer = newCustomer();
        CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.PAYMENT,
                customer,
                List.of(new LineItem.OfPrice("price_credits_100", 1)),
                OK,
                CANCEL,
                null,
                0,
                null,
                Map.of(),
                Map.of(),
                unique("checkout-")));
        String paymentIntent = emulator.completeCheckoutSession(session.id()).paymentIntentId();
        var refund = gateway.createRefund(
                new RefundRequest(paymentIntent, 250L, "requested_by_customer", "billing-refund-1"));
        RecordedRequest request = lastRequest("POST", "/v1/refunds");
        assertThat(request.idempotencyKey()).isEqualTo("billing-refund-1");
        assertThat(request.params())
                .containsEntry("payment_intent", paymentIntent)
                .containsEntry("amount", "250")
                .containsEntry("reason", "requested_by_customer");
        assertThat(refund.amount()).isEqualTo(Money.of(250, "usd"));
        assertThat(refund.paymentIntentId()).isEqualTo(paymentIntent);
        assertThat(refund.status()).isEqualTo("succeeded");
    }

    @Test
    void reportsMeterEventsOnceByIdentifier() {
        CustomerId customer = newCustomer();
        MeterEvent event = new MeterEvent("api_calls", customer, 7, unique("usage-"), emulator.now());
        gateway.reportMeterEvent(event);
        gateway.reportMeterEvent(event);
        List<RecordedRequest> posts = emulator.requestLog().stream()
                .filter(r -> r.path().equals("/v1/billing/meter_events")
                        && event.identifier().equals(r.params().get("identifier")))
                .toList();
        assertThat(posts).extracting(RecordedRequest::status).containsExactly(200, 400);
        assertThat(posts.get(0).params())
                .containsEntry("event_name", "api_calls")
                .containsEntry("payload", Map.of("stripe_customer_id", customer.value(), "value", "7"))
                .containsEntry("timestamp", Long.toString(event.timestamp().getEpochSecond()));
    }

    @Test
    void getsAnEventByIdExactlyAsStripeSendsIt() {
        CustomerId customer = newCustomer();
        EmittedEvent created = emulator.events().stream()
                .filter(e -> e.type().equals("customer.created") && e.objectId().equals(customer.value()))
                .findFirst()
                .orElseThrow();
        StripeEvent event = gateway.getEvent(created.id()).orElseThrow();
        assertThat(event.id()).isEqualTo(created.id());
        assertThat(event.type()).isEqualTo("customer.created");
        assertThat(event.created()).isEqualTo(created.created());
        assertThat(event.objectId()).isEqualTo(customer.value());
        assertThat(event.objectType()).isEqualTo("customer");
        assertThat(event.apiVersion()).isEqualTo(StripePaymentGateway.API_VERSION);
        assertThat(JsonParser.parseString(event.payload())).isEqualTo(JsonParser.parseString(created.json()));
    }

    @Test
    void opensThePortalForTheCustomer() {
        CustomerId customer = newCustomer();
        var portal = gateway.createPortalSession(customer, "https://app.example.com/account");
        assertThat(lastRequest("POST", "/v1/billing_portal/sessions").params())
                .containsEntry("customer", customer.value())
                .containsEntry("return_url", "https://app.example.com/account");
        assertThat(portal.id()).startsWith("bps_");
    }
}

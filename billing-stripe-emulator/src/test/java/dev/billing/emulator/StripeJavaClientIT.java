package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import com.stripe.model.PaymentMethod;
import com.stripe.model.Price;
import com.stripe.model.Refund;
import com.stripe.model.SetupIntent;
import com.stripe.model.StripeCollection;
import com.stripe.model.StripeSearchResult;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.billing.MeterEvent;
import com.stripe.model.billingportal.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerRetrieveParams;
import com.stripe.param.CustomerSearchParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.InvoiceRetrieveParams;
import com.stripe.param.PaymentMethodListParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.SetupIntentCreateParams;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.SubscriptionRetrieveParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.billing.MeterEventCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionRetrieveParams;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real stripe-java client, over real HTTP, against the emulator. */
class StripeJavaClientIT {
    private static StripeEmulator emu;
    private static StripeClient stripe;
    private static ControlClient control;

    @BeforeAll
    static void start() {
        emu = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        stripe = StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .build();
        control = new ControlClient(emu);
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @BeforeEach
    void reset() {
        emu.reset();
    }

    private static Customer customer(String userId) throws StripeException {
        return stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail(userId + "@example.com")
                        .setName("User " + userId)
                        .putMetadata("user_id", userId)
                        .build());
    }

    private static com.stripe.model.checkout.Session subscriptionCheckout(
            String customerId, String price, Long trialDays) throws StripeException {
        SessionCreateParams.SubscriptionData.Builder subData =
                SessionCreateParams.SubscriptionData.builder().putMetadata("user_id", "u1");
        if (trialDays != null) {
            subData.setTrialPeriodDays(trialDays);
        }
        return stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                        .setCustomer(customerId)
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setPrice(price)
                                .setQuantity(1L)
                                .build())
                        .setSuccessUrl("https://app.example.com/billing/success?session_id={CHECKOUT_SESSION_ID}")
                        .setCancelUrl("https://app.example.com/billing/cancel")
                        .setClientReferenceId("u1")
                        .putMetadata("user_id", "u1")
                        .setSubscriptionData(subData.build())
                        .build());
    }

    @Test
    void createsCustomerWithIdempotencyKeyAndReplaysIt() throws StripeException {
        CustomerCreateParams params = CustomerCreateParams.builder()
                .setEmail("ada@example.com")
                .putMetadata("user_id", "u_ada")
                .build();
        RequestOptions options =
                RequestOptions.builder().setIdempotencyKey("create-ada").build();

        Customer first = stripe.v1().customers().create(params, options);
        Customer second = stripe.v1().customers().create(params, options);

        assertThat(first.getId()).startsWith("cus_");
        assertThat(first.getEmail()).isEqualTo("ada@example.com");
        assertThat(first.getMetadata()).containsEntry("user_id", "u_ada");
        assertThat(first.getLivemode()).isFalse();
        assertThat(second.getId()).isEqualTo(first.getId());
        assertThat(second.getLastResponse().headers().firstValue("Idempotent-Replayed"))
                .hasValue("true");
        assertThat(first.getLastResponse().requestId()).startsWith("req_");
        assertThat(stripe.v1().customers().list().getData()).hasSize(1);
        assertThat(emu.requestLog())
                .filteredOn(r -> r.method().equals("POST") && r.path().equals("/v1/customers"))
                .extracting(RecordedRequest::idempotencyKey, RecordedRequest::replayed)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("create-ada", false),
                        org.assertj.core.groups.Tuple.tuple("create-ada", true));
    }

    @Test
    void createsACustomerWithATestCardAsItsDefaultPaymentMethod() throws StripeException {
        Customer customer = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("card@example.com")
                        .setPaymentMethod("pm_card_mastercard")
                        .setInvoiceSettings(CustomerCreateParams.InvoiceSettings.builder()
                                .setDefaultPaymentMethod("pm_card_mastercard")
                                .build())
                        .build());

        String pm = customer.getInvoiceSettings().getDefaultPaymentMethod();
        assertThat(pm).startsWith("pm_").isNotEqualTo("pm_card_mastercard");
        PaymentMethod method = stripe.v1().paymentMethods().retrieve(pm);
        assertThat(method.getCustomer()).isEqualTo(customer.getId());
        assertThat(method.getCard().getBrand()).isEqualTo("mastercard");
        assertThat(method.getCard().getExpYear()).isGreaterThan(2026L);
        assertThat(emu.events())
                .extracting(EmittedEvent::type)
                .containsExactly("customer.created", "payment_method.attached");
    }

    @Test
    void listsPricesWithExpandedProductsAndFilters() throws StripeException {
        StripeCollection<Price> prices = stripe.v1()
                .prices()
                .list(PriceListParams.builder()
                        .setActive(true)
                        .setType(PriceListParams.Type.RECURRING)
                        .addLookupKey("pro_monthly")
                        .addLookupKey("pro_yearly")
                        .addExpand("data.product")
                        .build());

        assertThat(prices.getData())
                .extracting(Price::getId)
                .containsExactlyInAnyOrder("price_pro_monthly", "price_pro_yearly");
        Price monthly = prices.getData().stream()
                .filter(p -> p.getId().equals("price_pro_monthly"))
                .findFirst()
                .orElseThrow();
        assertThat(monthly.getUnitAmount()).isEqualTo(2900L);
        assertThat(monthly.getRecurring().getInterval()).isEqualTo("month");
        assertThat(monthly.getProductObject().getName()).isEqualTo("Pro");
        assertThat(monthly.getProduct()).isEqualTo("prod_pro");

        StripeCollection<Price> page =
                stripe.v1().prices().list(PriceListParams.builder().setLimit(3L).build());
        assertThat(page.getData()).hasSize(3);
        assertThat(page.getHasMore()).isTrue();
        List<String> all = new java.util.ArrayList<>();
        stripe.v1()
                .prices()
                .list(PriceListParams.builder().setLimit(4L).build())
                .autoPagingIterable()
                .forEach(p -> all.add(p.getId()));
        assertThat(all).hasSize(9).doesNotHaveDuplicates().contains("price_api_calls_metered");
    }

    @Test
    void subscriptionCheckoutCompletesIntoAPaidSubscription() throws Exception {
        Customer customer = customer("u1");
        com.stripe.model.checkout.Session session = subscriptionCheckout(customer.getId(), "price_pro_monthly", null);
        assertThat(session.getId()).startsWith("cs_test_");
        assertThat(session.getUrl()).startsWith(emu.baseUrl() + "/checkout/");
        assertThat(session.getStatus()).isEqualTo("open");
        assertThat(session.getAmountTotal()).isEqualTo(2900L);

        ControlClient.Reply done = control.post("/_emulator/checkout/sessions/" + session.getId() + "/complete", "");
        assertThat(done.status()).isEqualTo(200);

        com.stripe.model.checkout.Session completed = stripe.v1()
                .checkout()
                .sessions()
                .retrieve(
                        session.getId(),
                        SessionRetrieveParams.builder()
                                .addExpand("line_items")
                                .addExpand("subscription")
                                .build());
        assertThat(completed.getStatus()).isEqualTo("complete");
        assertThat(completed.getPaymentStatus()).isEqualTo("paid");
        assertThat(completed.getClientReferenceId()).isEqualTo("u1");
        assertThat(completed.getMetadata()).containsEntry("user_id", "u1");
        assertThat(completed.getLineItems().getData())
                .singleElement()
                .satisfies(li -> assertThat(li.getPrice().getId()).isEqualTo("price_pro_monthly"));
        assertThat(completed.getSubscriptionObject().getStatus()).isEqualTo("active");

        Subscription sub = stripe.v1()
                .subscriptions()
                .retrieve(
                        completed.getSubscription(),
                        SubscriptionRetrieveParams.builder()
                                .addExpand("latest_invoice")
                                .addExpand("default_payment_method")
                                .addExpand("customer")
                                .build());
        assertThat(sub.getId()).startsWith("sub_");
        assertThat(sub.getStatus()).isEqualTo("active");
        assertThat(sub.getMetadata()).containsEntry("user_id", "u1");
        assertThat(sub.getCustomerObject().getEmail()).isEqualTo("u1@example.com");
        assertThat(sub.getDefaultPaymentMethodObject().getCard().getLast4()).isEqualTo("4242");
        SubscriptionItem item = sub.getItems().getData().get(0);
        assertThat(item.getId()).startsWith("si_");
        assertThat(item.getPrice().getId()).isEqualTo("price_pro_monthly");
        assertThat(item.getCurrentPeriodEnd()).isGreaterThan(item.getCurrentPeriodStart());
        assertThat(Instant.ofEpochSecond(item.getCurrentPeriodEnd()))
                .isAfter(Instant.ofEpochSecond(item.getCurrentPeriodStart()).plusSeconds(27L * 86400));
        Invoice latest = sub.getLatestInvoiceObject();
        assertThat(latest.getStatus()).isEqualTo("paid");
        assertThat(latest.getAmountPaid()).isEqualTo(2900L);
        assertThat(latest.getBillingReason()).isEqualTo("subscription_create");
        assertThat(latest.getParent().getSubscriptionDetails().getSubscription())
                .isEqualTo(sub.getId());
        assertThat(latest.getHostedInvoiceUrl()).startsWith(emu.baseUrl() + "/invoice/");
        assertThat(latest.getInvoicePdf()).endsWith("/pdf");
        assertThat(latest.getNumber()).matches("[A-Z0-9]{8}-0001");
        assertThat(latest.getLines().getData())
                .singleElement()
                .satisfies(l -> assertThat(l.getAmount()).isEqualTo(2900L));

        StripeCollection<Invoice> invoices = stripe.v1()
                .invoices()
                .list(InvoiceListParams.builder().setCustomer(customer.getId()).build());
        assertThat(invoices.getData()).extracting(Invoice::getId).containsExactly(latest.getId());
        StripeCollection<Subscription> subs = stripe.v1()
                .subscriptions()
                .list(SubscriptionListParams.builder()
                        .setCustomer(customer.getId())
                        .build());
        assertThat(subs.getData()).extracting(Subscription::getId).containsExactly(sub.getId());

        assertThat(emu.events())
                .extracting(EmittedEvent::type)
                .containsSubsequence(
                        "customer.subscription.created",
                        "invoice.created",
                        "invoice.finalized",
                        "invoice.paid",
                        "invoice.payment_succeeded",
                        "invoice_payment.paid",
                        "payment_intent.succeeded",
                        "checkout.session.completed");
        com.stripe.model.InvoicePayment payment = (com.stripe.model.InvoicePayment) com.stripe.net.ApiResource.GSON
                .fromJson(
                        emu.events().stream()
                                .filter(e -> e.type().equals("invoice_payment.paid"))
                                .findFirst()
                                .orElseThrow()
                                .json(),
                        com.stripe.model.Event.class)
                .getDataObjectDeserializer()
                .deserializeUnsafe();
        assertThat(payment.getInvoice()).isEqualTo(latest.getId());
        assertThat(payment.getPayment().getPaymentIntent()).startsWith("pi_");
        assertThat(payment.getStatus()).isEqualTo("paid");
    }

    @Test
    void trialCheckoutStartsTrialingWithAZeroInvoice() throws Exception {
        Customer customer = customer("u2");
        com.stripe.model.checkout.Session session = subscriptionCheckout(customer.getId(), "price_basic_monthly", 14L);

        CheckoutCompletion done = emu.completeCheckoutSession(session.getId());

        Subscription sub = stripe.v1().subscriptions().retrieve(done.subscriptionId());
        assertThat(sub.getStatus()).isEqualTo("trialing");
        assertThat(sub.getTrialEnd() - sub.getTrialStart()).isEqualTo(14L * 86400);
        assertThat(sub.getItems().getData().get(0).getCurrentPeriodEnd()).isEqualTo(sub.getTrialEnd());
        Invoice invoice = stripe.v1().invoices().retrieve(done.invoiceId());
        assertThat(invoice.getStatus()).isEqualTo("paid");
        assertThat(invoice.getAmountDue()).isZero();
        assertThat(done.paymentIntentId()).isNull();
        assertThat(done.paymentStatus()).isEqualTo("no_payment_required");
    }

    @Test
    void aQuantityChangeIsProratedAndANegativeOneIsRefused() throws Exception {
        Customer customer = customer("u_seats");
        CheckoutCompletion done =
                emu.completeCheckoutSession(subscriptionCheckout(customer.getId(), "price_basic_monthly", null)
                        .getId());
        Subscription sub = stripe.v1().subscriptions().retrieve(done.subscriptionId());
        String itemId = sub.getItems().getData().get(0).getId();
        long unit = sub.getItems().getData().get(0).getPrice().getUnitAmount();

        Subscription five = stripe.v1()
                .subscriptions()
                .update(
                        sub.getId(),
                        SubscriptionUpdateParams.builder()
                                .addItem(SubscriptionUpdateParams.Item.builder()
                                        .setId(itemId)
                                        .setQuantity(5L)
                                        .build())
                                .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE)
                                .build());

        assertThat(five.getItems().getData()).singleElement().satisfies(item -> {
            assertThat(item.getQuantity()).isEqualTo(5L);
            assertThat(item.getPrice().getId()).isEqualTo("price_basic_monthly");
        });
        Invoice proration = stripe.v1().invoices().retrieve(five.getLatestInvoice());
        assertThat(proration.getBillingReason()).isEqualTo("subscription_update");
        // Four more seats for (almost) the whole period: the credit for one seat and the debit for five.
        assertThat(proration.getAmountDue()).isBetween(4 * unit - 100, 4 * unit);
        assertThat(stripe.v1().invoices().lineItems().list(proration.getId()).getData())
                .extracting(line -> line.getDescription())
                .anySatisfy(d -> assertThat(d).startsWith("Unused time on"))
                .anySatisfy(d -> assertThat(d).startsWith("Remaining time on 5 × "));

        assertThatThrownBy(() -> stripe.v1()
                        .subscriptions()
                        .update(
                                sub.getId(),
                                SubscriptionUpdateParams.builder()
                                        .addItem(SubscriptionUpdateParams.Item.builder()
                                                .setId(itemId)
                                                .setQuantity(-1L)
                                                .build())
                                        .build()))
                .isInstanceOfSatisfying(
                        StripeException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(400));
        assertThat(stripe.v1()
                        .subscriptions()
                        .retrieve(sub.getId())
                        .getItems()
                        .getData()
                        .get(0)
                        .getQuantity())
                .isEqualTo(5L);
    }

    @Test
    void updatesCancelsAndListsCanceledSubscriptions() throws Exception {
        Customer customer = customer("u3");
        CheckoutCompletion done =
                emu.completeCheckoutSession(subscriptionCheckout(customer.getId(), "price_basic_monthly", null)
                        .getId());
        Subscription sub = stripe.v1().subscriptions().retrieve(done.subscriptionId());

        Subscription upgraded = stripe.v1()
                .subscriptions()
                .update(
                        sub.getId(),
                        SubscriptionUpdateParams.builder()
                                .addItem(SubscriptionUpdateParams.Item.builder()
                                        .setId(sub.getItems().getData().get(0).getId())
                                        .setPrice("price_pro_monthly")
                                        .build())
                                .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE)
                                .putMetadata("plan", "pro")
                                .build());
        assertThat(upgraded.getItems().getData().get(0).getPrice().getId()).isEqualTo("price_pro_monthly");
        assertThat(upgraded.getMetadata()).containsEntry("plan", "pro");
        Invoice proration = stripe.v1().invoices().retrieve(upgraded.getLatestInvoice());
        assertThat(proration.getBillingReason()).isEqualTo("subscription_update");
        assertThat(proration.getAmountDue()).isBetween(1900L, 2000L);

        Subscription ending = stripe.v1()
                .subscriptions()
                .update(
                        sub.getId(),
                        SubscriptionUpdateParams.builder()
                                .setCancelAtPeriodEnd(true)
                                .build());
        assertThat(ending.getCancelAtPeriodEnd()).isTrue();
        assertThat(ending.getCancelAt())
                .isEqualTo(ending.getItems().getData().get(0).getCurrentPeriodEnd());

        Subscription canceled = stripe.v1().subscriptions().cancel(sub.getId());
        assertThat(canceled.getStatus()).isEqualTo("canceled");
        assertThat(canceled.getEndedAt()).isNotNull();

        assertThat(stripe.v1()
                        .subscriptions()
                        .list(SubscriptionListParams.builder()
                                .setCustomer(customer.getId())
                                .build())
                        .getData())
                .isEmpty();
        assertThat(stripe.v1()
                        .subscriptions()
                        .list(SubscriptionListParams.builder()
                                .setCustomer(customer.getId())
                                .setStatus(SubscriptionListParams.Status.ALL)
                                .build())
                        .getData())
                .extracting(Subscription::getStatus)
                .containsExactly("canceled");
        assertThat(emu.events())
                .extracting(EmittedEvent::type)
                .contains("customer.subscription.updated", "customer.subscription.deleted");
    }

    @Test
    void recordsMeterEventsAndRejectsDuplicateIdentifiers() throws Exception {
        Customer customer = customer("u4");
        MeterEvent event = stripe.v1()
                .billing()
                .meterEvents()
                .create(MeterEventCreateParams.builder()
                        .setEventName("api_calls")
                        .setIdentifier("call-1")
                        .putPayload("stripe_customer_id", customer.getId())
                        .putPayload("value", "25")
                        .build());
        assertThat(event.getEventName()).isEqualTo("api_calls");
        assertThat(event.getIdentifier()).isEqualTo("call-1");
        assertThat(event.getPayload()).containsEntry("value", "25");

        com.stripe.exception.InvalidRequestException duplicate = org.assertj.core.api.Assertions.catchThrowableOfType(
                com.stripe.exception.InvalidRequestException.class,
                () -> stripe.v1()
                        .billing()
                        .meterEvents()
                        .create(MeterEventCreateParams.builder()
                                .setEventName("api_calls")
                                .setIdentifier("call-1")
                                .putPayload("stripe_customer_id", customer.getId())
                                .putPayload("value", "1")
                                .build()));
        assertThat(duplicate.getStatusCode()).isEqualTo(400);
        assertThat(duplicate.getStripeError().getParam()).isEqualTo("identifier");
        assertThat(duplicate.getStripeError().getMessage())
                .isEqualTo("An event already exists with identifier call-1.");
        assertThat(emu.requestLog())
                .filteredOn(r -> r.path().equals("/v1/billing/meter_events"))
                .extracting(RecordedRequest::status)
                .containsExactly(200, 400);
    }

    @Test
    void renamesAMeterAndListsMetersByStatus() throws Exception {
        com.stripe.model.billing.Meter renamed = stripe.v1()
                .billing()
                .meters()
                .update(
                        "mtr_api_calls",
                        com.stripe.param.billing.MeterUpdateParams.builder()
                                .setDisplayName("API requests")
                                .build());
        assertThat(renamed.getDisplayName()).isEqualTo("API requests");
        assertThat(renamed.getEventName()).isEqualTo("api_calls");
        assertThat(stripe.v1().billing().meters().retrieve("mtr_api_calls").getDisplayName())
                .isEqualTo("API requests");
        assertThat(emu.events()).extracting(EmittedEvent::type).containsExactly("billing.meter.updated");
        assertThat(stripe.v1()
                        .billing()
                        .meters()
                        .list(com.stripe.param.billing.MeterListParams.builder()
                                .setStatus(com.stripe.param.billing.MeterListParams.Status.ACTIVE)
                                .build())
                        .getData())
                .extracting(com.stripe.model.billing.Meter::getId)
                .containsExactly("mtr_api_calls");
        assertThat(stripe.v1()
                        .billing()
                        .meters()
                        .list(com.stripe.param.billing.MeterListParams.builder()
                                .setStatus(com.stripe.param.billing.MeterListParams.Status.INACTIVE)
                                .build())
                        .getData())
                .isEmpty();
    }

    @Test
    void anArchivedProductLeavesTheActiveListWithItsMetadata() throws Exception {
        com.stripe.model.Product archived = stripe.v1()
                .products()
                .update(
                        "prod_basic",
                        com.stripe.param.ProductUpdateParams.builder()
                                .setActive(false)
                                .putMetadata("note", "retired")
                                .build());
        assertThat(archived.getActive()).isFalse();
        assertThat(archived.getMetadata()).containsEntry("note", "retired");
        List<com.stripe.model.Product> active = stripe.v1()
                .products()
                .list(com.stripe.param.ProductListParams.builder()
                        .setActive(true)
                        .setLimit(100L)
                        .build())
                .getData();
        assertThat(active)
                .isNotEmpty()
                .extracting(com.stripe.model.Product::getId)
                .doesNotContain("prod_basic");
        assertThat(stripe.v1()
                        .products()
                        .list(com.stripe.param.ProductListParams.builder()
                                .setActive(false)
                                .build())
                        .getData())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.getId()).isEqualTo("prod_basic");
                    assertThat(p.getMetadata()).containsEntry("note", "retired");
                });
    }

    @Test
    void refundsPartOfASubscriptionPayment() throws Exception {
        Customer customer = customer("u5");
        CheckoutCompletion done =
                emu.completeCheckoutSession(subscriptionCheckout(customer.getId(), "price_pro_monthly", null)
                        .getId());
        Invoice invoice = stripe.v1()
                .invoices()
                .retrieve(
                        done.invoiceId(),
                        InvoiceRetrieveParams.builder().addExpand("payments").build());
        String paymentIntent =
                invoice.getPayments().getData().get(0).getPayment().getPaymentIntent();
        assertThat(paymentIntent).isEqualTo(done.paymentIntentId());

        Refund refund = stripe.v1()
                .refunds()
                .create(RefundCreateParams.builder()
                        .setPaymentIntent(paymentIntent)
                        .setAmount(1000L)
                        .build());

        assertThat(refund.getId()).startsWith("re_");
        assertThat(refund.getAmount()).isEqualTo(1000L);
        assertThat(refund.getStatus()).isEqualTo("succeeded");
        com.stripe.model.Charge charge = stripe.v1().charges().retrieve(refund.getCharge());
        assertThat(charge.getAmountRefunded()).isEqualTo(1000L);
        assertThat(charge.getRefunded()).isFalse();
        Refund rest = stripe.v1()
                .refunds()
                .create(RefundCreateParams.builder().setCharge(charge.getId()).build());
        assertThat(rest.getAmount()).isEqualTo(1900L);
        assertThat(stripe.v1().charges().retrieve(charge.getId()).getRefunded()).isTrue();
        assertThat(emu.events()).extracting(EmittedEvent::type).contains("refund.created", "charge.refunded");
    }

    @Test
    void searchesCustomersByMetadataAndUpdatesDefaultPaymentMethod() throws Exception {
        customer("alice");
        Customer bob = customer("bob");
        StripeSearchResult<Customer> found = stripe.v1()
                .customers()
                .search(CustomerSearchParams.builder()
                        .setQuery("metadata['user_id']:'bob'")
                        .build());
        assertThat(found.getData()).extracting(Customer::getId).containsExactly(bob.getId());

        SetupIntent si = stripe.v1()
                .setupIntents()
                .create(SetupIntentCreateParams.builder()
                        .setCustomer(bob.getId())
                        .addPaymentMethodType("card")
                        .build());
        assertThat(si.getClientSecret()).startsWith(si.getId() + "_secret_");
        String pmId = emu.confirmSetupIntent(si.getId());
        assertThat(stripe.v1().setupIntents().retrieve(si.getId()).getStatus()).isEqualTo("succeeded");

        StripeCollection<PaymentMethod> pms = stripe.v1()
                .paymentMethods()
                .list(PaymentMethodListParams.builder()
                        .setCustomer(bob.getId())
                        .setType(PaymentMethodListParams.Type.CARD)
                        .build());
        assertThat(pms.getData()).extracting(PaymentMethod::getId).containsExactly(pmId);
        assertThat(pms.getData().get(0).getCard().getBrand()).isEqualTo("visa");
        assertThat(stripe.v1().customers().paymentMethods().list(bob.getId()).getData())
                .hasSize(1);

        stripe.v1()
                .customers()
                .update(
                        bob.getId(),
                        CustomerUpdateParams.builder()
                                .setInvoiceSettings(CustomerUpdateParams.InvoiceSettings.builder()
                                        .setDefaultPaymentMethod(pmId)
                                        .build())
                                .build());
        Customer reloaded = stripe.v1()
                .customers()
                .retrieve(
                        bob.getId(),
                        CustomerRetrieveParams.builder()
                                .addExpand("invoice_settings.default_payment_method")
                                .build());
        assertThat(reloaded.getInvoiceSettings()
                        .getDefaultPaymentMethodObject()
                        .getCard()
                        .getLast4())
                .isEqualTo("4242");

        Session portal = stripe.v1()
                .billingPortal()
                .sessions()
                .create(com.stripe.param.billingportal.SessionCreateParams.builder()
                        .setCustomer(bob.getId())
                        .setReturnUrl("https://app.example.com/account")
                        .build());
        assertThat(portal.getUrl()).startsWith(emu.baseUrl() + "/portal/bps_");
        assertThat(control.get(portal.getUrl().substring(emu.baseUrl().length()))
                        .raw()
                        .body())
                .contains("Billing portal");

        Customer deleted = stripe.v1().customers().delete(bob.getId());
        assertThat(deleted.getDeleted()).isTrue();
        assertThat(stripe.v1().customers().retrieve(bob.getId()).getDeleted()).isTrue();
    }

    @Test
    void paymentModeCheckoutAcceptsInlinePriceDataForDiscountedItems() throws Exception {
        Customer customer = customer("u7");
        com.stripe.model.checkout.Session session = stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.PAYMENT)
                        .setCustomer(customer.getId())
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setQuantity(1L)
                                .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                        .setCurrency("usd")
                                        .setProduct("prod_credits")
                                        .setUnitAmount(900L)
                                        .build())
                                .build())
                        .putMetadata("item", "credits_100")
                        .setSuccessUrl("https://app.example.com/ok")
                        .build());
        assertThat(session.getAmountTotal()).isEqualTo(900L);

        CheckoutCompletion done = emu.completeCheckoutSession(session.getId());

        assertThat(stripe.v1().paymentIntents().retrieve(done.paymentIntentId()).getAmountReceived())
                .isEqualTo(900L);
        com.stripe.model.LineItem item = stripe.v1()
                .checkout()
                .sessions()
                .lineItems()
                .list(session.getId())
                .getData()
                .get(0);
        assertThat(item.getPrice().getProduct()).isEqualTo("prod_credits");
        assertThat(item.getPrice().getActive()).isFalse();
        assertThat(stripe.v1().balance().retrieve().getAvailable().get(0).getAmount())
                .isEqualTo(900L);
        assertThat(stripe.v1().accounts().retrieveCurrent().getId()).isEqualTo("acct_emulator");
        assertThat(stripe.v1().accounts().retrieve("acct_emulator").getChargesEnabled())
                .isTrue();
    }

    @Test
    void paymentModeCheckoutCreatesAPaymentIntentAndCharge() throws Exception {
        Customer customer = customer("u6");
        com.stripe.model.checkout.Session session = stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.PAYMENT)
                        .setCustomer(customer.getId())
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setPrice("price_credits_100")
                                .setQuantity(2L)
                                .build())
                        .setSuccessUrl("https://app.example.com/ok")
                        .build());
        assertThat(session.getAmountTotal()).isEqualTo(2000L);

        CheckoutCompletion done = emu.completeCheckoutSession(session.getId());

        com.stripe.model.checkout.Session completed =
                stripe.v1().checkout().sessions().retrieve(session.getId());
        assertThat(completed.getPaymentStatus()).isEqualTo("paid");
        assertThat(completed.getPaymentIntent()).isEqualTo(done.paymentIntentId());
        com.stripe.model.PaymentIntent pi = stripe.v1().paymentIntents().retrieve(done.paymentIntentId());
        assertThat(pi.getStatus()).isEqualTo("succeeded");
        assertThat(pi.getAmount()).isEqualTo(2000L);
        assertThat(stripe.v1().charges().retrieve(pi.getLatestCharge()).getPaid())
                .isTrue();
        assertThat(emu.events())
                .extracting(EmittedEvent::type)
                .containsSubsequence("charge.succeeded", "payment_intent.succeeded", "checkout.session.completed");
    }
}

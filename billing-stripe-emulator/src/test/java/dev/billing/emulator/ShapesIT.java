package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.Event;
import com.stripe.model.HasId;
import com.stripe.model.InvoicePayment;
import com.stripe.model.Product;
import com.stripe.model.StripeObject;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.billing.MeterEventSummary;
import com.stripe.net.ApiResource;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.EventListParams;
import com.stripe.param.InvoicePaymentListParams;
import com.stripe.param.ProductCreateParams;
import com.stripe.param.ProductUpdateParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.billing.MeterEventCreateParams;
import com.stripe.param.billing.MeterEventSummaryListParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drives most of the API once, then checks that stripe-java deserializes every object and every
 * event's {@code data.object} into its typed model.
 */
class ShapesIT {
    private static final Instant START = Instant.parse("2026-03-01T09:00:00Z");
    private static StripeEmulator emu;
    private static StripeClient stripe;

    @BeforeAll
    static void start() {
        emu = StripeEmulator.start(EmulatorOptions.defaults()
                .withSampleSeed()
                .withClockStart(START)
                .withFrozenClock(true));
        stripe = StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .build();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @Test
    void everyObjectAndEveryEventDeserializesIntoStripeJavaModels() throws Exception {
        Customer customer = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("shape@example.com")
                        .build());
        com.stripe.model.checkout.Session session = stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                        .setCustomer(customer.getId())
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setPrice("price_pro_monthly")
                                .setQuantity(1L)
                                .build())
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setPrice("price_api_calls_metered")
                                .build())
                        .addDiscount(SessionCreateParams.Discount.builder()
                                .setCoupon("FOREVER10")
                                .build())
                        .build());
        CheckoutCompletion sub = emu.completeCheckoutSession(session.getId());
        CheckoutCompletion oneOff = emu.completeCheckoutSession(stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.PAYMENT)
                        .setCustomer(customer.getId())
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setPrice("price_template_pack")
                                .setQuantity(1L)
                                .build())
                        .build())
                .getId());
        emu.completeCheckoutSession(stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.SETUP)
                        .setCustomer(customer.getId())
                        .setCurrency("usd")
                        .build())
                .getId());
        stripe.v1()
                .refunds()
                .create(RefundCreateParams.builder()
                        .setPaymentIntent(oneOff.paymentIntentId())
                        .build());
        stripe.v1()
                .billing()
                .meterEvents()
                .create(MeterEventCreateParams.builder()
                        .setEventName("api_calls")
                        .putPayload("stripe_customer_id", customer.getId())
                        .putPayload("value", "42")
                        .build());
        stripe.v1()
                .subscriptions()
                .update(
                        sub.subscriptionId(),
                        SubscriptionUpdateParams.builder().putMetadata("k", "v").build());
        emu.advanceClock(Duration.ofDays(31));
        emu.failNextPayment(customer.getId());
        emu.advanceClock(Duration.ofDays(31));
        String open = stripe.v1().subscriptions().retrieve(sub.subscriptionId()).getLatestInvoice();
        stripe.v1().invoices().pay(open);
        Product temp = stripe.v1()
                .products()
                .create(ProductCreateParams.builder().setName("Temp").build());
        assertThat(stripe.v1()
                        .products()
                        .update(
                                temp.getId(),
                                ProductUpdateParams.builder().setName("Temp 2").build())
                        .getName())
                .isEqualTo("Temp 2");
        assertThat(stripe.v1().products().delete(temp.getId()).getDeleted()).isTrue();
        stripe.v1().subscriptions().cancel(sub.subscriptionId());
        stripe.v1().customers().delete(customer.getId());

        Set<String> types = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        for (Event event : stripe.v1()
                .events()
                .list(EventListParams.builder().setLimit(100L).build())
                .autoPagingIterable()) {
            types.add(event.getType());
            try {
                StripeObject object = event.getDataObjectDeserializer().deserializeUnsafe();
                if (event.getType().equals("invoice.upcoming")) {
                    // Stripe's preview of the renewal's invoice: it does not exist yet, so it has no id
                    assertThat(((com.stripe.model.Invoice) object).getId()).isNull();
                } else if (object instanceof HasId hasId && !(object instanceof com.stripe.model.billing.Meter)) {
                    assertThat(hasId.getId()).isNotBlank();
                }
            } catch (Exception e) {
                failures.add(event.getType() + ": " + e);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(types)
                .contains(
                        "customer.created",
                        "customer.deleted",
                        "customer.subscription.created",
                        "customer.subscription.updated",
                        "customer.subscription.deleted",
                        "invoice.created",
                        "invoice.finalized",
                        "invoice.paid",
                        "invoice.payment_succeeded",
                        "invoice.payment_failed",
                        "invoice_payment.paid",
                        "invoice.upcoming",
                        "payment_intent.succeeded",
                        "payment_intent.payment_failed",
                        "charge.succeeded",
                        "charge.failed",
                        "charge.refunded",
                        "refund.created",
                        "checkout.session.completed",
                        "setup_intent.created",
                        "setup_intent.succeeded",
                        "payment_method.attached",
                        "product.created",
                        "product.updated",
                        "product.deleted");

        assertThat(stripe.v1().coupons().retrieve("FOREVER10").getPercentOff()).isEqualByComparingTo("10");
        SubscriptionItem item = stripe.v1()
                .subscriptionItems()
                .retrieve(stripe.v1()
                        .subscriptions()
                        .retrieve(sub.subscriptionId())
                        .getItems()
                        .getData()
                        .get(0)
                        .getId());
        assertThat(item.getCurrentPeriodEnd()).isGreaterThan(item.getCurrentPeriodStart());
        List<InvoicePayment> payments = stripe.v1()
                .invoicePayments()
                .list(InvoicePaymentListParams.builder().setInvoice(open).build())
                .getData();
        assertThat(payments)
                .singleElement()
                .satisfies(p -> assertThat(p.getPayment().getPaymentIntent()).startsWith("pi_"));
        assertThat(stripe.v1().billing().meters().list().getData())
                .extracting(m -> m.getEventName())
                .contains("api_calls");
        List<MeterEventSummary> summaries = stripe.v1()
                .billing()
                .meters()
                .eventSummaries()
                .list(
                        "mtr_api_calls",
                        MeterEventSummaryListParams.builder()
                                .setCustomer(customer.getId())
                                .setStartTime(START.getEpochSecond())
                                .setEndTime(START.plus(Duration.ofDays(90)).getEpochSecond())
                                .build())
                .getData();
        assertThat(summaries)
                .singleElement()
                .satisfies(s -> assertThat(s.getAggregatedValue()).isEqualByComparingTo("42"));
        assertThat(ApiResource.GSON.toJson(stripe.v1().invoices().retrieve(open)))
                .contains("\"status\":\"paid\"");
    }
}

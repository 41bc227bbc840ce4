package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.Customer;
import com.stripe.model.Subscription;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerListParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A parameter Stripe does not know is refused as Stripe refuses it, so a typo in a caller fails
 * here and not first in production: what stripe-java raises is an {@code InvalidRequestException}
 * with code {@code parameter_unknown} naming the parameter.
 */
class StrictParamsIT {
    private static StripeEmulator emu;
    private static StripeClient stripe;
    private static ControlClient raw;

    @BeforeAll
    static void start() {
        emu = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        stripe = StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .build();
        raw = new ControlClient(emu);
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @BeforeEach
    void reset() {
        emu.reset();
    }

    private static void assertUnknown(ThrowingCallable call, String param) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, call);
        assertThat(e).as("refused: " + param).isNotNull();
        assertThat(e.getStatusCode()).isEqualTo(400);
        assertThat(e.getCode()).isEqualTo("parameter_unknown");
        assertThat(e.getParam()).isEqualTo(param);
        assertThat(e.getStripeError().getType()).isEqualTo("invalid_request_error");
        assertThat(e.getStripeError().getMessage()).isEqualTo("Received unknown parameter: " + param);
    }

    private static Customer customerWithCard() throws Exception {
        return stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("strict@example.com")
                        .setPaymentMethod("pm_card_visa")
                        .setInvoiceSettings(CustomerCreateParams.InvoiceSettings.builder()
                                .setDefaultPaymentMethod("pm_card_visa")
                                .build())
                        .build());
    }

    @Test
    void typosAreRefusedOnEveryKindOfEndpoint() throws Exception {
        assertUnknown(
                () -> stripe.v1()
                        .customers()
                        .create(CustomerCreateParams.builder()
                                .putExtraParam("emial", "typo@example.com")
                                .build()),
                "emial");
        assertUnknown(
                () -> stripe.v1()
                        .customers()
                        .list(CustomerListParams.builder()
                                .putExtraParam("emial", "typo@example.com")
                                .build()),
                "emial");
        assertUnknown(
                () -> stripe.v1()
                        .checkout()
                        .sessions()
                        .create(SessionCreateParams.builder()
                                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                                .setSuccessUrl("https://app.example.com/ok")
                                .addLineItem(SessionCreateParams.LineItem.builder()
                                        .setPrice("price_pro_monthly")
                                        .setQuantity(1L)
                                        .build())
                                .addLineItem(SessionCreateParams.LineItem.builder()
                                        .putExtraParam("pricee", "price_pro_monthly")
                                        .build())
                                .build()),
                "line_items[1][pricee]");
        assertUnknown(
                () -> stripe.v1()
                        .checkout()
                        .sessions()
                        .create(SessionCreateParams.builder()
                                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                                .setSuccessUrl("https://app.example.com/ok")
                                .addLineItem(SessionCreateParams.LineItem.builder()
                                        .setPrice("price_pro_monthly")
                                        .setQuantity(1L)
                                        .build())
                                .setSubscriptionData(SessionCreateParams.SubscriptionData.builder()
                                        .putExtraParam("trial_days", 14)
                                        .build())
                                .build()),
                "subscription_data[trial_days]");
        assertUnknown(
                () -> stripe.v1()
                        .prices()
                        .list(PriceListParams.builder()
                                .setRecurring(PriceListParams.Recurring.builder()
                                        .putExtraParam("intervall", "month")
                                        .build())
                                .build()),
                "recurring[intervall]");

        Customer customer = customerWithCard();
        Subscription sub = stripe.v1()
                .subscriptions()
                .create(SubscriptionCreateParams.builder()
                        .setCustomer(customer.getId())
                        .addItem(SubscriptionCreateParams.Item.builder()
                                .setPrice("price_basic_monthly")
                                .build())
                        .build());
        assertUnknown(
                () -> stripe.v1()
                        .subscriptions()
                        .update(
                                sub.getId(),
                                SubscriptionUpdateParams.builder()
                                        .putExtraParam("cancel_at_period_ends", true)
                                        .build()),
                "cancel_at_period_ends");
        assertThat(stripe.v1().subscriptions().retrieve(sub.getId()).getCancelAtPeriodEnd())
                .isFalse();

        String pi = stripe.v1()
                .invoices()
                .retrieve(
                        sub.getLatestInvoice(),
                        com.stripe.param.InvoiceRetrieveParams.builder()
                                .addExpand("payments")
                                .build())
                .getPayments()
                .getData()
                .get(0)
                .getPayment()
                .getPaymentIntent();
        assertUnknown(
                () -> stripe.v1()
                        .refunds()
                        .create(RefundCreateParams.builder()
                                .setPaymentIntent(pi)
                                .putExtraParam("amout", 100)
                                .build()),
                "amout");
        assertThat(stripe.v1().refunds().list().getData())
                .as("nothing refunded")
                .isEmpty();
    }

    @Test
    void aRefusedRequestChangesNothingAndItsKeyCanBeUsedAgain() throws Exception {
        RequestOptions key =
                RequestOptions.builder().setIdempotencyKey("strict-1").build();
        assertUnknown(
                () -> stripe.v1()
                        .customers()
                        .create(
                                CustomerCreateParams.builder()
                                        .setEmail("a@example.com")
                                        .putExtraParam("nmae", "Ada")
                                        .build(),
                                key),
                "nmae");
        assertThat(stripe.v1().customers().list().getData()).isEmpty();
        assertThat(emu.events()).isEmpty();

        Customer created = stripe.v1()
                .customers()
                .create(
                        CustomerCreateParams.builder()
                                .setEmail("a@example.com")
                                .setName("Ada")
                                .build(),
                        key);
        assertThat(created.getName()).isEqualTo("Ada");
    }

    @Test
    void theErrorIsStripesJson() {
        ControlClient.Reply reply = raw.api(
                "POST",
                "/v1/checkout/sessions",
                "mode=payment" + "&line_items[0][price]=price_template_pack&line_items[0][quantiy]=1",
                null);
        assertThat(reply.status()).isEqualTo(400);
        JsonNode error = reply.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("parameter_unknown");
        assertThat(error.path("param").asText()).isEqualTo("line_items[0][quantiy]");
        assertThat(error.path("message").asText()).isEqualTo("Received unknown parameter: line_items[0][quantiy]");
        assertThat(error.path("doc_url").asText()).isEqualTo("https://stripe.com/docs/error-codes/parameter-unknown");
        assertThat(reply.header("Request-Id")).startsWith("req_");

        assertThat(raw.api("GET", "/v1/customers?limit=1&bogus=1", null, null)
                        .json()
                        .path("error")
                        .path("param")
                        .asText())
                .isEqualTo("bogus");
        assertThat(raw.api("GET", "/v1/customers?limit=1&expand[]=data.default_source", null, null)
                        .status())
                .as("expand[] stays accepted")
                .isEqualTo(200);
        assertThat(raw.get("/_emulator/health?bogus=1").status())
                .as("the control API is ours, not strict")
                .isEqualTo(200);
    }
}

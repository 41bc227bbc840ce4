package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.stripe.StripeClient;
import com.stripe.exception.ApiException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PriceCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stripe's error JSON, status codes and idempotency semantics, seen through stripe-java. */
class ErrorsAndIdempotencyIT {
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

    @Test
    void sameKeySameParametersReplaysStatusAndBody() {
        ControlClient.Reply first =
                raw.api("POST", "/v1/customers", "email=a%40example.com&metadata[user_id]=u1", "k-1");
        ControlClient.Reply second =
                raw.api("POST", "/v1/customers", "email=a%40example.com&metadata[user_id]=u1", "k-1");

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.raw().body()).isEqualTo(first.raw().body());
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(second.header("Request-Id")).startsWith("req_").isNotEqualTo(first.header("Request-Id"));
        assertThat(second.header("Original-Request")).isEqualTo(first.header("Request-Id"));
        assertThat(raw.api("GET", "/v1/customers", null, null).json().path("data"))
                .hasSize(1);
    }

    @Test
    void sameKeyDifferentParametersIsAnIdempotencyError() throws Exception {
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("k-2").build();
        stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder().setEmail("a@example.com").build(), key);

        IdempotencyException e = catchThrowableOfType(
                IdempotencyException.class,
                () -> stripe.v1()
                        .customers()
                        .create(
                                CustomerCreateParams.builder()
                                        .setEmail("b@example.com")
                                        .build(),
                                key));

        assertThat(e.getStatusCode()).isEqualTo(400);
        assertThat(e.getStripeError().getType()).isEqualTo("idempotency_error");
        assertThat(e.getMessage()).contains("k-2");
    }

    @Test
    void sameKeyWhileTheFirstRequestIsInFlightIs409() throws Exception {
        stripe.v1().customers().list(); // warm up the client so the first POST arrives promptly
        emu.addFault(Fault.of(FaultKind.DELAY, "POST", "/v1/customers").hangFor(Duration.ofSeconds(5)));
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("k-3").build();
        CustomerCreateParams params =
                CustomerCreateParams.builder().setEmail("slow@example.com").build();
        CompletableFuture<Customer> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return stripe.v1().customers().create(params, key);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!emu.faults().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5); // the first request is in flight once it took the fault
        }
        assertThat(emu.faults()).as("the first request reached the emulator").isEmpty();

        ApiException inFlight = catchThrowableOfType(
                ApiException.class, () -> stripe.v1().customers().create(params, key));

        assertThat(inFlight.getStatusCode()).isEqualTo(409);
        assertThat(inFlight.getCode()).isEqualTo("idempotency_key_in_use");
        Customer created = slow.get(30, TimeUnit.SECONDS);
        Customer replay = stripe.v1().customers().create(params, key);
        assertThat(replay.getId()).isEqualTo(created.getId());
    }

    @Test
    void missingParameterIsInvalidRequestWithCodeAndParam() {
        InvalidRequestException e = catchThrowableOfType(
                InvalidRequestException.class,
                () -> stripe.v1()
                        .prices()
                        .create(PriceCreateParams.builder()
                                .setProduct("prod_pro")
                                .setUnitAmount(100L)
                                .build()));
        assertThat(e.getStatusCode()).isEqualTo(400);
        assertThat(e.getCode()).isEqualTo("parameter_missing");
        assertThat(e.getParam()).isEqualTo("currency");
        assertThat(e.getRequestId()).startsWith("req_");
    }

    @Test
    void unknownObjectIs404ResourceMissing() {
        InvalidRequestException e = catchThrowableOfType(
                InvalidRequestException.class, () -> stripe.v1().customers().retrieve("cus_missing"));
        assertThat(e.getStatusCode()).isEqualTo(404);
        assertThat(e.getCode()).isEqualTo("resource_missing");
        assertThat(e.getParam()).isEqualTo("id");
        assertThat(e.getStripeError().getMessage()).isEqualTo("No such customer: 'cus_missing'");

        ControlClient.Reply reply = raw.api("GET", "/v1/customers/cus_missing", null, null);
        assertThat(reply.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(reply.json().path("error").path("doc_url").asText()).contains("resource-missing");
        assertThat(reply.header("Request-Id")).startsWith("req_");
    }

    @Test
    void invalidCheckoutParametersAreRejectedLikeStripe() {
        InvalidRequestException e = catchThrowableOfType(
                InvalidRequestException.class,
                () -> stripe.v1()
                        .checkout()
                        .sessions()
                        .create(SessionCreateParams.builder()
                                .setMode(SessionCreateParams.Mode.PAYMENT)
                                .addLineItem(SessionCreateParams.LineItem.builder()
                                        .setPrice("price_pro_monthly")
                                        .setQuantity(1L)
                                        .build())
                                .setSuccessUrl("https://x.example")
                                .build()));
        assertThat(e.getParam()).isEqualTo("line_items");
        assertThat(e.getMessage()).contains("recurring price");

        InvalidRequestException noPrice = catchThrowableOfType(
                InvalidRequestException.class,
                () -> stripe.v1()
                        .checkout()
                        .sessions()
                        .create(SessionCreateParams.builder()
                                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                                .addLineItem(SessionCreateParams.LineItem.builder()
                                        .setPrice("price_nope")
                                        .setQuantity(1L)
                                        .build())
                                .build()));
        assertThat(noPrice.getStatusCode()).isEqualTo(404);
        assertThat(noPrice.getParam()).isEqualTo("line_items[0][price]");
    }

    @Test
    void declinedCardIsCardExceptionWithDeclineCode() throws Exception {
        Customer customer = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder().setEmail("c@example.com").build());
        CardException e = catchThrowableOfType(
                CardException.class,
                () -> stripe.v1()
                        .paymentIntents()
                        .create(PaymentIntentCreateParams.builder()
                                .setAmount(5000L)
                                .setCurrency("usd")
                                .setCustomer(customer.getId())
                                .setPaymentMethod("pm_card_chargeDeclinedInsufficientFunds")
                                .setConfirm(true)
                                .build()));
        assertThat(e.getStatusCode()).isEqualTo(402);
        assertThat(e.getCode()).isEqualTo("card_declined");
        assertThat(e.getDeclineCode()).isEqualTo("insufficient_funds");
        assertThat(e.getCharge()).startsWith("ch_");
        assertThat(e.getStripeError().getPaymentIntent().getStatus()).isEqualTo("requires_payment_method");
    }

    @Test
    void payingAnInvoiceForACustomerSetToFailIsACardException() throws Exception {
        Customer customer = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder().setEmail("d@example.com").build());
        com.stripe.model.checkout.Session session = stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                        .setCustomer(customer.getId())
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setPrice("price_basic_monthly")
                                .setQuantity(1L)
                                .build())
                        .build());
        CheckoutCompletion done = emu.completeCheckoutSession(session.getId());
        emu.failNextPayment(customer.getId(), "expired_card");
        emu.advanceClock(Duration.ofDays(32));
        Invoice open = stripe.v1()
                .invoices()
                .list(com.stripe.param.InvoiceListParams.builder()
                        .setSubscription(done.subscriptionId())
                        .setStatus(com.stripe.param.InvoiceListParams.Status.OPEN)
                        .build())
                .getData()
                .get(0);
        emu.failNextPayment(customer.getId());

        CardException e = catchThrowableOfType(
                CardException.class, () -> stripe.v1().invoices().pay(open.getId()));

        assertThat(e.getDeclineCode()).isEqualTo("generic_decline");
        assertThat(e.getCode()).isEqualTo("card_declined");
    }

    @Test
    void rateLimitIsRateLimitException() {
        emu.addFault(Fault.of(FaultKind.RATE_LIMIT_429, "GET", "/v1/customers"));
        RateLimitException e = catchThrowableOfType(
                RateLimitException.class, () -> stripe.v1().customers().list());
        assertThat(e.getStatusCode()).isEqualTo(429);
        assertThat(e.getCode()).isEqualTo("rate_limit");
    }

    @Test
    void wrongOrMissingKeyIsAuthentication401() {
        StripeClient wrong = StripeClient.builder()
                .setApiKey("sk_test_wrong_key_1234")
                .setApiBase(emu.baseUrl())
                .build();
        AuthenticationException e = catchThrowableOfType(
                AuthenticationException.class, () -> wrong.v1().customers().list());
        assertThat(e.getStatusCode()).isEqualTo(401);
        assertThat(e.getMessage()).doesNotContain("wrong_key_1234");

        ControlClient.Reply missing = new ControlClient(emu).get("/v1/customers");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json().path("error").path("message").asText()).contains("did not provide an API key");
        assertThat(emu.requestLog()).extracting(RecordedRequest::status).contains(401);
    }

    @Test
    void unknownRouteIs404UnrecognizedUrl() {
        ControlClient.Reply reply = raw.api("GET", "/v1/nope", null, null);
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().path("error").path("message").asText())
                .startsWith("Unrecognized request URL (GET: /v1/nope)");
    }
}

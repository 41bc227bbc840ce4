package dev.billing.stripe;

import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.StripeEmulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every row of the error-translation table, produced over real HTTP by the emulator's faults and errors. */
class StripeErrorMappingIT {
    private static StripeEmulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @AfterEach
    void cleanUp() {
        emulator.clearFaults();
        if (!emulator.isUp()) {
            emulator.comeUp();
        }
    }

    /** No stripe-java retries: each test sees the translation of exactly one answer. */
    private static StripePaymentGateway gateway(int retries, Duration readTimeout) {
        return StripePaymentGateway.create(StripeConfig.of(emulator.apiKey())
                .withApiBase(emulator.baseUrl())
                .withMaxNetworkRetries(retries)
                .withTimeouts(Duration.ofSeconds(1), readTimeout));
    }

    private static StripePaymentGateway gateway() {
        return gateway(0, Duration.ofSeconds(5));
    }

    private static NewCustomer newCustomer() {
        UserId user = UserId.of(unique("user_"));
        return new NewCustomer(user, user.value() + "@example.com", unique("key-"));
    }

    private static GatewayException failure(Runnable call) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).isInstanceOf(GatewayException.class);
        return (GatewayException) thrown;
    }

    private static List<RecordedRequest> customerPosts() {
        return emulator.requestLog().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/v1/customers"))
                .toList();
    }

    @Test
    void connectionRefusedIsUnavailableAndCertainlyNotDone() {
        StripePaymentGateway gateway = gateway();
        emulator.goDown();
        GatewayException e = failure(() -> gateway.createCustomer(newCustomer()));
        assertThat(e).isInstanceOf(GatewayUnavailableException.class);
        assertThat(e.certainlyNotDone()).isTrue();
        assertThat(e.retryable()).isTrue();
        assertThat(failure(gateway::ping)).isInstanceOf(GatewayUnavailableException.class);
    }

    @Test
    void aReadTimeoutHasAnUnknownOutcome() {
        emulator.addFault(Fault.of(FaultKind.HANG, "GET", "/v1/balance").hangFor(Duration.ofSeconds(2)));
        GatewayException e = failure(() -> gateway(0, Duration.ofMillis(300)).ping());
        assertThat(e).isInstanceOf(GatewayOutcomeUnknownException.class);
        assertThat(e.certainlyNotDone()).isFalse();
        assertThat(e.getMessage()).containsIgnoringCase("timed out");
    }

    @Test
    void aConnectionDroppedAfterSendingHasAnUnknownOutcome() {
        // HttpURLConnection silently re-sends a request once when the connection drops: drop both.
        emulator.addFault(
                Fault.of(FaultKind.DROP_CONNECTION, "POST", "/v1/customers").times(2));
        GatewayException e = failure(() -> gateway().createCustomer(newCustomer()));
        assertThat(e).isInstanceOf(GatewayOutcomeUnknownException.class);
        assertThat(e.certainlyNotDone()).isFalse();
    }

    @Test
    void a5xxHasAnUnknownOutcomeWithStripesRequestId() {
        emulator.clearRequestLog();
        emulator.addFault(Fault.of(FaultKind.ERROR_500_AFTER_APPLY, "POST", "/v1/customers"));
        GatewayException e = failure(() -> gateway().createCustomer(newCustomer()));
        assertThat(e).isInstanceOf(GatewayOutcomeUnknownException.class);
        assertThat(e.requestId())
                .startsWith("req_")
                .isEqualTo(customerPosts().get(0).requestId());
        assertThat(e.getMessage()).contains("HTTP 500");
    }

    @Test
    void a429WithoutRetryAfterIsRateLimitedForOneSecond() {
        emulator.addFault(Fault.of(FaultKind.RATE_LIMIT_429, "GET", "/v1/prices"));
        GatewayException e = failure(() -> gateway().getPrice("price_pro_monthly"));
        assertThat(e)
                .isInstanceOfSatisfying(
                        GatewayRateLimitedException.class,
                        limited -> assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
        assertThat(e.certainlyNotDone()).isTrue();
        assertThat(e.requestId()).startsWith("req_");
    }

    @Test
    void a429IsNotRetriedByStripeJavaUnlessStripeSaysSo() {
        emulator.clearRequestLog();
        emulator.addFault(Fault.of(FaultKind.RATE_LIMIT_429, "POST", "/v1/customers"));
        assertThat(failure(() -> gateway(2, Duration.ofSeconds(5)).createCustomer(newCustomer())))
                .isInstanceOf(GatewayRateLimitedException.class);
        assertThat(customerPosts()).hasSize(1);

        emulator.clearRequestLog();
        emulator.addFault(
                Fault.of(FaultKind.RATE_LIMIT_429, "POST", "/v1/customers").shouldRetry(true));
        NewCustomer customer = newCustomer();
        gateway(2, Duration.ofSeconds(5)).createCustomer(customer);
        assertThat(customerPosts()).extracting(RecordedRequest::status).containsExactly(429, 200);
        assertThat(customerPosts()).extracting(RecordedRequest::idempotencyKey).containsOnly(customer.idempotencyKey());
    }

    @Test
    void retryAfterIsHonouredWhenStripeSendsIt() throws IOException {
        // The emulator never sends Retry-After, so a one-route server answers like Stripe would.
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = ("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"rate_limit\",\"message\":"
                            + "\"Request rate limit exceeded.\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Retry-After", "7");
            exchange.getResponseHeaders().set("Request-Id", "req_stub429");
            exchange.sendResponseHeaders(429, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            StripePaymentGateway gateway = StripePaymentGateway.create(StripeConfig.of("sk_test_stub")
                    .withApiBase("http://127.0.0.1:" + server.getAddress().getPort())
                    .withMaxNetworkRetries(0));
            GatewayException e = failure(gateway::ping);
            assertThat(e)
                    .isInstanceOfSatisfying(
                            GatewayRateLimitedException.class,
                            limited -> assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
            assertThat(e.requestId()).isEqualTo("req_stub429");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theSameKeyStillInFlightIsRateLimitedThenReplays() throws Exception {
        emulator.clearRequestLog();
        emulator.addFault(Fault.of(FaultKind.DELAY, "POST", "/v1/customers").hangFor(Duration.ofSeconds(3)));
        NewCustomer customer = newCustomer();
        StripePaymentGateway gateway = gateway(0, Duration.ofSeconds(10));
        CompletableFuture<CustomerId> first = CompletableFuture.supplyAsync(() -> gateway.createCustomer(customer));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!emulator.faults().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10); // the first request has arrived once it took the fault
        }
        GatewayException e = failure(() -> gateway.createCustomer(customer));
        assertThat(e)
                .isInstanceOfSatisfying(
                        GatewayRateLimitedException.class,
                        limited -> assertThat(limited.retryAfter()).isEqualTo(StripeErrors.KEY_IN_USE_RETRY_AFTER));
        assertThat(e.certainlyNotDone()).isTrue();
        CustomerId created = first.get(10, TimeUnit.SECONDS);
        assertThat(gateway.createCustomer(customer)).isEqualTo(created);
        assertThat(customerPosts()).extracting(RecordedRequest::status).containsExactly(409, 200, 200);
        assertThat(customerPosts()).filteredOn(RecordedRequest::replayed).hasSize(1);
    }

    @Test
    void theSameKeyWithOtherParametersIsAnIdempotencyConflict() {
        StripePaymentGateway gateway = gateway();
        NewCustomer customer = newCustomer();
        gateway.createCustomer(customer);
        GatewayException e = failure(() -> gateway.createCustomer(
                new NewCustomer(customer.userId(), "changed@example.com", customer.idempotencyKey())));
        assertThat(e).isInstanceOfSatisfying(GatewayRejectedException.class, rejected -> {
            assertThat(rejected.isIdempotencyConflict()).isTrue();
            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.retryable()).isFalse();
        });
    }

    @Test
    void aMissingObjectIsEmptyToReadAndMissingToChange() {
        StripePaymentGateway gateway = gateway();
        assertThat(gateway.getSubscription("sub_missing")).isEmpty();
        assertThat(gateway.getInvoice("in_missing")).isEmpty();
        assertThat(gateway.getPaymentMethod("pm_missing")).isEmpty();
        assertThat(gateway.getCheckoutSession("cs_test_missing")).isEmpty();
        assertThat(gateway.getEvent("evt_missing")).isEmpty();
        GatewayException e = failure(() -> gateway.payInvoice("in_missing", null, unique("pay-")));
        assertThat(e).isInstanceOfSatisfying(GatewayRejectedException.class, rejected -> {
            assertThat(rejected.isMissingResource()).isTrue();
            assertThat(rejected.status()).isEqualTo(404);
            assertThat(rejected.gatewayCode()).isEqualTo("resource_missing");
        });
    }

    @Test
    void anInvalidParameterIsRejectedWithStripesCodeAndParam() {
        StripePaymentGateway gateway = gateway();
        CustomerId customer = gateway.createCustomer(newCustomer());
        GatewayException e = failure(() -> gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.SUBSCRIPTION,
                customer,
                List.of(new LineItem.OfPrice("price_credits_100", 1)),
                "https://app.example.com/ok",
                "https://app.example.com/cancel",
                null,
                0,
                null,
                Map.of(),
                Map.of(),
                unique("checkout-"))));
        assertThat(e).isInstanceOfSatisfying(GatewayRejectedException.class, rejected -> {
            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.param()).isEqualTo("line_items");
            assertThat(rejected.isCardError()).isFalse();
            assertThat(rejected.getMessage()).contains("recurring price");
        });
    }

    @Test
    void aDeclinedCardIsRejectedWithItsDeclineCode() {
        StripeEmulator own = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        try {
            StripePaymentGateway gateway = StripePaymentGateway.create(
                    StripeConfig.of(own.apiKey()).withApiBase(own.baseUrl()).withMaxNetworkRetries(0));
            CustomerId customer = gateway.createCustomer(newCustomer());
            String session = gateway.createCheckoutSession(new CheckoutRequest(
                            CheckoutMode.SUBSCRIPTION,
                            customer,
                            List.of(new LineItem.OfPrice("price_basic_monthly", 1)),
                            "https://app.example.com/ok",
                            "https://app.example.com/cancel",
                            null,
                            0,
                            null,
                            Map.of(),
                            Map.of(),
                            unique("checkout-")))
                    .id();
            own.completeCheckoutSession(session);
            own.failNextPayment(customer.value());
            own.advanceClock(Duration.ofDays(32)); // the renewal fails: an open invoice
            Invoice open = gateway.listInvoices(customer, 10, null).items().stream()
                    .filter(i -> i.status() == InvoiceStatus.OPEN)
                    .findFirst()
                    .orElseThrow();

            String card = gateway.listPaymentMethods(customer).stream()
                    .filter(PaymentMethod::isDefault)
                    .findFirst()
                    .orElseThrow()
                    .id();
            own.failNextPayment(customer.value(), "insufficient_funds");
            GatewayException e = failure(() -> gateway.payInvoice(open.id(), card, unique("pay-")));
            assertThat(e).isInstanceOfSatisfying(GatewayRejectedException.class, rejected -> {
                assertThat(rejected.status()).isEqualTo(402);
                assertThat(rejected.isCardError()).isTrue();
                assertThat(rejected.gatewayCode()).isEqualTo("card_declined");
                assertThat(rejected.declineCode()).isEqualTo("insufficient_funds");
                assertThat(rejected.code()).isEqualTo("card_declined");
            });
            assertThat(gateway.payInvoice(open.id(), card, unique("pay-")).status())
                    .isEqualTo(InvoiceStatus.PAID);
        } finally {
            own.close();
        }
    }

    @Test
    void aBadKeyIsRejectedWithAClearMessageThatNeverShowsIt() {
        String badKey = "sk_test_51NotTheRightKeyAtAll";
        StripePaymentGateway gateway =
                StripePaymentGateway.create(StripeConfig.of(badKey).withApiBase(emulator.baseUrl()));
        GatewayException e = failure(gateway::ping);
        assertThat(e).isInstanceOfSatisfying(GatewayRejectedException.class, rejected -> {
            assertThat(rejected.status()).isEqualTo(401);
            assertThat(rejected.retryable()).isFalse();
        });
        assertThat(e.getMessage()).contains("STRIPE_SECRET_KEY").doesNotContain("51NotTheRightKeyAtAll");
    }
}

package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.RateLimitException;
import com.stripe.model.Customer;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Injected failures as a Stripe client experiences them. */
class FaultInjectionIT {
    private static StripeEmulator emu;

    @BeforeAll
    static void start() {
        emu = StripeEmulator.start();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @BeforeEach
    void reset() {
        emu.reset();
    }

    private static StripeClient client(int retries, int readTimeoutMs) {
        return StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .setMaxNetworkRetries(retries)
                .setReadTimeout(readTimeoutMs)
                .setConnectTimeout(1000)
                .build();
    }

    private static StripeClient clientWithKey(String key) {
        return StripeClient.builder()
                .setApiKey(key)
                .setApiBase(emu.baseUrl())
                .setMaxNetworkRetries(0)
                .setConnectTimeout(1000)
                .build();
    }

    private static CustomerCreateParams ada() {
        return CustomerCreateParams.builder().setEmail("ada@example.com").build();
    }

    private static List<RecordedRequest> customerPosts() {
        return emu.requestLog().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/v1/customers"))
                .toList();
    }

    /** Waits until {@code n} customer POSTs are logged (a hung request logs when its sleep ends). */
    private static void awaitCustomerPosts(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (customerPosts().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(25);
        }
    }

    private static int customerCount() throws Exception {
        return client(0, 5000).v1().customers().list().getData().size();
    }

    @Test
    void serverErrorThenSuccessIsRetriedWithTheSameKey() throws Exception {
        emu.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/customers"));

        Customer customer = client(2, 5000).v1().customers().create(ada());

        assertThat(customer.getId()).startsWith("cus_");
        assertThat(customerPosts())
                .extracting(RecordedRequest::status, RecordedRequest::fault)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(500, "500"),
                        org.assertj.core.groups.Tuple.tuple(200, null));
        assertThat(customerPosts())
                .extracting(RecordedRequest::idempotencyKey)
                .doesNotContainNull()
                .containsOnly(customerPosts().get(0).idempotencyKey());
        assertThat(customerCount()).isEqualTo(1);
    }

    @Test
    void serverErrorWithoutRetriesIsAnApiException() {
        emu.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/customers").times(3));
        ApiException e = catchThrowableOfType(
                ApiException.class, () -> client(0, 5000).v1().customers().create(ada()));
        assertThat(e.getStatusCode()).isEqualTo(500);
        assertThat(emu.faults()).singleElement().extracting(Fault::times).isEqualTo(2);
    }

    @Test
    void aFaultIsWithdrawnAloneWhateverIsLeftOfIt() throws Exception {
        Fault customers = Fault.of(FaultKind.ERROR_500, "POST", "/v1/customers").times(3);
        Fault meters = Fault.of(FaultKind.ERROR_500, "POST", "/v1/billing/meter_events");
        emu.addFault(customers);
        emu.addFault(meters);
        catchThrowableOfType(
                ApiException.class, () -> client(0, 5000).v1().customers().create(ada()));

        assertThat(emu.removeFault(customers)).isTrue();
        assertThat(emu.faults()).containsExactly(meters);
        assertThat(client(0, 5000).v1().customers().create(ada()).getId()).startsWith("cus_");
        assertThat(emu.removeFault(customers)).as("withdrawn already").isFalse();
    }

    @Test
    void rateLimitIsRetriedOnlyWhenStripeShouldRetrySaysSo() throws Exception {
        emu.addFault(Fault.of(FaultKind.RATE_LIMIT_429, "POST", "/v1/customers").shouldRetry(true));
        assertThat(client(1, 5000).v1().customers().create(ada()).getId()).startsWith("cus_");

        emu.addFault(Fault.of(FaultKind.RATE_LIMIT_429, "POST", "/v1/customers"));
        RateLimitException e = catchThrowableOfType(
                RateLimitException.class, () -> client(1, 5000).v1().customers().create(ada()));
        assertThat(e.getStatusCode()).isEqualTo(429);
        assertThat(customerPosts()).extracting(RecordedRequest::status).containsExactly(429, 200, 429);
    }

    @Test
    void hangPastTheReadTimeoutIsAConnectionErrorAndCreatesNothing() throws Exception {
        emu.addFault(Fault.of(FaultKind.HANG, "POST", "/v1/customers").hangFor(Duration.ofMillis(1500)));

        ApiConnectionException e = catchThrowableOfType(
                ApiConnectionException.class,
                () -> client(0, 1000).v1().customers().create(ada()));

        assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
        awaitCustomerPosts(1); // the hung handler has finished
        assertThat(customerPosts())
                .singleElement()
                .extracting(RecordedRequest::fault)
                .isEqualTo("hang");
        assertThat(customerCount()).isZero();
    }

    @Test
    void hangAfterApplyCreatesOnceAndTheRetryReplays() throws Exception {
        emu.addFault(
                Fault.of(FaultKind.HANG_AFTER_APPLY, "POST", "/v1/customers").hangFor(Duration.ofMillis(1500)));

        Customer customer = client(1, 1000)
                .v1()
                .customers()
                .create(
                        ada(),
                        RequestOptions.builder().setIdempotencyKey("signup-ada").build());

        assertThat(customer.getEmail()).isEqualTo("ada@example.com");
        assertThat(customerCount()).isEqualTo(1);
        awaitCustomerPosts(2);
        assertThat(customerPosts()).extracting(RecordedRequest::idempotencyKey).containsOnly("signup-ada");
        assertThat(customerPosts())
                .extracting(RecordedRequest::replayed, RecordedRequest::fault)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(true, null),
                        org.assertj.core.groups.Tuple.tuple(false, "hang_after_apply"));
    }

    @Test
    void serverErrorAfterApplyCreatesOnceAndTheRetryReplaysTheObject() throws Exception {
        emu.addFault(Fault.of(FaultKind.ERROR_500_AFTER_APPLY, "POST", "/v1/customers"));

        Customer customer = client(1, 5000).v1().customers().create(ada());

        assertThat(customer.getId()).startsWith("cus_");
        assertThat(customerCount()).isEqualTo(1);
        assertThat(customerPosts()).extracting(RecordedRequest::status).containsExactly(500, 200);
        assertThat(customerPosts().get(1).replayed()).isTrue();
    }

    @Test
    void aReplayedAnswerIsLostUnderAServerErrorAfterApplyToo() throws Exception {
        emu.addFault(Fault.of(FaultKind.ERROR_500_AFTER_APPLY, "POST", "/v1/customers")
                .times(2));
        ApiException lost = catchThrowableOfType(
                ApiException.class, () -> client(1, 5000).v1().customers().create(ada()));

        assertThat(lost.getStatusCode()).isEqualTo(500);
        assertThat(customerPosts())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.fault()).isEqualTo("500_after_apply"));
        assertThat(customerPosts().get(1).replayed()).isTrue();
        assertThat(customerCount()).isEqualTo(1);
    }

    @Test
    void droppedConnectionIsAConnectionError() {
        // HttpURLConnection silently re-sends once on a dropped connection, so drop twice.
        emu.addFault(Fault.of(FaultKind.DROP_CONNECTION, "GET", "/v1/customers").times(2));
        ApiConnectionException e = catchThrowableOfType(
                ApiConnectionException.class,
                () -> client(0, 5000).v1().customers().list());
        assertThat(e).isNotNull();
        assertThat(emu.requestLog())
                .extracting(RecordedRequest::status, RecordedRequest::fault)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(0, "drop"));
    }

    @Test
    void downRefusesConnectionsAndComesBackWithStateKept() throws Exception {
        Customer before = client(0, 5000).v1().customers().create(ada());
        emu.goDown();
        try {
            ApiConnectionException e = catchThrowableOfType(
                    ApiConnectionException.class,
                    () -> client(0, 1000).v1().customers().list());
            assertThat(e.getCause()).isInstanceOf(ConnectException.class);
            assertThat(emu.isUp()).isFalse();
        } finally {
            emu.comeUp();
        }
        assertThat(client(0, 5000).v1().customers().retrieve(before.getId()).getEmail())
                .isEqualTo("ada@example.com");
    }

    @Test
    void faultsCanBeInjectedThroughTheControlApi() {
        ControlClient control = new ControlClient(emu);
        ControlClient.Reply added = control.post("/_emulator/faults", "kind=500&method=GET&path=/v1/customers&times=2");
        assertThat(added.json().path("faults").get(0).path("times").asInt()).isEqualTo(2);

        assertThat(control.api("GET", "/v1/customers", null, null).status()).isEqualTo(500);
        assertThat(control.api("GET", "/v1/customers/cus_x", null, null).status())
                .isEqualTo(500);
        assertThat(control.api("GET", "/v1/customers", null, null).status()).isEqualTo(200);

        control.post("/_emulator/faults", "kind=429&method=GET&path=/v1/prices&should_retry=true");
        ControlClient.Reply limited = control.api("GET", "/v1/prices", null, null);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Stripe-Should-Retry")).isEqualTo("true");
        assertThat(control.delete("/_emulator/faults").json().path("faults")).isEmpty();
    }

    @Test
    void aFaultForOneKeyLeavesAnotherClientOfTheAccountAlone() throws Exception {
        emu.addApiKey("sk_test_reader");
        Customer ada = client(0, 5000).v1().customers().create(ada());
        emu.addFault(Fault.of(FaultKind.ERROR_500, "*", "/v1/").times(2).forKey(emu.apiKey()));

        StripeClient reader = clientWithKey("sk_test_reader");
        assertThat(reader.v1().customers().retrieve(ada.getId()).getEmail())
                .as("the same account's data, read with the other key and not failed")
                .isEqualTo("ada@example.com");
        assertThat(reader.v1().customers().list().getData()).hasSize(1);
        ApiException e = catchThrowableOfType(
                ApiException.class, () -> client(0, 5000).v1().customers().retrieve(ada.getId()));
        assertThat(e.getStatusCode()).isEqualTo(500);
        assertThat(emu.faults()).singleElement().extracting(Fault::times).isEqualTo(1);

        AuthenticationException unknown = catchThrowableOfType(
                AuthenticationException.class,
                () -> clientWithKey("sk_test_other").v1().customers().list());
        assertThat(unknown.getStatusCode()).as("a key never added is refused").isEqualTo(401);
    }

    @Test
    void aSecondKeyAndAFaultForOneKeyCanBeSetThroughTheControlApi() throws Exception {
        ControlClient control = new ControlClient(emu);
        assertThat(control.post("/_emulator/api_keys", "key=sk_test_second").status())
                .isEqualTo(200);
        assertThat(control.post("/_emulator/api_keys", "key=").status()).isEqualTo(400);
        ControlClient.Reply added =
                control.post("/_emulator/faults", "kind=500&method=GET&path=/v1/customers&api_key=sk_test_second");
        assertThat(added.json().path("faults").get(0).path("api_key").asText())
                .as("shown masked")
                .doesNotContain("second");

        assertThat(client(0, 5000).v1().customers().list().getData()).isEmpty();
        ApiException e = catchThrowableOfType(
                ApiException.class,
                () -> clientWithKey("sk_test_second").v1().customers().list());
        assertThat(e.getStatusCode()).isEqualTo(500);
        assertThat(emu.faults()).isEmpty();
    }
}

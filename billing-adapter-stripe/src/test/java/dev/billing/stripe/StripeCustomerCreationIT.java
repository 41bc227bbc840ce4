package dev.billing.stripe;

import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.param.CustomerSearchParams;
import dev.billing.core.Billing;
import dev.billing.core.customer.EnsuredCustomer;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Identity;
import dev.billing.core.model.UserId;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Customer creation (DESIGN §4.1) through the real core use case ({@link Billing#ensureCustomer}) wired to the
 * real adapter and the emulator. Each failure is survived with exactly one customer at Stripe and the same
 * idempotency key on every attempt, whether stripe-java's own network retry (1, the default) or the core's retries
 * (stripe-java set to 0) repeat the call.
 */
class StripeCustomerCreationIT {
    private static StripeEmulator emulator;
    private static StripeClient stripe;

    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private Runnable onFirstPause = () -> {};

    @BeforeAll
    static void startEmulator() {
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        stripe = EmulatorClients.stripe(emulator);
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

    private Billing billing(int stripeJavaRetries, Duration readTimeout) {
        StripePaymentGateway gateway = StripePaymentGateway.create(StripeConfig.of(emulator.apiKey())
                .withApiBase(emulator.baseUrl())
                .withMaxNetworkRetries(stripeJavaRetries)
                .withTimeouts(Duration.ofSeconds(1), readTimeout));
        return Billing.builder()
                .gateway(gateway)
                .webhookVerifier(StripeWebhookVerifier.create(List.of("whsec_unused"), java.time.Clock.systemUTC()))
                .stores(InMemoryBillingStores.create().stores())
                .plans(SamplePlans.catalog())
                .sleeper(duration -> {
                    if (pauses.isEmpty()) {
                        onFirstPause.run();
                    }
                    pauses.add(duration);
                })
                .build();
    }

    @org.junit.jupiter.api.Test
    void anOrganizationsCustomerSaysSoInItsMetadata() throws StripeException {
        String org = "org_" + unique("acme").replaceAll("[^A-Za-z0-9]", "");
        Billing billing = billing(1, Duration.ofSeconds(5));

        String customer = billing.ensureCustomer(
                        new Identity(UserId.of(org), "sess_admin", "admin@example.com", null, Map.of()))
                .customerId()
                .value();

        Map<String, String> metadata =
                stripe.v1().customers().retrieve(customer).getMetadata();
        assertThat(metadata)
                .containsEntry("user_id", org)
                .containsEntry("org_id", org)
                .containsEntry("billing_account", "organization");
    }

    private static Identity identity() {
        String user = unique("user_");
        return new Identity(UserId.of(user), "sess_" + user, user + "@example.com", null, Map.of());
    }

    private static List<String> customersAtStripe(UserId user) throws StripeException {
        return stripe
                .v1()
                .customers()
                .search(CustomerSearchParams.builder()
                        .setQuery(StripeCustomers.userIdQuery(user))
                        .build())
                .getData()
                .stream()
                .map(c -> c.getId())
                .toList();
    }

    /** Every POST /v1/customers of this user (found by its metadata). */
    private static List<RecordedRequest> attempts(UserId user) {
        return emulator.requestLog().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/v1/customers"))
                .filter(r -> r.params().get("metadata") instanceof Map<?, ?> m
                        && user.value().equals(m.get("user_id")))
                .toList();
    }

    private void assertExactlyOneCustomerWithOneKey(Identity identity, EnsuredCustomer ensured, int minAttempts)
            throws StripeException {
        assertThat(ensured.created()).isTrue();
        assertThat(customersAtStripe(identity.userId()))
                .containsExactly(ensured.customerId().value());
        List<RecordedRequest> attempts = attempts(identity.userId());
        assertThat(attempts).hasSizeGreaterThanOrEqualTo(minAttempts);
        assertThat(attempts)
                .extracting(RecordedRequest::idempotencyKey)
                .doesNotContainNull()
                .allMatch(key -> key.startsWith("billing-customer-"))
                .containsOnly(attempts.get(0).idempotencyKey());
    }

    @ParameterizedTest(name = "stripe-java retries: {0}")
    @ValueSource(ints = {0, 2})
    void survivesA500ThenSucceeds(int retries) throws StripeException {
        Identity identity = identity();
        emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/customers"));
        EnsuredCustomer ensured = billing(retries, Duration.ofSeconds(5)).ensureCustomer(identity);
        assertExactlyOneCustomerWithOneKey(identity, ensured, 2);
        assertThat(attempts(identity.userId()))
                .extracting(RecordedRequest::status)
                .containsExactly(500, 200);
        assertThat(pauses).hasSize(retries == 0 ? 1 : 0); // the core retried only when stripe-java did not
    }

    @ParameterizedTest(name = "stripe-java retries: {0}")
    @ValueSource(ints = {0, 2})
    void survivesAReadTimeoutAfterStripeCreatedTheCustomer(int retries) throws StripeException {
        Identity identity = identity();
        emulator.addFault(
                Fault.of(FaultKind.HANG_AFTER_APPLY, "POST", "/v1/customers").hangFor(Duration.ofMillis(1500)));
        EnsuredCustomer ensured = billing(retries, Duration.ofMillis(400)).ensureCustomer(identity);
        awaitRequestLogged(identity.userId(), 2);
        assertExactlyOneCustomerWithOneKey(identity, ensured, 2);
        assertThat(attempts(identity.userId()))
                .filteredOn(RecordedRequest::replayed)
                .hasSize(1);
        assertThat(attempts(identity.userId()))
                .filteredOn(r -> "hang_after_apply".equals(r.fault()))
                .hasSize(1);
    }

    @ParameterizedTest(name = "stripe-java retries: {0}")
    @ValueSource(ints = {0, 2})
    void survivesA429WithoutStripeShouldRetry(int retries) throws StripeException {
        Identity identity = identity();
        emulator.addFault(Fault.of(FaultKind.RATE_LIMIT_429, "POST", "/v1/customers"));
        EnsuredCustomer ensured = billing(retries, Duration.ofSeconds(5)).ensureCustomer(identity);
        assertExactlyOneCustomerWithOneKey(identity, ensured, 2);
        assertThat(attempts(identity.userId()))
                .extracting(RecordedRequest::status)
                .containsExactly(429, 200);
        // stripe-java does not retry a 429 without Stripe-Should-Retry; the core waits the retry-after (1 s).
        assertThat(pauses).containsExactly(Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "stripe-java retries: {0}")
    @ValueSource(ints = {0, 2})
    void survivesStripeBeingDownThenUp(int retries) throws StripeException {
        Identity identity = identity();
        emulator.goDown();
        onFirstPause = emulator::comeUp; // Stripe comes back while the core waits to retry
        EnsuredCustomer ensured = billing(retries, Duration.ofSeconds(5)).ensureCustomer(identity);
        assertThat(pauses).hasSize(1);
        // Refused attempts never reach Stripe; the one that did carried the user's deterministic key.
        assertExactlyOneCustomerWithOneKey(identity, ensured, 1);
        assertThat(attempts(identity.userId())).hasSize(1);
    }

    @ParameterizedTest(name = "stripe-java retries: {0}")
    @ValueSource(ints = {0, 2})
    void aSecondCallFindsTheSameCustomer(int retries) {
        Identity identity = identity();
        Billing billing = billing(retries, Duration.ofSeconds(5));
        CustomerId first = billing.ensureCustomer(identity).customerId();
        EnsuredCustomer again = billing.ensureCustomer(identity);
        assertThat(again.customerId()).isEqualTo(first);
        assertThat(again.created()).isFalse();
        assertThat(attempts(identity.userId())).hasSize(1);
    }

    /** The request log records a request when it is answered; a hung one is answered after its hang. */
    private static void awaitRequestLogged(UserId user, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (attempts(user).size() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

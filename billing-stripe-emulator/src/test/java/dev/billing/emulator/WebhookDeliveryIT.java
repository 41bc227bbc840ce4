package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.Event;
import com.stripe.model.WebhookEndpoint;
import com.stripe.net.Webhook;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.WebhookEndpointCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook delivery: signatures, retries and the duplicate/reorder/delay/pause switches. */
class WebhookDeliveryIT {
    private static final String SECRET = "whsec_test_secret";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static StripeEmulator emu;
    private static StripeClient stripe;
    private WebhookReceiver receiver;

    @BeforeAll
    static void start() {
        emu = StripeEmulator.start(EmulatorOptions.defaults()
                .withSampleSeed()
                .withWebhookRetrySchedule(List.of(Duration.ofMillis(100), Duration.ofMillis(200)))
                .withWebhookMaxAttempts(4));
        stripe = StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .build();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @BeforeEach
    void setUp() {
        emu.reset();
        receiver = new WebhookReceiver(SECRET);
    }

    @AfterEach
    void tearDown() {
        emu.webhooks().reset();
        emu.awaitDeliveries(WAIT);
        for (WebhookEndpoint endpoint : listEndpoints()) {
            deleteEndpoint(endpoint.getId());
        }
        receiver.close();
    }

    private static List<WebhookEndpoint> listEndpoints() {
        try {
            return stripe.v1().webhookEndpoints().list().getData();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteEndpoint(String id) {
        try {
            stripe.v1().webhookEndpoints().delete(id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Customer createCustomer(String email) throws Exception {
        return stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder().setEmail(email).build());
    }

    @Test
    void deliversStripeSignedEventsThatStripeJavaAccepts() throws Exception {
        emu.registerWebhookEndpoint(receiver.url(), SECRET);
        Customer customer = createCustomer("signed@example.com");
        stripe.v1()
                .customers()
                .update(
                        customer.getId(),
                        CustomerUpdateParams.builder().setName("Signed").build());

        assertThat(emu.awaitDeliveries(WAIT)).isTrue();

        assertThat(receiver.types()).containsExactly("customer.created", "customer.updated");
        assertThat(receiver.deliveries()).allMatch(WebhookReceiver.Delivery::signatureValid);
        WebhookReceiver.Delivery created = receiver.deliveries().get(0);
        assertThat(created.timestamp())
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        assertThat(created.event().path("api_version").asText()).isEqualTo("2026-07-29.dahlia");
        assertThat(created.event().path("data").path("object").path("id").asText())
                .isEqualTo(customer.getId());
        assertThat(created.event().path("request").path("id").asText())
                .isEqualTo(customer.getLastResponse().requestId());

        Event parsed = Webhook.constructEvent(created.body(), created.signature(), SECRET);
        assertThat(parsed.getType()).isEqualTo("customer.created");
        assertThat(parsed.getDataObjectDeserializer().getObject())
                .get()
                .isInstanceOfSatisfying(
                        Customer.class, c -> assertThat(c.getEmail()).isEqualTo("signed@example.com"));
        Event updated = Webhook.constructEvent(
                receiver.deliveries().get(1).body(),
                receiver.deliveries().get(1).signature(),
                SECRET);
        assertThat(updated.getData().getPreviousAttributes()).containsEntry("name", null);
        assertThat(emu.deliveryLog()).hasSize(2).allMatch(DeliveryAttempt::succeeded);
    }

    @Test
    void endpointsRegisteredThroughTheApiGetASecretAndOnlyTheirEvents() throws Exception {
        WebhookEndpoint endpoint = stripe.v1()
                .webhookEndpoints()
                .create(WebhookEndpointCreateParams.builder()
                        .setUrl(receiver.url())
                        .addEnabledEvent(WebhookEndpointCreateParams.EnabledEvent.CUSTOMER__CREATED)
                        .build());
        assertThat(endpoint.getSecret()).startsWith("whsec_");
        assertThat(endpoint.getId()).startsWith("we_");
        WebhookReceiver own = new WebhookReceiver(endpoint.getSecret());
        try {
            stripe.v1()
                    .webhookEndpoints()
                    .update(
                            endpoint.getId(),
                            com.stripe.param.WebhookEndpointUpdateParams.builder()
                                    .setUrl(own.url())
                                    .build());
            Customer c = createCustomer("filtered@example.com");
            stripe.v1()
                    .customers()
                    .update(
                            c.getId(),
                            CustomerUpdateParams.builder().setName("x").build());
            assertThat(emu.awaitDeliveries(WAIT)).isTrue();
            assertThat(own.types()).containsExactly("customer.created");
            assertThat(own.deliveries()).allMatch(WebhookReceiver.Delivery::signatureValid);
            assertThat(stripe.v1().webhookEndpoints().retrieve(endpoint.getId()).getSecret())
                    .isNull();

            stripe.v1().webhookEndpoints().delete(endpoint.getId());
            createCustomer("after-delete@example.com");
            assertThat(emu.awaitDeliveries(WAIT)).isTrue();
            assertThat(own.deliveries()).hasSize(1);
        } finally {
            own.close();
        }
    }

    @Test
    void retriesAfterNon2xxUntilItSucceeds() throws Exception {
        emu.registerWebhookEndpoint(receiver.url(), SECRET);
        receiver.failNext(2);

        Customer c = createCustomer("retry@example.com");

        assertThat(emu.awaitDeliveries(WAIT)).isTrue();
        assertThat(receiver.deliveries())
                .hasSize(3)
                .allMatch(d -> d.eventId().equals(receiver.deliveries().get(0).eventId()));
        assertThat(emu.deliveryLog())
                .extracting(DeliveryAttempt::attempt, DeliveryAttempt::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, 500),
                        org.assertj.core.groups.Tuple.tuple(2, 500),
                        org.assertj.core.groups.Tuple.tuple(3, 200));
        assertThat(receiver.deliveries()
                        .get(0)
                        .event()
                        .path("data")
                        .path("object")
                        .path("id")
                        .asText())
                .isEqualTo(c.getId());
    }

    @Test
    void givesUpAfterTheMaximumNumberOfAttempts() throws Exception {
        emu.registerWebhookEndpoint(receiver.url(), SECRET);
        receiver.failNext(100);

        createCustomer("gives-up@example.com");

        assertThat(emu.awaitDeliveries(WAIT)).isTrue();
        assertThat(emu.deliveryLog()).extracting(DeliveryAttempt::attempt).containsExactly(1, 2, 3, 4);
        assertThat(emu.deliveryLog()).noneMatch(DeliveryAttempt::succeeded);
    }

    @Test
    void connectionFailuresAreRetriedAndLogged() throws Exception {
        emu.registerWebhookEndpoint("http://127.0.0.1:1/nowhere", SECRET);
        createCustomer("unreachable@example.com");
        assertThat(emu.awaitDeliveries(WAIT)).isTrue();
        assertThat(emu.deliveryLog()).hasSize(4).allMatch(d -> d.status() == 0 && d.error() != null);
    }

    @Test
    void duplicateDeliversEveryEventSeveralTimes() throws Exception {
        emu.registerWebhookEndpoint(receiver.url(), SECRET);
        emu.webhooks().duplicate(3);

        createCustomer("dup@example.com");

        assertThat(emu.awaitDeliveries(WAIT)).isTrue();
        assertThat(receiver.deliveries()).hasSize(3);
        assertThat(receiver.deliveries().stream()
                        .map(WebhookReceiver.Delivery::eventId)
                        .distinct())
                .hasSize(1);
        assertThat(emu.deliveryLog()).extracting(DeliveryAttempt::copy).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void reorderDeliversABatchInReverse() throws Exception {
        emu.registerWebhookEndpoint(receiver.url(), SECRET);
        Customer customer = createCustomer("reorder@example.com");
        assertThat(emu.awaitDeliveries(WAIT)).isTrue();
        receiver.clear();
        emu.webhooks().reorder(true);
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
                        .build());
        Set<String> before = emu.events().stream().map(EmittedEvent::id).collect(Collectors.toSet());

        emu.completeCheckoutSession(session.getId());

        assertThat(emu.awaitDeliveries(WAIT)).isTrue();
        List<String> emitted = new ArrayList<>(emu.events().stream()
                .map(EmittedEvent::id)
                .filter(id -> !before.contains(id))
                .toList());
        Collections.reverse(emitted);
        assertThat(receiver.deliveries())
                .extracting(WebhookReceiver.Delivery::eventId)
                .containsExactlyElementsOf(emitted);
        assertThat(receiver.types().get(0)).isEqualTo("checkout.session.completed");
    }

    @Test
    void delayHoldsEachDeliveryBackForTheGivenTime() throws Exception {
        emu.registerWebhookEndpoint(receiver.url(), SECRET);
        emu.webhooks().delay(Duration.ofMillis(500));
        long start = System.nanoTime();

        createCustomer("delay@example.com");

        assertThat(emu.awaitDeliveries(WAIT)).isTrue();
        assertThat(receiver.deliveries()).hasSize(1);
        assertThat(Duration.ofNanos(receiver.deliveries().get(0).receivedAtNanos() - start))
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void pauseHoldsDeliveriesUntilResume() throws Exception {
        emu.registerWebhookEndpoint(receiver.url(), SECRET);
        emu.webhooks().pause();

        createCustomer("pause1@example.com");
        createCustomer("pause2@example.com");
        assertThat(emu.awaitDeliveries(Duration.ofMillis(300))).isFalse();
        assertThat(receiver.deliveries()).isEmpty();

        emu.webhooks().resume();
        assertThat(emu.awaitDeliveries(WAIT)).isTrue();
        assertThat(receiver.types()).containsExactly("customer.created", "customer.created");
        assertThat(receiver.deliveries())
                .extracting(WebhookReceiver.Delivery::eventId)
                .containsExactlyElementsOf(
                        emu.events().stream().map(EmittedEvent::id).toList());
    }

    @Test
    void switchesWorkThroughTheControlApi() throws Exception {
        ControlClient control = new ControlClient(emu);
        ControlClient.Reply registered = control.post(
                "/_emulator/webhooks/endpoints",
                "url=" + java.net.URLEncoder.encode(receiver.url(), java.nio.charset.StandardCharsets.UTF_8)
                        + "&secret=" + SECRET);
        assertThat(registered.json().path("id").asText()).startsWith("we_");

        ControlClient.Reply settings =
                control.post("/_emulator/webhooks", "duplicate=2&delay_ms=0&reorder=false&paused=true");
        assertThat(settings.json().path("duplicate").asInt()).isEqualTo(2);
        assertThat(settings.json().path("paused").asBoolean()).isTrue();
        createCustomer("control@example.com");
        assertThat(control.get("/_emulator/webhooks").json().path("held").asInt())
                .isPositive();

        control.post("/_emulator/webhooks/resume", "");
        assertThat(control.get("/_emulator/webhooks/await?timeout_ms=5000")
                        .json()
                        .path("idle")
                        .asBoolean())
                .isTrue();
        assertThat(receiver.deliveries()).hasSize(2);
        ControlClient.Reply log = control.get("/_emulator/deliveries");
        assertThat(log.json().path("deliveries")).hasSize(2);
        assertThat(log.json().path("deliveries").get(0).path("status").asInt()).isEqualTo(200);
    }
}

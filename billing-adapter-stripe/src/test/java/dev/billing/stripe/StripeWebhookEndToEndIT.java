package dev.billing.stripe;

import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.emulator.DeliveryAttempt;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real deliveries: the emulator signs and POSTs its events to a tiny HTTP receiver that does what the server's
 * webhook route does (verify the raw bytes, then decode), for a checkout → subscription → cancel flow driven
 * through the gateway. Two endpoints signed with different secrets stand for a rotation; a third with an unknown
 * secret is refused.
 */
class StripeWebhookEndToEndIT {
    private static final String CURRENT = "whsec_current_e2e_5a8f";
    private static final String PREVIOUS = "whsec_previous_e2e_19c3";

    /** One delivery as the receiver saw it. */
    record Received(String path, StripeEvent event, EventObject decoded, WebhookRejectedException.Reason rejected) {}

    private final StripeWebhookVerifier verifier =
            StripeWebhookVerifier.create(List.of(CURRENT, PREVIOUS), Clock.systemUTC());
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private HttpServer receiver;
    private StripeEmulator emulator;
    private StripePaymentGateway gateway;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String signature = exchange.getRequestHeaders().getFirst("Stripe-Signature");
            int status;
            try {
                StripeEvent event = verifier.verify(body, signature);
                received.add(new Received(exchange.getRequestURI().getPath(), event, verifier.decode(event), null));
                status = 200;
            } catch (WebhookRejectedException e) {
                received.add(new Received(exchange.getRequestURI().getPath(), null, null, e.reason()));
                status = 400;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        emulator =
                StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed().withWebhookMaxAttempts(1));
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        emulator.registerWebhookEndpoint(base + "/current", CURRENT);
        emulator.registerWebhookEndpoint(base + "/previous", PREVIOUS);
        emulator.registerWebhookEndpoint(base + "/forged", "whsec_not_ours", List.of("customer.created"));
        gateway = StripePaymentGateway.create(StripeConfig.of(emulator.apiKey()).withApiBase(emulator.baseUrl()));
    }

    @AfterEach
    void stop() {
        emulator.close();
        receiver.stop(0);
    }

    private List<Received> accepted(String path) {
        return received.stream()
                .filter(r -> r.path().equals(path) && r.rejected() == null)
                .toList();
    }

    private <T extends EventObject> List<T> decoded(String type, Class<T> kind) {
        return accepted("/current").stream()
                .filter(r -> r.event().type().equals(type))
                .map(r -> kind.cast(r.decoded()))
                .toList();
    }

    @Test
    void checkoutToSubscriptionWebhooksVerifyAndDecode() {
        UserId user = UserId.of(unique("user_"));
        CustomerId customer = gateway.createCustomer(new NewCustomer(user, "ada@example.com", unique("key-")));
        CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.SUBSCRIPTION,
                customer,
                List.of(new LineItem.OfPrice("price_pro_monthly", 1)),
                "https://app.example.com/ok",
                "https://app.example.com/cancel",
                user.value(),
                0,
                null,
                Map.of("user_id", user.value()),
                Map.of("user_id", user.value()),
                unique("checkout-")));
        String subscriptionId = emulator.completeCheckoutSession(session.id()).subscriptionId();
        gateway.cancelSubscription(subscriptionId, true, unique("cancel-"));
        assertThat(emulator.awaitDeliveries(Duration.ofSeconds(20))).isTrue();

        int emitted = emulator.events().size();
        assertThat(accepted("/current")).hasSize(emitted);
        assertThat(accepted("/previous")).hasSize(emitted); // the rotated secret still verifies
        assertThat(received)
                .filteredOn(r -> r.path().equals("/forged"))
                .singleElement()
                .satisfies(
                        r -> assertThat(r.rejected()).isEqualTo(WebhookRejectedException.Reason.NO_MATCHING_SIGNATURE));
        assertThat(emulator.deliveryLog())
                .filteredOn(d -> d.url().endsWith("/forged"))
                .extracting(DeliveryAttempt::status)
                .containsExactly(400);

        assertThat(accepted("/current"))
                .extracting(r -> r.event().type())
                .contains(
                        "customer.created",
                        "customer.subscription.created",
                        "invoice.paid",
                        "checkout.session.completed",
                        "customer.subscription.updated",
                        "payment_method.attached");
        assertThat(accepted("/current")).allSatisfy(r -> {
            assertThat(r.event().apiVersion()).isEqualTo(StripePaymentGateway.API_VERSION);
            assertThat(r.decoded()).isNotNull();
        });

        assertThat(decoded("customer.created", EventObject.OfCustomer.class))
                .singleElement()
                .isEqualTo(new EventObject.OfCustomer(customer, user, "ada@example.com", false));
        Subscription created = decoded("customer.subscription.created", EventObject.OfSubscription.class)
                .get(0)
                .subscription();
        assertThat(created.id()).isEqualTo(subscriptionId);
        assertThat(created.customerId()).isEqualTo(customer);
        assertThat(created.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(created.priceId()).isEqualTo("price_pro_monthly");
        assertThat(created.metadata()).containsEntry("user_id", user.value());
        EventObject.OfInvoice paidInvoice =
                decoded("invoice.paid", EventObject.OfInvoice.class).get(0);
        assertThat(decoded("invoice.paid", EventObject.OfInvoice.class))
                .singleElement()
                .satisfies(paid -> {
                    assertThat(paid.invoice().subscriptionId()).isEqualTo(subscriptionId);
                    assertThat(paid.invoice().amountPaid()).isEqualTo(2900);
                    assertThat(paid.paymentIntentId())
                            .as("the pinned version's invoice names none")
                            .isNull();
                });
        assertThat(decoded("invoice_payment.paid", EventObject.OfInvoicePayment.class))
                .singleElement()
                .satisfies(payment -> {
                    assertThat(payment.invoiceId())
                            .isEqualTo(paidInvoice.invoice().id());
                    assertThat(payment.paymentIntentId()).startsWith("pi_");
                });
        assertThat(decoded("checkout.session.completed", EventObject.OfCheckoutSession.class))
                .singleElement()
                .satisfies(done -> {
                    assertThat(done.session().id()).isEqualTo(session.id());
                    assertThat(done.session().subscriptionId()).isEqualTo(subscriptionId);
                    assertThat(done.session().isPaid()).isTrue();
                });
        assertThat(decoded("customer.subscription.updated", EventObject.OfSubscription.class))
                .last()
                .satisfies(updated ->
                        assertThat(updated.subscription().cancelAtPeriodEnd()).isTrue());
        assertThat(accepted("/current"))
                .filteredOn(r -> r.event().type().equals("payment_method.attached"))
                .allSatisfy(r -> assertThat(r.decoded()).isInstanceOf(EventObject.Other.class));
    }
}

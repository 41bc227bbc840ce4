package dev.billing.stripe;

import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.emulator.EmittedEvent;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook side decodes raw JSON ({@link StripeJson}), the gateway maps stripe-java's models
 * ({@link StripeObjects}): for the same object at the same moment both must give the same record (the version
 * aside). Checked on the emulator's own events across a subscription's life.
 */
class StripeMappingConsistencyIT {
    private StripeEmulator emulator;
    private StripePaymentGateway gateway;
    private final StripeWebhookVerifier verifier =
            StripeWebhookVerifier.create(List.of("whsec_unused"), Clock.systemUTC());

    @BeforeEach
    void start() {
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        gateway = StripePaymentGateway.create(StripeConfig.of(emulator.apiKey()).withApiBase(emulator.baseUrl()));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    /** The newest event about the object, decoded as a webhook would be. */
    private EventObject latestSnapshot(String objectId, String typePrefix) {
        List<EmittedEvent> events = emulator.events().stream()
                .filter(e -> objectId.equals(e.objectId()) && e.type().startsWith(typePrefix))
                .toList();
        assertThat(events).as("events about " + objectId).isNotEmpty();
        StripeEvent event = StripeEventReader.read(events.get(events.size() - 1).json());
        EventObject decoded = verifier.decode(event);
        if (decoded instanceof EventObject.OfSubscription s) {
            assertThat(s.subscription().version()).isEqualTo(SourceVersion.snapshot(event.created()));
        }
        return decoded;
    }

    private void assertSameSubscription(String id) {
        Subscription fetched = gateway.getSubscription(id).orElseThrow();
        Subscription snapshot =
                ((EventObject.OfSubscription) latestSnapshot(id, "customer.subscription.")).subscription();
        assertThat(snapshot.withVersion(fetched.version())).isEqualTo(fetched);
    }

    private void assertSameInvoice(String id) {
        Invoice fetched = gateway.getInvoice(id).orElseThrow();
        Invoice snapshot = ((EventObject.OfInvoice) latestSnapshot(id, "invoice.")).invoice();
        assertThat(snapshot.withVersion(fetched.version())).isEqualTo(fetched);
    }

    @Test
    void snapshotsAndReadsAgreeAcrossASubscriptionsLife() {
        UserId user = UserId.of(unique("user_"));
        CustomerId customer = gateway.createCustomer(new NewCustomer(user, "ada@example.com", unique("key-")));
        assertThat(latestSnapshot(customer.value(), "customer.created"))
                .isEqualTo(new EventObject.OfCustomer(customer, user, "ada@example.com", false));

        CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.SUBSCRIPTION,
                customer,
                List.of(new LineItem.OfPrice("price_pro_monthly", 2), new LineItem.Metered("price_api_calls_metered")),
                "https://app.example.com/ok",
                "https://app.example.com/cancel",
                user.value(),
                7,
                null,
                Map.of("user_id", user.value()),
                Map.of("user_id", user.value()),
                unique("checkout-")));
        var completion = emulator.completeCheckoutSession(session.id());
        String subscription = completion.subscriptionId();

        assertThat(((EventObject.OfCheckoutSession) latestSnapshot(session.id(), "checkout.session.")).session())
                .isEqualTo(gateway.getCheckoutSession(session.id()).orElseThrow());
        assertSameSubscription(subscription);
        assertSameInvoice(completion.invoiceId());

        gateway.cancelSubscription(subscription, true, unique("cancel-"));
        assertSameSubscription(subscription);
        gateway.resumeSubscription(subscription, unique("resume-"));
        assertSameSubscription(subscription);

        emulator.advanceClock(Duration.ofDays(8)); // the trial ends: active, first paid invoice
        assertThat(gateway.getSubscription(subscription).orElseThrow().status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertSameSubscription(subscription);
        Invoice firstPaid = gateway.listInvoices(customer, 1, null).items().get(0);
        assertThat(firstPaid.amountPaid()).isEqualTo(5800);
        assertSameInvoice(firstPaid.id());

        gateway.cancelSubscription(subscription, false, unique("cancel-"));
        assertSameSubscription(subscription);
    }

    @Test
    void taxedInvoicesAgreeOnTheirTaxAndTheSessionAskedForIt() {
        emulator.taxRatePercent(20);
        UserId user = UserId.of(unique("user_"));
        CustomerId customer = gateway.createCustomer(new NewCustomer(user, "tax@example.com", unique("key-")));
        emulator.clearRequestLog();
        CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                        CheckoutMode.SUBSCRIPTION,
                        customer,
                        List.of(new LineItem.OfPrice("price_pro_monthly", 1)),
                        "https://app.example.com/ok",
                        "https://app.example.com/cancel",
                        user.value(),
                        0,
                        null,
                        Map.of(),
                        Map.of(),
                        unique("checkout-"))
                .withAutomaticTax(true));
        assertThat(emulator.requestLog().stream().filter(r -> r.path().equals("/v1/checkout/sessions")))
                .singleElement()
                .satisfies(r -> assertThat(r.params())
                        .containsEntry("automatic_tax", Map.of("enabled", "true"))
                        .containsEntry("tax_id_collection", Map.of("enabled", "true"))
                        .containsEntry("billing_address_collection", "required")
                        .containsEntry("customer_update", Map.of("address", "auto", "name", "auto")));
        var completion = emulator.completeCheckoutSession(session.id());

        assertSameInvoice(completion.invoiceId());
        Invoice first = gateway.getInvoice(completion.invoiceId()).orElseThrow();
        assertThat(first.tax()).isEqualTo(580L);
        assertThat(first.amountDue()).isEqualTo(3480L);

        emulator.advanceClock(Duration.ofDays(32)); // the renewal is taxed the same way
        Invoice renewal = gateway.listInvoices(customer, 1, null).items().get(0);
        assertThat(renewal.id()).isNotEqualTo(first.id());
        assertThat(renewal.tax()).isEqualTo(580L);
        assertSameInvoice(renewal.id());
    }

    @Test
    void anUntaxedInvoiceHasNoTaxOnEitherSide() {
        UserId user = UserId.of(unique("user_"));
        CustomerId customer = gateway.createCustomer(new NewCustomer(user, "notax@example.com", unique("key-")));
        CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                CheckoutMode.SUBSCRIPTION,
                customer,
                List.of(new LineItem.OfPrice("price_pro_monthly", 1)),
                "https://app.example.com/ok",
                "https://app.example.com/cancel",
                user.value(),
                0,
                null,
                Map.of(),
                Map.of(),
                unique("checkout-")));
        String invoice = emulator.completeCheckoutSession(session.id()).invoiceId();
        assertSameInvoice(invoice);
        assertThat(gateway.getInvoice(invoice).orElseThrow().tax()).isNull();
    }
}

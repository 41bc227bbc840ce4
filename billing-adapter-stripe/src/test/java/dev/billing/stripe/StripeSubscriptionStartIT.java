package dev.billing.stripe;

import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.param.SubscriptionCreateParams;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whether a subscription started ({@link StripePaymentGateway#hasStarted}), for what the port's contract cannot make
 * through the port: a subscription billed by invoices sent to the customer, made in Stripe's Dashboard as a team
 * billing businesses does, over real HTTP against the Stripe emulator.
 */
class StripeSubscriptionStartIT {
    private static StripeEmulator emulator;
    private static StripePaymentGateway gateway;
    private static StripeClient dashboard;

    @BeforeAll
    static void startEmulator() {
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        gateway = StripePaymentGateway.create(StripeConfig.of(emulator.apiKey()).withApiBase(emulator.baseUrl()));
        dashboard = EmulatorClients.stripe(emulator);
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void aSubscriptionBilledByInvoiceStartedThoughItsInvoiceIsUnpaidAlsoOnceCanceled() throws StripeException {
        CustomerId customer = gateway.createCustomer(
                new NewCustomer(UserId.of(unique("user_")), unique("u") + "@example.com", unique("customer-")));
        String id = create(customer, SubscriptionCreateParams.CollectionMethod.SEND_INVOICE);
        String charged = create(customer, SubscriptionCreateParams.CollectionMethod.CHARGE_AUTOMATICALLY);

        Subscription billedByInvoice = gateway.getSubscription(id).orElseThrow();
        assertThat(billedByInvoice.status().stripeName()).isEqualTo("active");
        assertThat(gateway.hasStarted(billedByInvoice)).isTrue();
        assertThat(gateway.hasStarted(gateway.getSubscription(charged).orElseThrow()))
                .as("charged automatically, its first invoice unpaid: never started")
                .isFalse();

        dashboard.v1().subscriptions().cancel(id);
        assertThat(gateway.hasStarted(gateway.getSubscription(id).orElseThrow()))
                .as("canceled before its invoice was paid")
                .isTrue();
    }

    /** A subscription on the sample catalog's plan, its first invoice left unpaid (no card; sent, or incomplete). */
    private static String create(CustomerId customer, SubscriptionCreateParams.CollectionMethod collection)
            throws StripeException {
        SubscriptionCreateParams.Builder params = SubscriptionCreateParams.builder()
                .setCustomer(customer.value())
                .addItem(SubscriptionCreateParams.Item.builder()
                        .setPrice("price_pro_monthly")
                        .build())
                .setCollectionMethod(collection);
        if (collection == SubscriptionCreateParams.CollectionMethod.SEND_INVOICE) {
            params.setDaysUntilDue(30L);
        } else {
            params.setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE);
        }
        return dashboard.v1().subscriptions().create(params.build()).getId();
    }
}

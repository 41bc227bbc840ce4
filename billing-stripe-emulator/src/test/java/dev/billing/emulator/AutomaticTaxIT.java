package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import com.stripe.model.checkout.Session;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Automatic tax at the configured rate, read through stripe-java. */
class AutomaticTaxIT {
    private static StripeEmulator emu;
    private static StripeClient stripe;

    @BeforeAll
    static void start() {
        emu = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
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
    void reset() {
        emu.reset();
        emu.taxRatePercent(20);
    }

    private static Customer customer() throws StripeException {
        return stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder().setEmail("t@example.com").build());
    }

    private static SessionCreateParams.Builder subscription(String customer) {
        return SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                .setCustomer(customer)
                .setSuccessUrl("https://example.com/ok")
                .setCancelUrl("https://example.com/no")
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setPrice("price_pro_monthly")
                        .setQuantity(1L)
                        .build());
    }

    private static SessionCreateParams.Builder taxed(SessionCreateParams.Builder params) {
        return params.setAutomaticTax(SessionCreateParams.AutomaticTax.builder()
                        .setEnabled(true)
                        .build())
                .setCustomerUpdate(SessionCreateParams.CustomerUpdate.builder()
                        .setAddress(SessionCreateParams.CustomerUpdate.Address.AUTO)
                        .build());
    }

    @Test
    void checkoutWithAutomaticTaxAddsTheRateToSessionAndInvoices() throws StripeException {
        Session session = stripe.v1()
                .checkout()
                .sessions()
                .create(taxed(subscription(customer().getId())).build());
        assertThat(session.getAutomaticTax().getEnabled()).isTrue();
        assertThat(session.getAmountSubtotal()).isEqualTo(2900L);
        assertThat(session.getTotalDetails().getAmountTax()).isEqualTo(580L);
        assertThat(session.getAmountTotal()).isEqualTo(3480L);

        CheckoutCompletion done = emu.completeCheckoutSession(session.getId());
        Invoice first = stripe.v1().invoices().retrieve(done.invoiceId());
        assertThat(first.getAutomaticTax().getEnabled()).isTrue();
        assertThat(first.getTotalExcludingTax()).isEqualTo(2900L);
        assertThat(first.getTotalTaxes())
                .singleElement()
                .satisfies(t -> assertThat(t.getAmount()).isEqualTo(580L));
        assertThat(first.getTotal()).isEqualTo(3480L);
        assertThat(first.getAmountDue()).isEqualTo(3480L);
        assertThat(first.getAmountPaid()).isEqualTo(3480L);

        emu.advanceClock(Duration.ofDays(32));
        Invoice renewal = stripe.v1()
                .invoices()
                .retrieve(stripe.v1()
                        .subscriptions()
                        .retrieve(done.subscriptionId())
                        .getLatestInvoice());
        assertThat(renewal.getId()).isNotEqualTo(first.getId());
        assertThat(renewal.getTotalTaxes())
                .singleElement()
                .satisfies(t -> assertThat(t.getAmount()).isEqualTo(580L));
    }

    @Test
    void withoutAutomaticTaxNothingIsAdded() throws StripeException {
        Session session = stripe.v1()
                .checkout()
                .sessions()
                .create(subscription(customer().getId()).build());
        assertThat(session.getAutomaticTax().getEnabled()).isFalse();
        assertThat(session.getAmountTotal()).isEqualTo(2900L);
        Invoice first = stripe.v1()
                .invoices()
                .retrieve(emu.completeCheckoutSession(session.getId()).invoiceId());
        assertThat(first.getTotalTaxes()).isEmpty();
        assertThat(first.getAmountDue()).isEqualTo(2900L);
    }

    @Test
    void anExistingCustomerWithoutAddressNeedsCustomerUpdateAddressAuto() throws StripeException {
        SessionCreateParams params = subscription(customer().getId())
                .setAutomaticTax(SessionCreateParams.AutomaticTax.builder()
                        .setEnabled(true)
                        .build())
                .build();
        assertThatThrownBy(() -> stripe.v1().checkout().sessions().create(params))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.getParam()).isEqualTo("automatic_tax[enabled]");
                    assertThat(e.getMessage()).contains("customer_update[address]");
                });
    }

    @Test
    void theRateIsSetOverTheControlApiAndChecked() {
        ControlClient control = new ControlClient(emu);
        assertThat(control.post("/_emulator/tax", "rate_percent=8.5")
                        .json()
                        .path("rate_percent")
                        .asDouble())
                .isEqualTo(8.5);
        assertThat(control.post("/_emulator/tax", "rate_percent=150").status()).isEqualTo(400);
    }
}

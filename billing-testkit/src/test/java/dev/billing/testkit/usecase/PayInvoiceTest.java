package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.UseCases;
import dev.billing.core.error.ConflictException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.FakePaymentGateway.Call;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Paying an open invoice again: each attempt is its own request to Stripe, a double submit pays once. */
class PayInvoiceTest {
    private final BillingHarness h = BillingHarness.create();
    private final UseCases uc = h.billing().useCases();
    private final UserId alice = UserId.of("user_alice");

    /** Alice's past-due subscription's open invoice; a card of hers pays. */
    private String openInvoice() {
        String invoice = openInvoiceNoCardPays();
        CustomerId customer = uc.ensureCustomer().find(alice).orElseThrow();
        h.gateway().setDefaultPaymentMethod(customer, h.gateway().attachCard(customer));
        return invoice;
    }

    private String openInvoiceNoCardPays() {
        CustomerId customer =
                h.billing().ensureCustomer(h.identity(alice.value())).customerId();
        h.gateway().subscribe(customer, "price_basic_monthly", SubscriptionStatus.PAST_DUE);
        Invoice open = uc.listInvoices().of(alice, 10, null).items().get(0);
        assertThat(open.status()).isEqualTo(InvoiceStatus.OPEN);
        return open.id();
    }

    @Test
    void eachAttemptHasItsOwnKeyWhichItsRetriesReuse() {
        String invoice = openInvoice();
        h.gateway().failNext(Operation.PAY_INVOICE, 1, Failure.REJECTED);
        assertThatThrownBy(() -> uc.payInvoice().pay(alice, invoice)).isInstanceOf(GatewayRejectedException.class);

        // The next attempt (after the user changed cards, say) loses its first answer and is retried.
        h.gateway().failNext(Operation.PAY_INVOICE, 1, Failure.UNKNOWN_AFTER_APPLYING);
        assertThat(uc.payInvoice().pay(alice, invoice).status()).isEqualTo(InvoiceStatus.PAID);

        List<String> keys = h.gateway().calls(Operation.PAY_INVOICE).stream()
                .map(Call::idempotencyKey)
                .toList();
        assertThat(keys).hasSize(3).doesNotContainNull();
        assertThat(keys.get(1))
                .as("a new attempt is never answered by the replay of the one before")
                .isNotEqualTo(keys.get(0));
        assertThat(keys.get(2)).as("the retry of a lost answer replays it").isEqualTo(keys.get(1));
    }

    @Test
    void anInvoiceTheOtherOfTwoSubmitsPaidFirstIsAnsweredAsPaid() {
        String invoice = openInvoice();
        // The other request pays between this one's read of the invoice and its payment.
        h.gateway().beforeNext(Operation.PAY_INVOICE, () -> h.gateway().payInvoice(invoice, null, "the-other-submit"));

        Invoice paid = uc.payInvoice().pay(alice, invoice);

        assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
        assertThat(paid.amountRemaining()).isZero();
        assertThat(h.gateway().calls(Operation.PAY_INVOICE))
                .extracting(Call::idempotencyKey)
                .hasSize(2)
                .startsWith("the-other-submit");
    }

    @Test
    void anotherRefusalIsNotTakenForAPayment() {
        String invoice = openInvoice();
        h.gateway().failNext(Operation.PAY_INVOICE, 1, Failure.REJECTED);
        assertThatThrownBy(() -> uc.payInvoice().pay(alice, invoice))
                .isInstanceOfSatisfying(
                        GatewayRejectedException.class,
                        e -> assertThat(e.gatewayCode()).isEqualTo("scripted"));
        assertThat(h.gateway().getInvoice(invoice).orElseThrow().status()).isEqualTo(InvoiceStatus.OPEN);
    }

    /**
     * While no card pays for the account (a declined PaymentSheet leaves none), paying is a conflict that says what to
     * do, and Stripe is not asked (it would refuse, saying why only in its message: a 502 before).
     */
    @Test
    void anInvoiceNoCardPaysIsAConflictThatSaysWhatToDo() {
        String invoice = openInvoiceNoCardPays();
        CustomerId customer = uc.ensureCustomer().find(alice).orElseThrow();
        h.gateway().attachCard(customer); // saved, but not the one that pays

        assertThatThrownBy(() -> uc.payInvoice().pay(alice, invoice))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.code()).isEqualTo("no_payment_method");
                    assertThat(e.getMessage()).contains(invoice, "POST /stripe/payment-methods/{id}/default");
                });
        assertThat(h.gateway().calls(Operation.PAY_INVOICE)).isEmpty();
        assertThat(h.gateway().getInvoice(invoice).orElseThrow().status()).isEqualTo(InvoiceStatus.OPEN);
    }

    /** The card the API lists as the one that pays is the card Stripe is told to charge, not left to Stripe. */
    @Test
    void theCardThatPaysIsTheOneStripeCharges() {
        String invoice = openInvoice();
        CustomerId customer = uc.ensureCustomer().find(alice).orElseThrow();
        String paying = h.gateway().listPaymentMethods(customer).stream()
                .filter(PaymentMethod::isDefault)
                .findFirst()
                .orElseThrow()
                .id();

        uc.payInvoice().pay(alice, invoice);

        assertThat(h.gateway().calls(Operation.PAY_INVOICE))
                .extracting(Call::parameters)
                .containsExactly(invoice + " " + paying);
    }
}

package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.EphemeralKey;
import com.stripe.model.Invoice;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Subscription;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.EphemeralKeyCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionRetrieveParams;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a backend for Stripe's mobile PaymentSheet calls, over stripe-java: ephemeral keys (with the Stripe-Version
 * header), {@code default_incomplete} subscriptions with {@code latest_invoice.confirmation_secret} or a
 * {@code pending_setup_intent}, the app's confirmation with test cards (success, decline, 3-D Secure) and the expiry
 * of an unpaid incomplete subscription.
 */
class PaymentSheetIT {
    private static final String API_VERSION_OF_THE_APP = "2020-08-27";
    private StripeEmulator emu;
    private StripeClient stripe;
    private ControlClient control;
    private String customer;

    @BeforeEach
    void start() throws Exception {
        emu = StripeEmulator.start(EmulatorOptions.defaults()
                .withSampleSeed()
                .withClockStart(Instant.parse("2026-03-01T10:00:00Z"))
                .withFrozenClock(true));
        stripe = StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .build();
        control = new ControlClient(emu);
        Customer c = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("sheet@example.com")
                        .build());
        customer = c.getId();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    private Subscription subscribe(Long trialDays) throws Exception {
        SubscriptionCreateParams.Builder params = SubscriptionCreateParams.builder()
                .setCustomer(customer)
                .addItem(SubscriptionCreateParams.Item.builder()
                        .setPrice("price_pro_monthly")
                        .build())
                .setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE)
                .setPaymentSettings(SubscriptionCreateParams.PaymentSettings.builder()
                        .setSaveDefaultPaymentMethod(
                                SubscriptionCreateParams.PaymentSettings.SaveDefaultPaymentMethod.ON_SUBSCRIPTION)
                        .build())
                .addExpand("latest_invoice.confirmation_secret")
                .addExpand("pending_setup_intent");
        if (trialDays != null) {
            params.setTrialPeriodDays(trialDays);
        }
        return stripe.v1().subscriptions().create(params.build());
    }

    private String status(String subscriptionId) throws Exception {
        return stripe.v1().subscriptions().retrieve(subscriptionId).getStatus();
    }

    private String paymentIntentOf(Subscription sub) {
        String secret = sub.getLatestInvoiceObject().getConfirmationSecret().getClientSecret();
        return secret.substring(0, secret.indexOf("_secret_"));
    }

    @Test
    void anEphemeralKeyNeedsTheAppsStripeVersion() throws Exception {
        EphemeralKey key = stripe.v1()
                .ephemeralKeys()
                .create(EphemeralKeyCreateParams.builder()
                        .setCustomer(customer)
                        .setStripeVersion(API_VERSION_OF_THE_APP)
                        .build());
        assertThat(key.getSecret()).startsWith("ek_test_");
        assertThat(key.getExpires() - key.getCreated()).isEqualTo(3600);

        ControlClient.Reply withoutVersion = control.api("POST", "/v1/ephemeral_keys", "customer=" + customer, null);
        assertThat(withoutVersion.status()).isEqualTo(400);
        assertThat(withoutVersion.json().at("/error/message").asText()).contains("Stripe-Version");
    }

    @Test
    void aDefaultIncompleteSubscriptionIsPaidByConfirmingItsInvoicesSecret() throws Exception {
        Subscription sub = subscribe(null);
        assertThat(sub.getStatus()).isEqualTo("incomplete");
        Invoice invoice = sub.getLatestInvoiceObject();
        assertThat(invoice.getConfirmationSecret().getType()).isEqualTo("payment_intent");
        assertThat(invoice.getConfirmationSecret().getClientSecret()).contains("_secret_");

        assertThat(emu.confirmPaymentIntent(paymentIntentOf(sub), "4242424242424242"))
                .isEqualTo("succeeded");
        assertThat(status(sub.getId())).isEqualTo("active");
        assertThat(stripe.v1().subscriptions().retrieve(sub.getId()).getDefaultPaymentMethod())
                .isNotNull();
        assertThat(stripe.v1().customers().paymentMethods().list(customer).getData())
                .as("the card is saved for renewals")
                .hasSize(1);
    }

    @Test
    void aTrialLeavesASetupIntentInsteadOfAPayment() throws Exception {
        Subscription sub = subscribe(14L);
        assertThat(sub.getStatus()).isEqualTo("trialing");
        assertThat(sub.getPendingSetupIntentObject().getClientSecret()).contains("_secret_");
        assertThat(sub.getLatestInvoiceObject().getConfirmationSecret()).isNull();
        String pm = emu.confirmSetupIntent(sub.getPendingSetupIntent());
        assertThat(stripe.v1().paymentMethods().retrieve(pm).getCustomer()).isEqualTo(customer);
        Subscription after = stripe.v1().subscriptions().retrieve(sub.getId());
        assertThat(after.getPendingSetupIntent()).isNull();
        assertThat(after.getDefaultPaymentMethod())
                .as("save_default_payment_method=on_subscription")
                .isEqualTo(pm);
    }

    @Test
    void aTrialThatEndsWithoutACardIsCanceledWhenItsSettingsSaySo() throws Exception {
        SubscriptionCreateParams.TrialSettings cancel = SubscriptionCreateParams.TrialSettings.builder()
                .setEndBehavior(SubscriptionCreateParams.TrialSettings.EndBehavior.builder()
                        .setMissingPaymentMethod(
                                SubscriptionCreateParams.TrialSettings.EndBehavior.MissingPaymentMethod.CANCEL)
                        .build())
                .build();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ids.add(stripe.v1()
                    .subscriptions()
                    .create(SubscriptionCreateParams.builder()
                            .setCustomer(customer)
                            .addItem(SubscriptionCreateParams.Item.builder()
                                    .setPrice("price_pro_monthly")
                                    .build())
                            .setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE)
                            .setPaymentSettings(SubscriptionCreateParams.PaymentSettings.builder()
                                    .setSaveDefaultPaymentMethod(
                                            SubscriptionCreateParams.PaymentSettings.SaveDefaultPaymentMethod
                                                    .ON_SUBSCRIPTION)
                                    .build())
                            .setTrialPeriodDays(14L)
                            .setTrialSettings(cancel)
                            .build())
                    .getId());
        }
        // The second one's app saved a card; the first one's never did.
        emu.confirmSetupIntent(stripe.v1().subscriptions().retrieve(ids.get(1)).getPendingSetupIntent());
        emu.advanceClock(Duration.ofDays(15));
        assertThat(status(ids.get(0))).isEqualTo("canceled");
        assertThat(status(ids.get(1))).isEqualTo("active");
    }

    @Test
    void aDeclineLeavesTheSubscriptionIncompleteAndAnotherCardPaysIt() throws Exception {
        Subscription sub = subscribe(null);
        String pi = paymentIntentOf(sub);
        assertThat(emu.confirmPaymentIntent(pi, "4000000000000002")).isEqualTo("requires_payment_method");
        assertThat(status(sub.getId())).isEqualTo("incomplete");
        assertThat(emu.confirmPaymentIntent(pi, "4242424242424242")).isEqualTo("succeeded");
        assertThat(status(sub.getId())).isEqualTo("active");
    }

    @Test
    void threeDSecureWaitsForTheCustomersAuthentication() throws Exception {
        Subscription sub = subscribe(null);
        String pi = paymentIntentOf(sub);
        ControlClient.Reply asked =
                control.post("/_emulator/payment_intents/" + pi + "/confirm", "card_number=4000002500003155");
        assertThat(asked.json().get("status").asText()).isEqualTo("requires_action");
        assertThat(asked.json().at("/next_action/type").asText()).isEqualTo("use_stripe_sdk");
        assertThat(status(sub.getId())).isEqualTo("incomplete");
        assertThat(emu.events().stream().map(EmittedEvent::type)).contains("payment_intent.requires_action");

        ControlClient.Reply authenticated = control.post("/_emulator/payment_intents/" + pi + "/confirm", "");
        assertThat(authenticated.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(status(sub.getId())).isEqualTo("active");
    }

    @Test
    void aFailedAuthenticationLeavesTheIntentToPayAgain() throws Exception {
        PaymentIntent intent = stripe.v1()
                .paymentIntents()
                .create(PaymentIntentCreateParams.builder()
                        .setAmount(1000L)
                        .setCurrency("usd")
                        .setCustomer(customer)
                        .build());
        assertThat(emu.confirmPaymentIntent(intent.getId(), "4000002760003184")).isEqualTo("requires_action");
        assertThat(emu.authenticatePaymentIntent(intent.getId(), false)).isEqualTo("requires_payment_method");
        PaymentIntent failed = stripe.v1().paymentIntents().retrieve(intent.getId());
        assertThat(failed.getLastPaymentError().getCode()).isEqualTo("payment_intent_authentication_failure");
        assertThat(emu.confirmPaymentIntent(intent.getId(), null)).isEqualTo("succeeded");
        List<String> types = emu.events().stream().map(EmittedEvent::type).toList();
        assertThat(types).containsSubsequence("payment_intent.payment_failed", "payment_intent.succeeded");
    }

    @Test
    void anUnpaidIncompleteSubscriptionExpiresAfter23Hours() throws Exception {
        Subscription sub = subscribe(null);
        emu.advanceClock(Duration.ofHours(22));
        assertThat(status(sub.getId())).isEqualTo("incomplete");
        emu.advanceClock(Duration.ofHours(2));
        Subscription expired = stripe.v1()
                .subscriptions()
                .retrieve(
                        sub.getId(),
                        SubscriptionRetrieveParams.builder()
                                .addExpand("latest_invoice")
                                .build(),
                        null);
        assertThat(expired.getStatus()).isEqualTo("incomplete_expired");
        assertThat(expired.getLatestInvoiceObject().getStatus()).isEqualTo("void");
        assertThat(stripe.v1().paymentIntents().retrieve(paymentIntentOf(sub)).getStatus())
                .isEqualTo("canceled");
        // The portal offers nothing to do with it: pressing "Cancel" would answer that it is canceled.
        String portal = stripe.v1()
                .billingPortal()
                .sessions()
                .create(com.stripe.param.billingportal.SessionCreateParams.builder()
                        .setCustomer(customer)
                        .setReturnUrl("https://app.example.com/account")
                        .build())
                .getUrl();
        String page =
                control.get(portal.substring(emu.baseUrl().length())).raw().body();
        assertThat(page).contains("incomplete_expired").doesNotContain("/subscriptions/" + sub.getId() + "/cancel");
    }
}

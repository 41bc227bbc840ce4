package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.net.ApiResource;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code invoice.upcoming}: sent the configured number of days (Stripe's default 7) before a period
 * end that charges the customer, once per renewal, when emulated time passes that point, in the
 * shape of Stripe's event (an invoice without an id, billing reason {@code upcoming}).
 */
class UpcomingInvoiceIT {
    private static final Instant START = Instant.parse("2026-01-15T10:00:00Z");
    private static final long DAY = 86_400;
    private static final ObjectMapper JSON = new ObjectMapper();
    private StripeEmulator emu;
    private StripeClient stripe;

    private void start(EmulatorOptions options) {
        emu = StripeEmulator.start(
                options.withSampleSeed().withClockStart(START).withFrozenClock(true));
        stripe = StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .build();
    }

    @AfterEach
    void stop() {
        if (emu != null) {
            emu.close();
        }
    }

    private String subscribe(String price, Long trialDays) throws Exception {
        Customer customer = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("upcoming@example.com")
                        .build());
        SessionCreateParams.Builder params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                .setCustomer(customer.getId())
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setPrice(price)
                        .setQuantity(1L)
                        .build())
                .setSuccessUrl("https://app.example.com/ok");
        if (trialDays != null) {
            params.setSubscriptionData(SessionCreateParams.SubscriptionData.builder()
                    .setTrialPeriodDays(trialDays)
                    .build());
        }
        return emu.completeCheckoutSession(
                        stripe.v1().checkout().sessions().create(params.build()).getId())
                .subscriptionId();
    }

    private List<EmittedEvent> upcoming() {
        return emu.events().stream()
                .filter(e -> e.type().equals("invoice.upcoming"))
                .toList();
    }

    private static long monthsAfterStart(int months) {
        return START.atZone(ZoneOffset.UTC).plusMonths(months).toEpochSecond();
    }

    @Test
    void sentSevenDaysBeforeEachRenewalOnceInStripesShape() throws Exception {
        start(EmulatorOptions.defaults());
        String sub = subscribe("price_pro_monthly", null);
        long renewal = monthsAfterStart(1);
        long point = renewal - 7 * DAY;

        emu.advanceClockTo(Instant.ofEpochSecond(point - 1));
        assertThat(upcoming()).isEmpty();
        emu.advanceClockTo(Instant.ofEpochSecond(point));

        assertThat(upcoming()).singleElement().satisfies(e -> {
            assertThat(e.created()).isEqualTo(Instant.ofEpochSecond(point));
            assertThat(e.objectId()).as("an upcoming invoice has no id").isNull();
        });
        JsonNode event = JSON.readTree(upcoming().get(0).json());
        JsonNode invoice = event.path("data").path("object");
        assertThat(invoice.has("id")).isFalse();
        assertThat(invoice.path("object").asText()).isEqualTo("invoice");
        assertThat(invoice.path("billing_reason").asText()).isEqualTo("upcoming");
        assertThat(invoice.path("status").asText()).isEqualTo("draft");
        assertThat(invoice.path("customer").asText()).startsWith("cus_");
        assertThat(invoice.path("parent")
                        .path("subscription_details")
                        .path("subscription")
                        .asText())
                .isEqualTo(sub);
        assertThat(invoice.path("amount_due").asLong()).isEqualTo(2900);
        assertThat(invoice.path("currency").asText()).isEqualTo("usd");
        assertThat(invoice.path("next_payment_attempt").asLong()).isEqualTo(renewal);
        assertThat(invoice.path("period_end").asLong()).isEqualTo(renewal);
        assertThat(invoice.path("number").isNull()).isTrue();
        assertThat(invoice.path("hosted_invoice_url").isNull()).isTrue();
        JsonNode line = invoice.path("lines").path("data").get(0);
        assertThat(line.path("pricing").path("price_details").path("price").asText())
                .isEqualTo("price_pro_monthly");
        assertThat(line.path("period").path("start").asLong()).isEqualTo(renewal);
        assertThat(line.path("period").path("end").asLong()).isEqualTo(monthsAfterStart(2));
        assertThat(line.path("invoice").isNull()).isTrue();
        // stripe-java reads it as an invoice without id, as it reads Stripe's own
        Event parsed = ApiResource.GSON.fromJson(upcoming().get(0).json(), Event.class);
        Invoice preview = (Invoice) parsed.getDataObjectDeserializer().deserializeUnsafe();
        assertThat(preview.getId()).isNull();
        assertThat(preview.getAmountDue()).isEqualTo(2900L);
        // nothing was stored: the subscription's invoices are the first one only
        assertThat(stripe.v1().invoices().list().getData()).hasSize(1);

        emu.advanceClockTo(Instant.ofEpochSecond(renewal + DAY));
        assertThat(upcoming()).as("once for this renewal").hasSize(1);
        assertThat(stripe.v1().invoices().list().getData()).hasSize(2);

        emu.advanceClockTo(Instant.ofEpochSecond(monthsAfterStart(2) - 7 * DAY));
        assertThat(upcoming()).as("and once for the next").hasSize(2);
        assertThat(JSON.readTree(upcoming().get(1).json())
                        .path("data")
                        .path("object")
                        .path("next_payment_attempt")
                        .asLong())
                .isEqualTo(monthsAfterStart(2));
    }

    @Test
    void oneClockAdvancePastSeveralRenewalsSendsOneBeforeEach() throws Exception {
        start(EmulatorOptions.defaults());
        subscribe("price_pro_monthly", null);

        emu.advanceClock(Duration.ofDays(100));

        assertThat(upcoming())
                .extracting(e -> e.created().getEpochSecond())
                .containsExactly(
                        monthsAfterStart(1) - 7 * DAY, monthsAfterStart(2) - 7 * DAY, monthsAfterStart(3) - 7 * DAY);
    }

    @Test
    void theDaysAreAnOptionAndAControlRoute() throws Exception {
        start(EmulatorOptions.defaults().withUpcomingInvoiceDays(3));
        ControlClient control = new ControlClient(emu);
        assertThat(control.get("/_emulator/invoice_upcoming")
                        .json()
                        .path("days")
                        .asInt())
                .isEqualTo(3);
        subscribe("price_pro_monthly", null);

        emu.advanceClockTo(Instant.ofEpochSecond(monthsAfterStart(1) - 3 * DAY - 1));
        assertThat(upcoming()).isEmpty();
        emu.advanceClockTo(Instant.ofEpochSecond(monthsAfterStart(1) - 3 * DAY));
        assertThat(upcoming()).hasSize(1);

        assertThat(control.post("/_emulator/invoice_upcoming", "days=0").status())
                .isEqualTo(200);
        emu.advanceClock(Duration.ofDays(40));
        assertThat(upcoming()).as("0: none").hasSize(1);

        ControlClient.Reply bad = control.post("/_emulator/invoice_upcoming", "days=400");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("param").asText()).isEqualTo("days");
        assertThat(control.post("/_emulator/invoice_upcoming", "").status()).isEqualTo(400);
        assertThat(emu.upcomingInvoiceDays()).isZero();
        emu.reset();
        assertThat(emu.upcomingInvoiceDays()).as("reset: the option again").isEqualTo(3);
    }

    @Test
    void aTrialTurningPaidGetsOneWhenTheTrialIsLongerThanTheLead() throws Exception {
        start(EmulatorOptions.defaults());
        subscribe("price_basic_monthly", 14L);
        subscribe("price_basic_monthly", 3L); // shorter than 7 days: trial_will_end only

        emu.advanceClock(Duration.ofDays(15));

        assertThat(upcoming()).singleElement().satisfies(e -> {
            assertThat(e.created()).isEqualTo(START.plusSeconds(7 * DAY));
            JsonNode invoice = JSON.readTree(e.json()).path("data").path("object");
            assertThat(invoice.path("amount_due").asLong()).isEqualTo(900);
            assertThat(invoice.path("next_payment_attempt").asLong())
                    .isEqualTo(START.plusSeconds(14 * DAY).getEpochSecond());
        });
    }

    @Test
    void noneForASubscriptionThatEndsAtThePeriodEnd() throws Exception {
        start(EmulatorOptions.defaults());
        String sub = subscribe("price_pro_monthly", null);
        stripe.v1()
                .subscriptions()
                .update(
                        sub,
                        SubscriptionUpdateParams.builder()
                                .setCancelAtPeriodEnd(true)
                                .build());

        emu.advanceClock(Duration.ofDays(40));

        assertThat(upcoming()).isEmpty();
        assertThat(stripe.v1().subscriptions().retrieve(sub).getStatus()).isEqualTo("canceled");
    }

    @Test
    void deliveredToAWebhookEndpointLikeAnyEvent() throws Exception {
        start(EmulatorOptions.defaults());
        String secret = "whsec_upcoming_test";
        try (WebhookReceiver receiver = new WebhookReceiver(secret)) {
            emu.registerWebhookEndpoint(receiver.url(), secret, List.of("invoice.upcoming"));
            subscribe("price_pro_monthly", null);

            emu.advanceClock(Duration.ofDays(25));

            assertThat(emu.awaitDeliveries(Duration.ofSeconds(10))).isTrue();
            assertThat(receiver.types()).containsExactly("invoice.upcoming");
        }
    }
}

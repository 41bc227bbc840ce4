package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.Price;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.billing.MeterEventCreateParams;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EmulatorOptions#withStateFile}: a restarted emulator on the same file carries on where the
 * last one stopped (objects, events, meter events, idempotency keys, payment switches, the clock's
 * lead), and shared objects stay shared.
 */
class StateFileIT {
    private static final Instant START = Instant.parse("2026-01-15T10:00:00Z");

    @TempDir
    Path dir;

    private static StripeClient client(StripeEmulator emu) {
        return StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .build();
    }

    private static Customer customerWithCard(StripeClient stripe, String email, RequestOptions options)
            throws Exception {
        return stripe.v1()
                .customers()
                .create(
                        CustomerCreateParams.builder()
                                .setEmail(email)
                                .setPaymentMethod("pm_card_visa")
                                .setInvoiceSettings(CustomerCreateParams.InvoiceSettings.builder()
                                        .setDefaultPaymentMethod("pm_card_visa")
                                        .build())
                                .build(),
                        options);
    }

    private static Subscription subscribe(StripeClient stripe, String customer, String... prices) throws Exception {
        SubscriptionCreateParams.Builder params =
                SubscriptionCreateParams.builder().setCustomer(customer);
        for (String price : prices) {
            params.addItem(
                    SubscriptionCreateParams.Item.builder().setPrice(price).build());
        }
        return stripe.v1().subscriptions().create(params.build());
    }

    @Test
    void aRestartedEmulatorCarriesOnWhereTheLastOneStopped() throws Exception {
        Path file = dir.resolve("stripe-state.json");
        EmulatorOptions options = EmulatorOptions.defaults().withSampleSeed().withStateFile(file);
        RequestOptions key =
                RequestOptions.builder().setIdempotencyKey("create-ada").build();
        String ada;
        String bob;
        String adaSub;
        String bobSub;
        String subscriptionJson;
        List<String> eventIds;
        Instant stoppedAt;
        long periodStart;
        try (StripeEmulator first = StripeEmulator.start(options)) {
            assertThat(first.restoredFromStateFile()).isFalse();
            StripeClient stripe = client(first);
            ada = customerWithCard(stripe, "ada@example.com", key).getId();
            bob = customerWithCard(stripe, "bob@example.com", RequestOptions.getDefault())
                    .getId();
            adaSub = subscribe(stripe, ada, "price_pro_monthly", "price_api_calls_metered")
                    .getId();
            bobSub = subscribe(stripe, bob, "price_basic_monthly").getId();
            for (int i = 0; i < 3; i++) {
                stripe.v1()
                        .billing()
                        .meterEvents()
                        .create(MeterEventCreateParams.builder()
                                .setEventName("api_calls")
                                .putPayload("stripe_customer_id", ada)
                                .putPayload("value", "500")
                                .setIdentifier("usage-" + i)
                                .build());
            }
            first.failNextPayment(bob, "insufficient_funds");
            first.registerWebhookEndpoint("http://127.0.0.1:9/hooks", "whsec_old", List.of("coupon.deleted"));
            first.advanceClock(Duration.ofDays(10));
            subscriptionJson = first.objectJson(adaSub);
            periodStart = stripe.v1()
                    .subscriptions()
                    .retrieve(adaSub)
                    .getItems()
                    .getData()
                    .get(0)
                    .getCurrentPeriodStart();
            eventIds = first.events().stream().map(EmittedEvent::id).toList();
            stoppedAt = first.now();
        }
        assertThat(file).exists();

        try (StripeEmulator second = StripeEmulator.start(options)) {
            StripeClient stripe = client(second);
            assertThat(second.restoredFromStateFile()).isTrue();
            // the seed is not applied again on top of the restored catalog
            assertThat(stripe.v1()
                            .prices()
                            .list(PriceListParams.builder().setLimit(100L).build())
                            .getData())
                    .extracting(Price::getId)
                    .doesNotHaveDuplicates()
                    .hasSize(9);
            assertThat(second.objectJson(adaSub)).isEqualTo(subscriptionJson);
            assertThat(second.events()).extracting(EmittedEvent::id).isEqualTo(eventIds);
            // the clock kept its lead of ten days over the wall clock
            assertThat(second.now())
                    .isAfterOrEqualTo(stoppedAt)
                    .isAfter(Instant.now().plus(Duration.ofDays(9)));
            // a saved idempotency key still replays
            assertThat(customerWithCard(stripe, "ada@example.com", key).getId()).isEqualTo(ada);
            // a duplicate meter event identifier is still refused
            assertThatThrownBy(() -> stripe.v1()
                            .billing()
                            .meterEvents()
                            .create(MeterEventCreateParams.builder()
                                    .setEventName("api_calls")
                                    .putPayload("stripe_customer_id", ada)
                                    .putPayload("value", "1")
                                    .setIdentifier("usage-0")
                                    .build()))
                    .hasMessageContaining("already exists");

            second.advanceClock(Duration.ofDays(25));

            // the renewal billed the restored meter events in arrears ...
            Subscription renewed = stripe.v1().subscriptions().retrieve(adaSub);
            Invoice renewal = stripe.v1().invoices().retrieve(renewed.getLatestInvoice());
            assertThat(renewal.getLines().getData())
                    .extracting(InvoiceLineItem::getAmount)
                    .containsExactlyInAnyOrder(1500L, 2900L);
            // ... and moved the period of the item the subscription shares with /v1/subscription_items
            SubscriptionItem item = renewed.getItems().getData().get(0);
            SubscriptionItem alone = stripe.v1().subscriptionItems().retrieve(item.getId());
            assertThat(alone.getCurrentPeriodStart())
                    .isEqualTo(item.getCurrentPeriodStart())
                    .isGreaterThan(periodStart);
            // endpoints are data too; a receiver that starts again removes its old registration
            assertThat(second.removeWebhookEndpoints()).isEqualTo(1);
            assertThat(second.removeWebhookEndpoints()).isZero();
            // the queued payment failure survived the restart
            assertThat(stripe.v1().subscriptions().retrieve(bobSub).getStatus()).isEqualTo("past_due");
            // and the restored subscription can be cancelled
            assertThat(stripe.v1().subscriptions().cancel(adaSub).getStatus()).isEqualTo("canceled");
        }
    }

    @Test
    void changesAreSavedPeriodicallySoACrashLosesAtMostOneInterval() throws Exception {
        Path file = dir.resolve("state.json");
        try (StripeEmulator running = StripeEmulator.start(
                EmulatorOptions.defaults().withStateFile(file).withStateSaveInterval(Duration.ofMillis(100)))) {
            String id = client(running)
                    .v1()
                    .customers()
                    .create(CustomerCreateParams.builder()
                            .setEmail("crash@example.com")
                            .build())
                    .getId();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!(Files.exists(file) && Files.readString(file).contains(id)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // what a crash right now would leave behind: the file as it is while the emulator runs
            Path copy = Files.copy(file, dir.resolve("copy.json"));
            try (StripeEmulator after =
                    StripeEmulator.start(EmulatorOptions.defaults().withStateFile(copy))) {
                assertThat(after.objectJson(id)).contains("crash@example.com");
            }
        }
    }

    @Test
    void aFrozenClockRestartsAtTheSavedInstant() {
        Path file = dir.resolve("frozen.json");
        EmulatorOptions options = EmulatorOptions.defaults()
                .withStateFile(file)
                .withClockStart(START)
                .withFrozenClock(true);
        try (StripeEmulator first = StripeEmulator.start(options)) {
            first.advanceClock(Duration.ofDays(3));
        }
        try (StripeEmulator second = StripeEmulator.start(options)) {
            assertThat(second.now()).isEqualTo(START.plus(Duration.ofDays(3)));
        }
    }

    @Test
    void anUnreadableStateFileStopsTheStartAndIsLeftAsItWas() throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"format\":\"something else\"}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> StripeEmulator.start(
                        EmulatorOptions.defaults().withSampleSeed().withStateFile(file)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("delete the file");
        assertThat(Files.readString(file)).isEqualTo("{\"format\":\"something else\"}");
    }
}

package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.param.ChargeListParams;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.EventListParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.InvoicePayParams;
import com.stripe.param.PaymentMethodDetachParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.billing.MeterEventCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Emulated time: trials, renewals, failed payments and cancellations at period end. */
class ClockIT {
    private static final Instant START = Instant.parse("2026-01-15T10:00:00Z");
    private static final long DAY = 86_400;
    private StripeEmulator emu;
    private StripeClient stripe;

    @BeforeEach
    void start() {
        emu = StripeEmulator.start(EmulatorOptions.defaults()
                .withSampleSeed()
                .withClockStart(START)
                .withFrozenClock(true));
        stripe = StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .build();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    private CheckoutCompletion subscribe(String price, Long trialDays) throws Exception {
        Customer customer = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("clock@example.com")
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
                stripe.v1().checkout().sessions().create(params.build()).getId());
    }

    private List<EmittedEvent> eventsOfType(String type) {
        return emu.events().stream().filter(e -> e.type().equals(type)).toList();
    }

    @Test
    void trialWillEndFiresThreeDaysBeforeTheTrialEndsAndTheTrialThenConvertsToPaid() throws Exception {
        CheckoutCompletion done = subscribe("price_basic_monthly", 14L);
        Instant trialEnd = START.plusSeconds(14 * DAY);

        emu.advanceClock(Duration.ofDays(10));
        assertThat(eventsOfType("customer.subscription.trial_will_end")).isEmpty();
        emu.advanceClock(Duration.ofDays(1));
        assertThat(eventsOfType("customer.subscription.trial_will_end"))
                .singleElement()
                .satisfies(e -> assertThat(e.created()).isEqualTo(trialEnd.minusSeconds(3 * DAY)));
        assertThat(stripe.v1().subscriptions().retrieve(done.subscriptionId()).getStatus())
                .isEqualTo("trialing");

        emu.advanceClock(Duration.ofDays(3));

        Subscription sub = stripe.v1().subscriptions().retrieve(done.subscriptionId());
        assertThat(sub.getStatus()).isEqualTo("active");
        SubscriptionItem item = sub.getItems().getData().get(0);
        assertThat(item.getCurrentPeriodStart()).isEqualTo(trialEnd.getEpochSecond());
        assertThat(item.getCurrentPeriodEnd())
                .isEqualTo(trialEnd.atZone(ZoneOffset.UTC).plusMonths(1).toEpochSecond());
        Invoice invoice = stripe.v1().invoices().retrieve(sub.getLatestInvoice());
        assertThat(invoice.getStatus()).isEqualTo("paid");
        assertThat(invoice.getAmountPaid()).isEqualTo(900L);
        assertThat(invoice.getBillingReason()).isEqualTo("subscription_cycle");
        assertThat(eventsOfType("customer.subscription.trial_will_end")).hasSize(1);

        Event updated = stripe.v1()
                .events()
                .list(EventListParams.builder()
                        .setType("customer.subscription.updated")
                        .build())
                .getData()
                .get(0);
        JsonObject previous = updated.getData().getPreviousAttributes() == null
                ? null
                : com.stripe.net.ApiResource.GSON
                        .toJsonTree(updated.getData().getPreviousAttributes())
                        .getAsJsonObject();
        assertThat(previous).isNotNull();
        assertThat(previous.get("status").getAsString()).isEqualTo("trialing");
    }

    @Test
    void renewalCreatesAPaidInvoiceAndMovesTheItemPeriod() throws Exception {
        CheckoutCompletion done = subscribe("price_pro_monthly", null);
        SubscriptionItem before = stripe.v1()
                .subscriptions()
                .retrieve(done.subscriptionId())
                .getItems()
                .getData()
                .get(0);
        assertThat(before.getCurrentPeriodStart()).isEqualTo(START.getEpochSecond());
        int eventsBefore = emu.events().size();

        emu.advanceClock(Duration.ofDays(31));

        SubscriptionItem after = stripe.v1()
                .subscriptions()
                .retrieve(done.subscriptionId())
                .getItems()
                .getData()
                .get(0);
        assertThat(after.getCurrentPeriodStart()).isEqualTo(before.getCurrentPeriodEnd());
        assertThat(after.getCurrentPeriodEnd())
                .isEqualTo(Instant.parse("2026-03-15T10:00:00Z").getEpochSecond());
        List<Invoice> invoices = stripe.v1()
                .invoices()
                .list(InvoiceListParams.builder()
                        .setSubscription(done.subscriptionId())
                        .build())
                .getData();
        assertThat(invoices).hasSize(2);
        Invoice renewal = invoices.get(0);
        assertThat(renewal.getStatus()).isEqualTo("paid");
        assertThat(renewal.getAmountPaid()).isEqualTo(2900L);
        assertThat(renewal.getPeriodEnd()).isEqualTo(before.getCurrentPeriodEnd());
        assertThat(renewal.getLines().getData().get(0).getPeriod().getStart()).isEqualTo(after.getCurrentPeriodStart());
        List<String> types = emu.events().subList(eventsBefore, emu.events().size()).stream()
                .map(EmittedEvent::type)
                .toList();
        assertThat(types)
                .containsSubsequence(
                        "customer.subscription.updated",
                        "invoice.created",
                        "invoice.finalized",
                        "invoice.paid",
                        "invoice.payment_succeeded",
                        "payment_intent.succeeded");
        assertThat(emu.now()).isEqualTo(START.plus(Duration.ofDays(31)));
    }

    @Test
    void failedRenewalGoesPastDueAndPayingTheInvoiceRecovers() throws Exception {
        CheckoutCompletion done = subscribe("price_pro_monthly", null);
        emu.failNextPayment(done.customerId());

        emu.advanceClock(Duration.ofDays(31));

        Subscription sub = stripe.v1().subscriptions().retrieve(done.subscriptionId());
        assertThat(sub.getStatus()).isEqualTo("past_due");
        Invoice open = stripe.v1().invoices().retrieve(sub.getLatestInvoice());
        assertThat(open.getStatus()).isEqualTo("open");
        assertThat(open.getAttemptCount()).isEqualTo(1L);
        assertThat(open.getAmountRemaining()).isEqualTo(2900L);
        assertThat(eventsOfType("invoice.payment_failed"))
                .singleElement()
                .satisfies(e -> assertThat(e.objectId()).isEqualTo(open.getId()));
        assertThat(eventsOfType("payment_intent.payment_failed")).hasSize(1);

        Invoice paid = stripe.v1().invoices().pay(open.getId());

        assertThat(paid.getStatus()).isEqualTo("paid");
        assertThat(paid.getAmountPaid()).isEqualTo(2900L);
        assertThat(stripe.v1().subscriptions().retrieve(done.subscriptionId()).getStatus())
                .isEqualTo("active");
        assertThat(emu.events().get(emu.events().size() - 1).type()).isEqualTo("customer.subscription.updated");
    }

    @Test
    void cancelAtPeriodEndCancelsWhenThePeriodEnds() throws Exception {
        CheckoutCompletion done = subscribe("price_basic_monthly", null);
        stripe.v1()
                .subscriptions()
                .update(
                        done.subscriptionId(),
                        SubscriptionUpdateParams.builder()
                                .setCancelAtPeriodEnd(true)
                                .build());

        emu.advanceClock(Duration.ofDays(20));
        assertThat(stripe.v1().subscriptions().retrieve(done.subscriptionId()).getStatus())
                .isEqualTo("active");
        emu.advanceClock(Duration.ofDays(20));

        Subscription sub = stripe.v1().subscriptions().retrieve(done.subscriptionId());
        assertThat(sub.getStatus()).isEqualTo("canceled");
        assertThat(sub.getEndedAt())
                .isEqualTo(Instant.parse("2026-02-15T10:00:00Z").getEpochSecond());
        assertThat(eventsOfType("customer.subscription.deleted")).hasSize(1);
        assertThat(stripe.v1()
                        .invoices()
                        .list(InvoiceListParams.builder()
                                .setSubscription(sub.getId())
                                .build())
                        .getData())
                .hasSize(1);
    }

    @Test
    void meteredUsageIsBilledInArrearsOnRenewal() throws Exception {
        Customer customer = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("metered@example.com")
                        .setPaymentMethod("pm_card_visa")
                        .setInvoiceSettings(CustomerCreateParams.InvoiceSettings.builder()
                                .setDefaultPaymentMethod("pm_card_visa")
                                .build())
                        .build());
        Subscription sub = stripe.v1()
                .subscriptions()
                .create(SubscriptionCreateParams.builder()
                        .setCustomer(customer.getId())
                        .addItem(SubscriptionCreateParams.Item.builder()
                                .setPrice("price_pro_monthly")
                                .build())
                        .addItem(SubscriptionCreateParams.Item.builder()
                                .setPrice("price_api_calls_metered")
                                .build())
                        .build());
        assertThat(sub.getStatus()).isEqualTo("active");
        for (int i = 0; i < 3; i++) {
            stripe.v1()
                    .billing()
                    .meterEvents()
                    .create(MeterEventCreateParams.builder()
                            .setEventName("api_calls")
                            .putPayload("stripe_customer_id", customer.getId())
                            .putPayload("value", "500")
                            .build());
        }

        emu.advanceClock(Duration.ofDays(31));

        Invoice renewal = stripe.v1()
                .invoices()
                .retrieve(stripe.v1().subscriptions().retrieve(sub.getId()).getLatestInvoice());
        assertThat(renewal.getLines().getData())
                .extracting(InvoiceLineItem::getAmount)
                .containsExactlyInAnyOrder(1500L, 2900L);
        assertThat(renewal.getAmountPaid()).isEqualTo(4400L);
    }

    @Test
    void foreverDiscountsApplyToEveryInvoiceAndOnceDiscountsOnlyToTheFirst() throws Exception {
        com.stripe.model.PromotionCode ten = stripe.v1()
                .promotionCodes()
                .create(com.stripe.param.PromotionCodeCreateParams.builder()
                        .setCode("TEN")
                        .setPromotion(com.stripe.param.PromotionCodeCreateParams.Promotion.builder()
                                .setType(com.stripe.param.PromotionCodeCreateParams.Promotion.Type.COUPON)
                                .setCoupon("FOREVER10")
                                .build())
                        .build());
        Customer customer = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder().setEmail("d@example.com").build());
        com.stripe.model.checkout.Session forever = stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                        .setCustomer(customer.getId())
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setPrice("price_pro_monthly")
                                .setQuantity(1L)
                                .build())
                        .addDiscount(SessionCreateParams.Discount.builder()
                                .setPromotionCode(ten.getId())
                                .build())
                        .build());
        com.stripe.model.checkout.Session once = stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                        .setCustomer(customer.getId())
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setPrice("price_basic_monthly")
                                .setQuantity(1L)
                                .build())
                        .addDiscount(SessionCreateParams.Discount.builder()
                                .setCoupon("LAUNCH20")
                                .build())
                        .build());
        assertThat(forever.getAmountTotal()).isEqualTo(2610L);
        assertThat(once.getTotalDetails().getAmountDiscount()).isEqualTo(180L);

        CheckoutCompletion foreverDone = emu.completeCheckoutSession(forever.getId());
        CheckoutCompletion onceDone = emu.completeCheckoutSession(once.getId());
        assertThat(stripe.v1().invoices().retrieve(foreverDone.invoiceId()).getAmountPaid())
                .isEqualTo(2610L);
        Invoice firstOnce = stripe.v1().invoices().retrieve(onceDone.invoiceId());
        assertThat(firstOnce.getAmountPaid()).isEqualTo(720L);
        assertThat(firstOnce.getTotalDiscountAmounts())
                .singleElement()
                .satisfies(d -> assertThat(d.getAmount()).isEqualTo(180L));
        assertThat(stripe.v1()
                        .subscriptions()
                        .retrieve(foreverDone.subscriptionId())
                        .getDiscounts())
                .hasSize(1);

        emu.advanceClock(Duration.ofDays(31));

        assertThat(stripe.v1()
                        .invoices()
                        .retrieve(stripe.v1()
                                .subscriptions()
                                .retrieve(foreverDone.subscriptionId())
                                .getLatestInvoice())
                        .getAmountPaid())
                .isEqualTo(2610L);
        assertThat(stripe.v1()
                        .invoices()
                        .retrieve(stripe.v1()
                                .subscriptions()
                                .retrieve(onceDone.subscriptionId())
                                .getLatestInvoice())
                        .getAmountPaid())
                .isEqualTo(900L);
    }

    @Test
    void aPromotionCodeAddedByAnUpdateDiscountsTheNextRenewalAndAnExpiredOneIsRefused() throws Exception {
        CheckoutCompletion done = subscribe("price_pro_monthly", null);
        com.stripe.model.PromotionCode late = stripe.v1()
                .promotionCodes()
                .create(com.stripe.param.PromotionCodeCreateParams.builder()
                        .setCode("LATE")
                        .setExpiresAt(START.getEpochSecond() + DAY)
                        .setPromotion(com.stripe.param.PromotionCodeCreateParams.Promotion.builder()
                                .setType(com.stripe.param.PromotionCodeCreateParams.Promotion.Type.COUPON)
                                .setCoupon("FOREVER10")
                                .build())
                        .build());

        Subscription updated = stripe.v1()
                .subscriptions()
                .update(
                        done.subscriptionId(),
                        SubscriptionUpdateParams.builder()
                                .addDiscount(SubscriptionUpdateParams.Discount.builder()
                                        .setPromotionCode("promo_launch20")
                                        .build())
                                .addExpand("discounts.source.coupon")
                                .build());

        assertThat(updated.getDiscountObjects()).singleElement().satisfies(d -> {
            assertThat(d.getPromotionCode()).isEqualTo("promo_launch20");
            assertThat(d.getSource().getCouponObject().getPercentOff()).isEqualByComparingTo("20");
            assertThat(d.getSubscription()).isEqualTo(done.subscriptionId());
        });
        assertThat(eventsOfType("customer.subscription.updated")).isNotEmpty();
        emu.advanceClock(Duration.ofDays(2));
        assertThatThrownBy(() -> stripe.v1()
                        .subscriptions()
                        .update(
                                done.subscriptionId(),
                                SubscriptionUpdateParams.builder()
                                        .addDiscount(SubscriptionUpdateParams.Discount.builder()
                                                .setPromotionCode(late.getId())
                                                .build())
                                        .build()))
                .isInstanceOf(StripeException.class)
                .hasMessageContaining("This promotion code has expired.");
        emu.advanceClock(Duration.ofDays(30));
        assertThat(stripe.v1()
                        .invoices()
                        .retrieve(stripe.v1()
                                .subscriptions()
                                .retrieve(done.subscriptionId())
                                .getLatestInvoice())
                        .getAmountPaid())
                .isEqualTo(2320L);
    }

    @Test
    void webhooksCanBeSignedWithEmulatedTimeForReceiversOnTheEmulatorClock() throws Exception {
        try (StripeEmulator signing = StripeEmulator.start(EmulatorOptions.defaults()
                        .withClockStart(START)
                        .withFrozenClock(true)
                        .withSignWithEmulatedTime(true));
                WebhookReceiver receiver = new WebhookReceiver("whsec_emulated")) {
            signing.registerWebhookEndpoint(receiver.url(), "whsec_emulated");
            signing.advanceClock(Duration.ofDays(40));
            new ControlClient(signing).api("POST", "/v1/customers", "email=t%40example.com", null);
            assertThat(signing.awaitDeliveries(Duration.ofSeconds(5))).isTrue();
            assertThat(receiver.deliveries()).singleElement().satisfies(d -> {
                assertThat(d.signatureValid()).isTrue();
                assertThat(d.timestamp())
                        .isEqualTo(START.plus(Duration.ofDays(40)).getEpochSecond());
            });
        }
    }

    @Test
    void openCheckoutSessionsExpireAfterADay() throws Exception {
        com.stripe.model.checkout.Session session = stripe.v1()
                .checkout()
                .sessions()
                .create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.PAYMENT)
                        .addLineItem(SessionCreateParams.LineItem.builder()
                                .setPrice("price_template_pack")
                                .setQuantity(1L)
                                .build())
                        .build());
        emu.advanceClock(Duration.ofHours(25));
        assertThat(stripe.v1().checkout().sessions().retrieve(session.getId()).getStatus())
                .isEqualTo("expired");
        assertThat(eventsOfType("checkout.session.expired")).hasSize(1);
    }

    @Test
    void theClockMovesThroughTheControlApiAndEventsFilterByCreated() throws Exception {
        ControlClient control = new ControlClient(emu);
        stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("early@example.com")
                        .build());
        ControlClient.Reply moved = control.post("/_emulator/clock/advance", "days=2&hours=1");
        assertThat(moved.json().path("now").asLong()).isEqualTo(START.getEpochSecond() + 2 * DAY + 3600);
        assertThat(control.get("/_emulator/clock").json().path("iso").asText()).isEqualTo("2026-01-17T11:00:00Z");
        stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("late@example.com")
                        .build());

        List<Event> late = stripe.v1()
                .events()
                .list(EventListParams.builder()
                        .setCreated(EventListParams.Created.builder()
                                .setGte(START.getEpochSecond() + DAY)
                                .build())
                        .build())
                .getData();
        assertThat(late).singleElement().satisfies(e -> assertThat(e.getType()).isEqualTo("customer.created"));
        assertThat(stripe.v1().events().retrieve(late.get(0).getId()).getId())
                .isEqualTo(late.get(0).getId());
        assertThat(emu.clock().instant()).isEqualTo(Instant.parse("2026-01-17T11:00:00Z"));
    }

    @Test
    void aDetachedCardIsNeverChargedEvenWhenItIsTheSubscriptionsDefault() throws Exception {
        CheckoutCompletion done = subscribe("price_pro_monthly", null);
        Subscription sub = stripe.v1().subscriptions().retrieve(done.subscriptionId());
        String card = sub.getDefaultPaymentMethod();
        stripe.v1()
                .paymentMethods()
                .detach(card, PaymentMethodDetachParams.builder().build());
        long chargesBefore = stripe.v1()
                .charges()
                .list(ChargeListParams.builder().build())
                .getData()
                .size();

        emu.advanceClock(Duration.ofDays(31));

        Subscription after = stripe.v1().subscriptions().retrieve(done.subscriptionId());
        assertThat(after.getStatus()).isEqualTo("past_due");
        Invoice renewal = stripe.v1().invoices().retrieve(after.getLatestInvoice());
        assertThat(renewal.getStatus()).isEqualTo("open");
        assertThat(stripe.v1()
                        .charges()
                        .list(ChargeListParams.builder().build())
                        .getData())
                .hasSize((int) chargesBefore)
                .noneMatch(c -> card.equals(c.getPaymentMethod()) && c.getCreated() > START.getEpochSecond());
        assertThatThrownBy(() -> stripe.v1()
                        .invoices()
                        .pay(renewal.getId(), InvoicePayParams.builder().build()))
                .isInstanceOf(StripeException.class);
    }
}

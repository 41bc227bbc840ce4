package dev.billing.stripe;

import static dev.billing.stripe.TestWebhooks.fixture;
import static dev.billing.stripe.TestWebhooks.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.error.WebhookRejectedException.Reason;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.WebhookVerifier;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What each family of events decodes to, from realistic payloads (src/test/resources/.../events). */
class StripeWebhookDecodeTest {
    private static final String SECRET = "whsec_decode_tests";
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private final StripeWebhookVerifier verifier =
            StripeWebhookVerifier.create(List.of(SECRET), Clock.fixed(NOW, ZoneOffset.UTC));

    private EventObject decode(String fixture) {
        return decodeBytes(fixture(fixture));
    }

    /**
     * Decodes both ways, and checks they agree: verify then decode, and the one pass of verifyAndDecode (which leaves
     * an object it cannot decode to processing, accepting the delivery as verify does).
     */
    private EventObject decodeBytes(byte[] body) {
        String header = header(SECRET, NOW.getEpochSecond(), body);
        StripeEvent event = verifier.verify(body, header);
        WebhookVerifier.Verified fused = verifier.verifyAndDecode(body, header);
        assertThat(fused.event()).isEqualTo(event);
        EventObject decoded;
        try {
            decoded = verifier.decode(event);
        } catch (WebhookRejectedException e) {
            assertThat(fused.object())
                    .as("an object that does not decode is left to processing")
                    .isNull();
            throw e;
        }
        assertThat(fused.object()).as("decoded in the same pass as verified").isEqualTo(decoded);
        return decoded;
    }

    private static Instant at(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond);
    }

    @Test
    void decodesASubscriptionWithItsFirstItemsPriceQuantityAndPeriod() {
        EventObject decoded = decode("customer.subscription.updated.json");
        assertThat(decoded).isInstanceOf(EventObject.OfSubscription.class);
        Subscription s = ((EventObject.OfSubscription) decoded).subscription();
        assertThat(s.id()).isEqualTo("sub_1QzA8bRk2cPro");
        assertThat(s.customerId()).isEqualTo(CustomerId.of("cus_RAda7f3kQ2"));
        assertThat(s.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(s.priceId()).isEqualTo("price_1QpRoMonthly");
        assertThat(s.quantity()).isEqualTo(3);
        assertThat(s.currentPeriodStart()).isEqualTo(at(1795000000));
        assertThat(s.currentPeriodEnd()).isEqualTo(at(1797592000));
        assertThat(s.cancelAtPeriodEnd()).isTrue();
        assertThat(s.cancelAt()).isEqualTo(at(1797592000));
        assertThat(s.canceledAt()).isEqualTo(at(1795100000));
        assertThat(s.endedAt()).isNull();
        assertThat(s.trialStart()).isEqualTo(at(1794395200));
        assertThat(s.trialEnd()).isEqualTo(at(1795000000));
        assertThat(s.created()).isEqualTo(at(1795000000));
        assertThat(s.metadata()).isEqualTo(Map.of("user_id", "user_2ada", "plan", "pro"));
        assertThat(s.version()).isEqualTo(SourceVersion.snapshot(at(1795100001)));
    }

    @Test
    @DisplayName("discounts given as ids leave the pricing without a discount, and say their coupons are unknown")
    void decodesTheFirstItemsPricingWithoutADiscountWhenTheDiscountsAreIds() {
        EventObject.OfSubscription of =
                (EventObject.OfSubscription) decode("customer.subscription.updated.discount-ids.json");
        assertThat(of.subscription().pricing())
                .isEqualTo(SubscriptionPricing.of("usd", 2900, BillingInterval.MONTH, 1));
        assertThat(of.couponsUnknown()).isTrue();
    }

    @Test
    @DisplayName("a coupon carried (expanded, or an older version's discount) or no discount at all is known")
    void couponsAreKnownWhenCarriedOrAbsent() {
        assertThat(List.of(
                        "customer.subscription.updated.json",
                        "customer.subscription.updated.discount.json",
                        "customer.subscription.updated.2020-08-27.discount.json",
                        "customer.subscription.updated.2020-08-27.json"))
                .allSatisfy(fixture -> assertThat(((EventObject.OfSubscription) decode(fixture)).couponsUnknown())
                        .as(fixture)
                        .isFalse());
    }

    @Test
    @DisplayName("an expanded discount's coupon (percent_off) is kept with the first item's pricing")
    void decodesAnExpandedPercentOffCoupon() {
        Subscription s =
                ((EventObject.OfSubscription) decode("customer.subscription.updated.discount.json")).subscription();
        assertThat(s.pricing())
                .isEqualTo(SubscriptionPricing.of("usd", 2900, BillingInterval.MONTH, 1)
                        .withPercentOff(new BigDecimal("25.5")));
        assertThat(s.quantity()).isEqualTo(3);
    }

    @Test
    @DisplayName("the singular discount of older API versions carries its coupon (amount_off) inside")
    void decodesALegacyAmountOffDiscount() {
        Subscription s = ((EventObject.OfSubscription) decode("customer.subscription.updated.2020-08-27.discount.json"))
                .subscription();
        assertThat(s.pricing().amountOff()).isEqualTo(1000);
        assertThat(s.pricing().amountOffCurrency()).isEqualTo("usd");
        assertThat(s.pricing().percentOff()).isNull();
    }

    @Test
    void decodesASubscriptionOfAnOlderApiVersionWithThePeriodOnTheSubscription() {
        Subscription s =
                ((EventObject.OfSubscription) decode("customer.subscription.updated.2020-08-27.json")).subscription();
        assertThat(s.id()).isEqualTo("sub_HOld2020Basic");
        assertThat(s.status()).isEqualTo(SubscriptionStatus.PAST_DUE);
        assertThat(s.priceId()).isEqualTo("price_1IDQm5Basic");
        assertThat(s.quantity()).isEqualTo(1);
        assertThat(s.currentPeriodStart()).isEqualTo(at(1618000000));
        assertThat(s.currentPeriodEnd()).isEqualTo(at(1620592000));
        assertThat(s.metadata()).containsEntry("user_id", "user_old");
        assertThat(s.version()).isEqualTo(SourceVersion.snapshot(at(1619000000)));
    }

    @Test
    void decodesAnInvoiceWithItsSubscriptionFromTheParent() {
        Invoice i = ((EventObject.OfInvoice) decode("invoice.paid.json")).invoice();
        assertThat(i.id()).isEqualTo("in_1QzA8cInv0001");
        assertThat(i.customerId()).isEqualTo(CustomerId.of("cus_RAda7f3kQ2"));
        assertThat(i.subscriptionId()).isEqualTo("sub_1QzA8bRk2cPro");
        assertThat(i.status()).isEqualTo(InvoiceStatus.PAID);
        assertThat(i.number()).isEqualTo("ACME7F3K-0002");
        assertThat(i.currency()).isEqualTo("usd");
        assertThat(i.amountDue()).isEqualTo(8700);
        assertThat(i.amountPaid()).isEqualTo(8700);
        assertThat(i.amountRemaining()).isZero();
        assertThat(i.tax()).as("no automatic tax, total_taxes empty").isNull();
        assertThat(i.hostedInvoiceUrl()).startsWith("https://invoice.stripe.com/i/");
        assertThat(i.invoicePdf()).endsWith("/pdf");
        assertThat(i.billingReason()).isEqualTo("subscription_cycle");
        assertThat(i.periodStart()).isEqualTo(at(1795000000));
        assertThat(i.periodEnd()).isEqualTo(at(1797592000));
        assertThat(i.created()).isEqualTo(at(1797592000));
        assertThat(i.version()).isEqualTo(SourceVersion.snapshot(at(1797592002)));
        assertThat(((EventObject.OfInvoice) decode("invoice.paid.json")).paymentIntentId())
                .as("API 2025-03-31 on: the invoice names no payment intent")
                .isNull();
    }

    @Test
    @DisplayName("invoice_payment.paid names the invoice and the payment intent that paid it")
    void decodesAnInvoicePaymentWithItsInvoiceAndPaymentIntent() {
        assertThat(decode("invoice_payment.paid.json"))
                .isEqualTo(new EventObject.OfInvoicePayment(
                        "inpay_1QzA8cInv0001", "in_1QzA8cInv0001", "pi_3QzA8cInv0001"));
    }

    @Test
    void anInvoicePaymentPaidOutOfBandOrWithExpandedObjectsDecodes() {
        String outOfBand = event(
                "invoice_payment.paid",
                "{\"id\":\"inpay_1\",\"object\":\"invoice_payment\","
                        + "\"invoice\":\"in_1\",\"payment\":{\"type\":\"out_of_band_payment\"},\"status\":\"paid\"}");
        assertThat(decodeBytes(bytes(outOfBand))).isEqualTo(new EventObject.OfInvoicePayment("inpay_1", "in_1", null));
        String expanded = event(
                "invoice_payment.paid",
                "{\"id\":\"inpay_2\",\"object\":\"invoice_payment\","
                        + "\"invoice\":{\"id\":\"in_2\",\"object\":\"invoice\"},\"payment\":{\"type\":"
                        + "\"payment_intent\",\"payment_intent\":{\"id\":\"pi_2\",\"object\":\"payment_intent\"}}}");
        assertThat(decodeBytes(bytes(expanded))).isEqualTo(new EventObject.OfInvoicePayment("inpay_2", "in_2", "pi_2"));
        String noInvoice = event("invoice_payment.paid", "{\"id\":\"inpay_3\",\"object\":\"invoice_payment\"}");
        assertThatThrownBy(() -> decodeBytes(bytes(noInvoice)))
                .isInstanceOf(WebhookRejectedException.class)
                .extracting(e -> ((WebhookRejectedException) e).reason())
                .isEqualTo(Reason.MALFORMED_PAYLOAD);
    }

    @Test
    void decodesAnInvoicesTaxAsTheSumOfItsTotalTaxes() {
        Invoice i = ((EventObject.OfInvoice) decode("invoice.paid.tax.json")).invoice();
        assertThat(i.tax()).isEqualTo(1450);
        assertThat(i.amountDue()).isEqualTo(8700);

        JsonObject event = JsonParser.parseString(TestWebhooks.fixtureText("invoice.paid.tax.json"))
                .getAsJsonObject();
        JsonObject invoice = event.getAsJsonObject("data").getAsJsonObject("object");
        com.google.gson.JsonArray taxes = invoice.getAsJsonArray("total_taxes");
        JsonObject second = taxes.get(0).getAsJsonObject().deepCopy();
        second.addProperty("amount", 145);
        taxes.add(second);
        assertThat(decodedInvoice(event).tax()).as("two jurisdictions").isEqualTo(1595);
        invoice.add("total_taxes", new com.google.gson.JsonArray());
        assertThat(decodedInvoice(event).tax())
                .as("automatic tax on, nothing to add")
                .isZero();
        invoice.getAsJsonObject("automatic_tax").addProperty("enabled", false);
        assertThat(decodedInvoice(event).tax()).as("no tax computed").isNull();
        invoice.remove("total_taxes");
        invoice.remove("automatic_tax");
        assertThat(decodedInvoice(event).tax())
                .as("an older API version's shape")
                .isNull();
    }

    private Invoice decodedInvoice(JsonObject event) {
        return ((EventObject.OfInvoice) decodeBytes(event.toString().getBytes(StandardCharsets.UTF_8))).invoice();
    }

    @Test
    void decodesAnInvoiceOfAnOlderApiVersionWithATopLevelSubscription() {
        EventObject.OfInvoice of = (EventObject.OfInvoice) decode("invoice.payment_failed.2020-08-27.json");
        Invoice i = of.invoice();
        assertThat(i.subscriptionId()).isEqualTo("sub_HOld2020Basic");
        assertThat(of.paymentIntentId())
                .as("versions before 2025-03-31 name it on the invoice")
                .isEqualTo("pi_1IiXwbOld");
        assertThat(i.status()).isEqualTo(InvoiceStatus.OPEN);
        assertThat(i.amountRemaining()).isEqualTo(900);
    }

    @Test
    void anUpcomingInvoiceWithoutAnIdIsAPreviewNotAnInvoiceToStore() {
        assertThat(decode("invoice.upcoming.json"))
                .isEqualTo(new EventObject.OfUpcomingInvoice(
                        CustomerId.of("cus_RAda7f3kQ2"),
                        "sub_1QzA8bRk2cPro",
                        new Money(8700, "usd"),
                        Instant.parse("2026-12-18T11:06:40Z")));
    }

    @Test
    void anUpdateSaysWhatItsPreviousAttributesChanged() {
        assertThat(((EventObject.OfSubscription) decode("customer.subscription.updated.json")).change())
                .isEqualTo(new EventObject.SubscriptionChange(null, false, null));
        assertThat(((EventObject.OfSubscription) decode("customer.subscription.updated.2020-08-27.json")).change())
                .isEqualTo(new EventObject.SubscriptionChange(null, null, SubscriptionStatus.ACTIVE));
    }

    @Test
    void aPriceChangeNamesTheEarlierPrice() {
        String body = event(
                "customer.subscription.updated",
                "{\"id\":\"sub_1\",\"object\":\"subscription\","
                        + "\"customer\":\"cus_1\",\"status\":\"active\",\"created\":1797592000,\"items\":{\"data\":"
                        + "[{\"price\":{\"id\":\"price_pro\"},\"quantity\":1}]}}",
                "{\"items\":{\"data\":[{\"price\":" + "{\"id\":\"price_basic\"},\"quantity\":1}]}}");
        assertThat(((EventObject.OfSubscription) decodeBytes(bytes(body))).change())
                .isEqualTo(new EventObject.SubscriptionChange("price_basic", null, null));
    }

    @Test
    void aChangeThatMadeAnInvoiceNamesIt() {
        // proration_behavior=always_invoice: the update invoices the difference at once, as its new latest invoice
        String body = event(
                "customer.subscription.updated",
                "{\"id\":\"sub_1\",\"object\":\"subscription\","
                        + "\"customer\":\"cus_1\",\"status\":\"active\",\"created\":1797592000,\"latest_invoice\":"
                        + "\"in_change\",\"items\":{\"data\":[{\"price\":{\"id\":\"price_pro\"},\"quantity\":1}]}}",
                "{\"items\":{\"data\":[{\"price\":{\"id\":\"price_basic\"},\"quantity\":1}]},"
                        + "\"latest_invoice\":\"in_first\"}");
        assertThat(((EventObject.OfSubscription) decodeBytes(bytes(body))).change())
                .isEqualTo(new EventObject.SubscriptionChange("price_basic", null, null, "in_change"));
        // the same change without an invoice of its own (create_prorations): the difference waits
        String later = event(
                "customer.subscription.updated",
                "{\"id\":\"sub_1\",\"object\":\"subscription\","
                        + "\"customer\":\"cus_1\",\"status\":\"active\",\"created\":1797592000,\"latest_invoice\":"
                        + "\"in_first\",\"items\":{\"data\":[{\"price\":{\"id\":\"price_pro\"},\"quantity\":1}]}}",
                "{\"items\":{\"data\":[{\"price\":{\"id\":\"price_basic\"},\"quantity\":1}]}}");
        assertThat(((EventObject.OfSubscription) decodeBytes(bytes(later)))
                        .change()
                        .invoiceId())
                .isNull();
    }

    @Test
    void aRefundedChargeSaysHowMuchWasRefunded() {
        String body = event(
                "charge.refunded",
                "{\"id\":\"ch_1\",\"object\":\"charge\",\"customer\":\"cus_1\","
                        + "\"amount_refunded\":500,\"currency\":\"eur\",\"payment_intent\":\"pi_1\"}");
        assertThat(decodeBytes(bytes(body)))
                .isEqualTo(new EventObject.OfCharge("ch_1", CustomerId.of("cus_1"), new Money(500, "eur"), "pi_1"));
    }

    @Test
    void aRefundOfApi2026NamesItsCustomer() {
        assertThat(decode("refund.created.json"))
                .isEqualTo(new EventObject.OfRefund(
                        "re_3QzD5eTemplatePack",
                        new PaymentRefund(
                                "re_3QzD5eTemplatePack",
                                CustomerId.of("cus_RAda7f3kQ2"),
                                "ch_3QzD5eTemplatePack",
                                "pi_3QzD5eTemplatePack",
                                1500,
                                "usd",
                                "pending",
                                "requested_by_customer",
                                at(1795100499),
                                SourceVersion.snapshot(at(1795100500)))));
    }

    @Test
    void aRefundMarkedAsAuditedByItsRequestSaysSoAndAnyOtherDoesNot() {
        String marked = event(
                "refund.created",
                "{\"id\":\"re_1\",\"object\":\"refund\",\"amount\":100,\"customer\":\"cus_1\","
                        + "\"charge\":\"ch_1\",\"created\":1795100000,\"currency\":\"usd\",\"payment_intent\":\"pi_1\","
                        + "\"status\":\"succeeded\",\"metadata\":{\"billing_audited_by\":\"request\"}}");
        String other = marked.replace("\"request\"", "\"someone\"");

        assertThat(((EventObject.OfRefund) decodeBytes(bytes(marked))).refund().auditedByRequest())
                .isTrue();
        assertThat(((EventObject.OfRefund) decodeBytes(bytes(other))).refund().auditedByRequest())
                .isFalse();
        assertThat(((EventObject.OfRefund) decode("refund.created.json"))
                        .refund()
                        .auditedByRequest())
                .isFalse();
    }

    @Test
    void aRefundWithoutACustomerIsAGuestsOrAnOlderVersionsAndCarriesNoRefund() {
        String body = event(
                "refund.updated",
                "{\"id\":\"re_1\",\"object\":\"refund\",\"amount\":100,"
                        + "\"charge\":\"ch_1\",\"created\":1795100000,\"currency\":\"usd\",\"payment_intent\":\"pi_1\","
                        + "\"status\":\"succeeded\"}");
        assertThat(decodeBytes(bytes(body))).isEqualTo(new EventObject.OfRefund("re_1", null));
    }

    @Test
    void anOlderVersionsRefundedChargeEmbedsItsRefundsWithTheChargesCustomer() {
        EventObject.OfCharge charge = (EventObject.OfCharge) decode("charge.refunded.2020.json");
        assertThat(charge.amountRefunded()).isEqualTo(new Money(2500, "usd"));
        assertThat(charge.refunds()).extracting(PaymentRefund::id).containsExactly("re_3KlOldSecond", "re_3KlOldFirst");
        assertThat(charge.refunds().get(1))
                .isEqualTo(new PaymentRefund(
                        "re_3KlOldFirst",
                        CustomerId.of("cus_RAda7f3kQ2"),
                        "ch_3KlOldCharge",
                        "pi_3KlOldCharge",
                        500,
                        "usd",
                        "succeeded",
                        "duplicate",
                        at(1795100100),
                        SourceVersion.snapshot(at(1795100600))));
    }

    @Test
    void aGuestsRefundedChargeYieldsNoRefunds() {
        String body = event(
                "charge.refunded",
                "{\"id\":\"ch_1\",\"object\":\"charge\",\"customer\":null,"
                        + "\"amount_refunded\":500,\"currency\":\"usd\",\"refunds\":{\"object\":\"list\",\"data\":[{\"id\":"
                        + "\"re_1\",\"object\":\"refund\",\"amount\":500,\"currency\":\"usd\",\"status\":"
                        + "\"succeeded\",\"created\":1795100000}]}}");
        assertThat(((EventObject.OfCharge) decodeBytes(bytes(body))).refunds()).isEmpty();
    }

    @Test
    void decodesACompletedCheckoutSession() {
        CheckoutSession cs = ((EventObject.OfCheckoutSession) decode("checkout.session.completed.json")).session();
        assertThat(cs.id()).isEqualTo("cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ");
        assertThat(cs.mode()).isEqualTo(CheckoutMode.PAYMENT);
        assertThat(cs.customerId()).isEqualTo(CustomerId.of("cus_RAda7f3kQ2"));
        assertThat(cs.subscriptionId()).isNull();
        assertThat(cs.paymentIntentId()).isEqualTo("pi_3QzD5eTemplatePack");
        assertThat(cs.status()).isEqualTo("complete");
        assertThat(cs.paymentStatus()).isEqualTo("paid");
        assertThat(cs.isPaid()).isTrue();
        assertThat(cs.clientReferenceId()).isEqualTo("user_2ada");
        assertThat(cs.amountTotal()).isEqualTo(3920L);
        assertThat(cs.currency()).isEqualTo("usd");
        assertThat(cs.url()).isNull();
        assertThat(cs.metadata())
                .containsEntry("price_id", "price_1QpTemplatePack")
                .containsEntry("quantity", "1");
    }

    @Test
    void decodesACreatedCustomerWithItsUser() {
        assertThat(decode("customer.created.json"))
                .isEqualTo(new EventObject.OfCustomer(
                        CustomerId.of("cus_RAda7f3kQ2"), UserId.of("user_2ada"), "ada@example.com", false));
    }

    @Test
    void decodesADeletedCustomerWithoutAUser() {
        assertThat(decode("customer.deleted.json"))
                .isEqualTo(new EventObject.OfCustomer(CustomerId.of("cus_RDashboardMade"), null, null, true));
    }

    @ParameterizedTest
    @CsvSource({
        "product.updated.json, product, prod_RPro",
        "price.created.json, price, price_1QpRoMonthly",
        "plan.deleted.json, plan, price_1QpRoMonthly"
    })
    void catalogEventsSayTheCatalogChanged(String fixture, String objectType, String id) {
        assertThat(decode(fixture)).isEqualTo(new EventObject.OfCatalog(objectType, id));
    }

    @ParameterizedTest
    @CsvSource({"coupon.deleted, coupon, LAUNCH20", "promotion_code.updated, promotion_code, promo_1QzLaunch"})
    void couponAndPromotionCodeEventsSayThePromotionsChanged(String type, String objectType, String id) {
        String body = event(type, "{\"id\":\"" + id + "\",\"object\":\"" + objectType + "\",\"active\":false}");
        assertThat(decodeBytes(bytes(body))).isEqualTo(new EventObject.OfCatalog(objectType, id));
    }

    @Test
    void anyOtherEventIsOther() {
        assertThat(decode("charge.succeeded.json")).isEqualTo(new EventObject.Other("charge", "ch_3QzD5eCharge"));
    }

    @Test
    void readsExpandedIdsAndUnknownStatuses() {
        String body = event(
                "customer.subscription.created",
                "{\"id\":\"sub_x\",\"object\":\"subscription\","
                        + "\"customer\":{\"id\":\"cus_x\",\"object\":\"customer\"},\"status\":\"paused_for_review\","
                        + "\"created\":1795000000,\"items\":{\"object\":\"list\",\"data\":[]},\"metadata\":{\"n\":\"1\"}}");
        Subscription s = ((EventObject.OfSubscription) decodeBytes(bytes(body))).subscription();
        assertThat(s.customerId()).isEqualTo(CustomerId.of("cus_x"));
        assertThat(s.status()).isEqualTo(SubscriptionStatus.UNRECOGNIZED);
        assertThat(s.priceId()).isNull();
        assertThat(s.quantity()).isZero();
        assertThat(s.currentPeriodStart()).isNull();
    }

    @Test
    void aSubscriptionThatCannotBeDecodedIsAMalformedPayload() {
        String noCustomer = event(
                "customer.subscription.updated",
                "{\"id\":\"sub_x\",\"object\":\"subscription\"," + "\"status\":\"active\",\"created\":1795000000}");
        assertThatThrownBy(() -> decodeBytes(bytes(noCustomer)))
                .isInstanceOfSatisfying(
                        WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PAYLOAD));
        String createdAsText = event(
                "customer.subscription.updated",
                "{\"id\":\"sub_x\",\"object\":\"subscription\","
                        + "\"customer\":\"cus_x\",\"status\":\"active\",\"created\":\"yesterday\"}");
        assertThatThrownBy(() -> decodeBytes(bytes(createdAsText)))
                .isInstanceOfSatisfying(
                        WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PAYLOAD));
        String idAsNumber = event("invoice.paid", "{\"id\":7,\"object\":\"invoice\"}");
        assertThatThrownBy(() -> decodeBytes(bytes(idAsNumber)))
                .isInstanceOfSatisfying(
                        WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PAYLOAD));
    }

    @Test
    void aStoredPayloadThatIsNotAnEventIsAMalformedPayload() {
        StripeEvent notJson = new StripeEvent("evt_1", "invoice.paid", NOW, false, null, "in_1", "invoice", "not json");
        assertThatThrownBy(() -> verifier.decode(notJson))
                .isInstanceOfSatisfying(
                        WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PAYLOAD));
        StripeEvent noObject = new StripeEvent(
                "evt_1", "invoice.paid", NOW, false, null, "in_1", "invoice", "{\"id\":\"evt_1\",\"data\":{}}");
        assertThatThrownBy(() -> verifier.decode(noObject))
                .isInstanceOfSatisfying(
                        WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PAYLOAD));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "customer.subscription.updated.json",
                "customer.subscription.updated.2020-08-27.json",
                "invoice.paid.json",
                "invoice.paid.tax.json",
                "invoice.payment_failed.2020-08-27.json",
                "invoice.upcoming.json",
                "checkout.session.completed.json",
                "customer.created.json",
                "customer.deleted.json",
                "product.updated.json",
                "price.created.json",
                "plan.deleted.json",
                "charge.succeeded.json",
                "invoice_payment.paid.json"
            })
    void readingOnlyTheWantedFieldsDecodesWhatTheWholeObjectDecodes(String fixture) {
        byte[] body = fixture(fixture);
        StripeEvent event = verifier.verify(body, header(SECRET, NOW.getEpochSecond(), body));
        JsonObject data =
                JsonParser.parseString(event.payload()).getAsJsonObject().getAsJsonObject("data");
        JsonObject whole = data.getAsJsonObject("object");
        JsonObject kept = StripeJson.dataObject(event.payload());

        assertThat(StripeJson.decode(event))
                .isEqualTo(StripeJson.decode(event, whole, data.getAsJsonObject("previous_attributes")));
        assertThat(kept.keySet())
                .isSubsetOf(whole.keySet())
                .hasSizeLessThan(whole.keySet().size());
    }

    @Test
    void theFirstItemCountsAndTheRestIsSkipped() {
        String body = event(
                "customer.subscription.updated",
                "{\"id\":\"sub_x\",\"object\":\"subscription\","
                        + "\"customer\":\"cus_x\",\"status\":\"active\",\"created\":1795000000,\"items\":{\"data\":["
                        + "{\"price\":{\"id\":\"price_first\",\"product\":{\"id\":\"prod_1\",\"features\":[1,2,3]}},"
                        + "\"quantity\":3,\"current_period_start\":1795000000,\"current_period_end\":1797592000},"
                        + "{\"price\":\"price_second\",\"quantity\":9}]},\"latest_invoice\":{\"id\":\"in_1\","
                        + "\"lines\":{\"data\":[{\"amount\":1}]}}}");
        Subscription s = ((EventObject.OfSubscription) decodeBytes(bytes(body))).subscription();
        assertThat(s.priceId()).isEqualTo("price_first");
        assertThat(s.quantity()).isEqualTo(3);
        assertThat(s.currentPeriodEnd()).isEqualTo(at(1797592000));
    }

    @Test
    void thePlanIsTheFirstLicensedItemWhenAMeteredItemComesFirst() {
        String body = event(
                "customer.subscription.updated",
                "{\"id\":\"sub_x\",\"object\":\"subscription\","
                        + "\"customer\":\"cus_x\",\"status\":\"active\",\"created\":1795000000,\"items\":{\"data\":["
                        + "{\"price\":{\"id\":\"price_calls\",\"currency\":\"usd\",\"unit_amount\":1,\"recurring\":"
                        + "{\"interval\":\"month\",\"usage_type\":\"metered\"}},\"current_period_start\":1795000000,"
                        + "\"current_period_end\":1797592000},"
                        + "{\"price\":{\"id\":\"price_pro\",\"currency\":\"usd\",\"unit_amount\":2900,\"recurring\":"
                        + "{\"interval\":\"month\",\"usage_type\":\"licensed\"}},\"quantity\":2,"
                        + "\"current_period_start\":1795000000,\"current_period_end\":1797592000}]}}");
        Subscription s = ((EventObject.OfSubscription) decodeBytes(bytes(body))).subscription();
        assertThat(s.priceId()).isEqualTo("price_pro");
        assertThat(s.quantity()).isEqualTo(2);
        assertThat(s.pricing().unitAmount()).isEqualTo(2900);
    }

    @Test
    void invalidJsonInAFieldThatIsNotReadIsStillAMalformedPayload() {
        String valid = event(
                "customer.subscription.updated",
                "{\"id\":\"sub_x\",\"object\":\"subscription\","
                        + "\"customer\":\"cus_x\",\"status\":\"active\",\"created\":1795000000,"
                        + "\"pending_update\":{\"trial_end\":null}}");
        for (String broken : List.of(
                valid.replace("{\"trial_end\":null}", "{\"trial_end\":nul}"),
                valid.replace("{\"trial_end\":null}", "{\"trial_end\" null}"),
                valid.replace("\"livemode\":false", "\"livemode\":fals"),
                valid + " {}")) {
            StripeEvent stored = new StripeEvent(
                    "evt_t", "customer.subscription.updated", NOW, false, null, "sub_x", "subscription", broken);
            assertThatThrownBy(() -> verifier.decode(stored))
                    .as(broken)
                    .isInstanceOfSatisfying(
                            WebhookRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PAYLOAD));
        }
        StripeEvent stored = new StripeEvent(
                "evt_t", "customer.subscription.updated", NOW, false, null, "sub_x", "subscription", valid);
        assertThat(verifier.decode(stored)).isInstanceOf(EventObject.OfSubscription.class);
    }

    @Test
    void survivesDeeplyNestedJsonInsideTheObject() {
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        String body =
                event("charge.succeeded", "{\"id\":\"ch_1\",\"object\":\"charge\",\"metadata\":{},\"x\":" + deep + "}");
        assertThat(decodeBytes(bytes(body))).isEqualTo(new EventObject.Other("charge", "ch_1"));
    }

    @Test
    @DisplayName("in a field the decoders read, a key named twice or hostile nesting is refused, never a crash")
    void refusesDuplicatesAndDeepNestingInTheFieldsItReads() {
        String customer = "{\"id\":\"cus_1\",\"object\":\"customer\",\"metadata\":%s}";
        for (String metadata : new String[] {
            "{\"user_id\":\"user_a\",\"user_id\":\"user_b\"}", "{\"x\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}"
        }) {
            String body = event("customer.created", customer.formatted(metadata));
            assertThatThrownBy(() -> decodeBytes(bytes(body)))
                    .as(metadata.substring(0, 20))
                    .isInstanceOfSatisfying(
                            WebhookRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PAYLOAD));
        }
        assertThat(decodeBytes(bytes(event("customer.created", customer.formatted("{\"user_id\":\"user_a\"}")))))
                .isInstanceOf(EventObject.OfCustomer.class);
    }

    private static String event(String type, String object) {
        return "{\"id\":\"evt_t\",\"object\":\"event\",\"api_version\":\"2026-07-29.dahlia\",\"created\":1795100001,"
                + "\"livemode\":false,\"type\":\"" + type + "\",\"data\":{\"object\":" + object + "}}";
    }

    private static String event(String type, String object, String previousAttributes) {
        return "{\"id\":\"evt_t\",\"object\":\"event\",\"api_version\":\"2026-07-29.dahlia\",\"created\":1795100001,"
                + "\"livemode\":false,\"type\":\"" + type + "\",\"data\":{\"object\":" + object
                + ",\"previous_attributes\":" + previousAttributes + "}}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

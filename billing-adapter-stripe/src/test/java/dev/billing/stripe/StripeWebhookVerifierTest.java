package dev.billing.stripe;

import static dev.billing.stripe.TestWebhooks.fixture;
import static dev.billing.stripe.TestWebhooks.header;
import static dev.billing.stripe.TestWebhooks.v1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.net.Webhook;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.error.WebhookRejectedException.Reason;
import dev.billing.core.model.event.StripeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StripeWebhookVerifierTest {
    private static final String SECRET = "whsec_current_4f1c2b9d8e7a6f5e4d3c2b1a";
    private static final String OLD_SECRET = "whsec_previous_0a1b2c3d4e5f6a7b8c9d0e1f";
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final long T = NOW.getEpochSecond();

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final StripeWebhookVerifier verifier = StripeWebhookVerifier.create(List.of(SECRET), clock);
    private final byte[] body = fixture("customer.subscription.updated.json");

    private static Reason rejection(Runnable call) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).isInstanceOf(WebhookRejectedException.class);
        return ((WebhookRejectedException) thrown).reason();
    }

    @Nested
    class Signatures {

        @Test
        void acceptsAValidDeliveryAndReadsItsEnvelope() {
            StripeEvent event = verifier.verify(body, header(SECRET, T, body));
            assertThat(event.id()).isEqualTo("evt_1QzB2sSubUpd");
            assertThat(event.type()).isEqualTo("customer.subscription.updated");
            assertThat(event.created()).isEqualTo(Instant.ofEpochSecond(1795100001));
            assertThat(event.livemode()).isFalse();
            assertThat(event.apiVersion()).isEqualTo("2026-07-29.dahlia");
            assertThat(event.objectId()).isEqualTo("sub_1QzA8bRk2cPro");
            assertThat(event.objectType()).isEqualTo("subscription");
            assertThat(event.payload()).isEqualTo(new String(body, StandardCharsets.UTF_8));
        }

        @Test
        void acceptsADeliverySignedWithTheRotatedSecret() {
            StripeWebhookVerifier rotating = StripeWebhookVerifier.create(List.of(SECRET, OLD_SECRET), clock);
            assertThat(rotating.verify(body, header(OLD_SECRET, T, body)).id()).isEqualTo("evt_1QzB2sSubUpd");
            assertThat(rotating.verify(body, header(SECRET, T, body)).id()).isEqualTo("evt_1QzB2sSubUpd");
            assertThat(rotating.secretCount()).isEqualTo(2);
        }

        @Test
        void rejectsAMissingHeader() {
            assertThat(rejection(() -> verifier.verify(body, null))).isEqualTo(Reason.MISSING_SIGNATURE);
            assertThat(rejection(() -> verifier.verify(body, ""))).isEqualTo(Reason.MISSING_SIGNATURE);
            assertThat(rejection(() -> verifier.verify(body, "   "))).isEqualTo(Reason.MISSING_SIGNATURE);
        }

        @Test
        void rejectsANonNumericTimestamp() {
            String header = "t=abc,v1=" + v1(SECRET, T, body);
            assertThat(rejection(() -> verifier.verify(body, header))).isEqualTo(Reason.MALFORMED_SIGNATURE);
        }

        @Test
        void rejectsAHugeTimestampWithoutOverflowing() {
            String huge = "t=99999999999999999999999999,v1=" + v1(SECRET, T, body);
            assertThat(rejection(() -> verifier.verify(body, huge))).isEqualTo(Reason.MALFORMED_SIGNATURE);
            long farFuture = 999_999_999_999_999_999L;
            assertThat(rejection(() -> verifier.verify(body, header(SECRET, farFuture, body))))
                    .isEqualTo(Reason.TIMESTAMP_IN_FUTURE);
            assertThat(rejection(() -> verifier.verify(body, "t=-5,v1=" + v1(SECRET, -5, body))))
                    .isEqualTo(Reason.MALFORMED_SIGNATURE);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "junk",
                    "t",
                    "=",
                    ",,,",
                    "v1",
                    "t=,v1=",
                    "signature",
                    "t=1795100001",
                    "v1=abcdef",
                    "t=1,t=2,v1=00"
                })
        void rejectsAJunkHeader(String junk) {
            assertThat(rejection(() -> verifier.verify(body, junk))).isEqualTo(Reason.MALFORMED_SIGNATURE);
        }

        @Test
        void rejectsAHeaderWithNoV1Signature() {
            String v0Only = "t=" + T + ",v0=" + v1(SECRET, T, body);
            assertThat(rejection(() -> verifier.verify(body, v0Only))).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
        }

        @Test
        void rejectsOddLengthOrNonHexSignatures() {
            String valid = v1(SECRET, T, body);
            assertThat(rejection(() -> verifier.verify(body, "t=" + T + ",v1=" + valid.substring(1))))
                    .isEqualTo(Reason.MALFORMED_SIGNATURE);
            assertThat(rejection(() -> verifier.verify(body, "t=" + T + ",v1=" + valid.replace(valid.charAt(0), 'g'))))
                    .isEqualTo(Reason.MALFORMED_SIGNATURE);
            assertThat(rejection(() -> verifier.verify(body, "t=" + T + ",v1=" + valid + "0")))
                    .isEqualTo(Reason.MALFORMED_SIGNATURE);
        }

        @Test
        void rejectsAnOverlongHeaderBeforeAnyWork() {
            String longHeader = header(SECRET, T, body) + ",v0=" + "a".repeat(StripeWebhookVerifier.MAX_HEADER_LENGTH);
            assertThat(rejection(() -> verifier.verify(body, longHeader))).isEqualTo(Reason.MALFORMED_SIGNATURE);
        }

        @Test
        void rejectsTheWrongSecret() {
            String header = header("whsec_someone_else", T, body);
            assertThat(rejection(() -> verifier.verify(body, header))).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
        }

        @Test
        void rejectsATimestamp301SecondsOld() {
            assertThat(rejection(() -> verifier.verify(body, header(SECRET, T - 301, body))))
                    .isEqualTo(Reason.TIMESTAMP_TOO_OLD);
            assertThat(verifier.verify(body, header(SECRET, T - 300, body)).id())
                    .isEqualTo("evt_1QzB2sSubUpd");
        }

        @Test
        void rejectsATimestamp301SecondsInTheFuture() {
            assertThat(rejection(() -> verifier.verify(body, header(SECRET, T + 301, body))))
                    .isEqualTo(Reason.TIMESTAMP_IN_FUTURE);
            assertThat(verifier.verify(body, header(SECRET, T + 300, body)).id())
                    .isEqualTo("evt_1QzB2sSubUpd");
        }

        @Test
        void honoursAConfiguredTolerance() {
            StripeWebhookVerifier strict = StripeWebhookVerifier.create(List.of(SECRET), clock, Duration.ofSeconds(10));
            assertThat(rejection(() -> strict.verify(body, header(SECRET, T - 11, body))))
                    .isEqualTo(Reason.TIMESTAMP_TOO_OLD);
            assertThat(strict.verify(body, header(SECRET, T - 10, body)).id()).isEqualTo("evt_1QzB2sSubUpd");
        }

        @Test
        void rejectsAReSerializedBody() {
            String header = header(SECRET, T, body);
            JsonObject sameJson = JsonParser.parseString(new String(body, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            byte[] compact =
                    new GsonBuilder().serializeNulls().create().toJson(sameJson).getBytes(StandardCharsets.UTF_8);
            byte[] pretty = new GsonBuilder()
                    .serializeNulls()
                    .setPrettyPrinting()
                    .create()
                    .toJson(sameJson)
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(Arrays.equals(compact, body)).isFalse();
            assertThat(JsonParser.parseString(new String(compact, StandardCharsets.UTF_8))
                            .equals(sameJson))
                    .isTrue();
            assertThat(JsonParser.parseString(new String(pretty, StandardCharsets.UTF_8))
                            .equals(sameJson))
                    .isTrue();
            assertThat(rejection(() -> verifier.verify(compact, header))).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
            assertThat(rejection(() -> verifier.verify(pretty, header))).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
        }

        @Test
        void acceptsSeveralV1SignaturesWhenOneMatches() {
            String header = "t=" + T + ",v1=" + v1("whsec_old_endpoint", T, body) + ",v0=deadbeef" + ",v1="
                    + v1(SECRET, T, body) + ",v1=" + "0".repeat(64);
            assertThat(verifier.verify(body, header).id()).isEqualTo("evt_1QzB2sSubUpd");
        }

        @Test
        void toleratesSpacesAndUppercaseHex() {
            String header = " t=" + T + " , v1=" + v1(SECRET, T, body).toUpperCase(java.util.Locale.ROOT) + " ";
            assertThat(verifier.verify(body, header).id()).isEqualTo("evt_1QzB2sSubUpd");
        }

        @Test
        void agreesWithStripeJavasOwnVerification() throws Exception {
            String header = header(SECRET, Instant.now().getEpochSecond(), body);
            String payload = new String(body, StandardCharsets.UTF_8);
            assertThat(Webhook.constructEvent(payload, header, SECRET).getId()).isEqualTo("evt_1QzB2sSubUpd");
            StripeWebhookVerifier onSystemClock = StripeWebhookVerifier.create(List.of(SECRET), Clock.systemUTC());
            assertThat(onSystemClock.verify(body, header).id()).isEqualTo("evt_1QzB2sSubUpd");
        }

        @Test
        void neverShowsTheSecrets() {
            StripeWebhookVerifier rotating = StripeWebhookVerifier.create(List.of(SECRET, OLD_SECRET), clock);
            assertThat(rotating.toString()).doesNotContain(SECRET).doesNotContain(OLD_SECRET);
            Throwable thrown = catchThrowable(() -> rotating.verify(body, header("whsec_x", T, body)));
            assertThat(thrown.getMessage()).doesNotContain(SECRET).doesNotContain(OLD_SECRET);
        }
    }

    @Nested
    class Payloads {

        /** Verifies both ways: the one-pass reading that keeps data.object must accept and refuse alike. */
        private StripeEvent verified(byte[] payload) {
            String header = header(SECRET, T, payload);
            Throwable fused = catchThrowable(() -> verifier.verifyAndDecode(payload, header));
            try {
                StripeEvent event = verifier.verify(payload, header);
                assertThat(fused)
                        .as("verifyAndDecode refuses what verify accepts")
                        .isNull();
                assertThat(verifier.verifyAndDecode(payload, header).event()).isEqualTo(event);
                return event;
            } catch (WebhookRejectedException e) {
                assertThat(fused)
                        .as("verifyAndDecode refuses alike")
                        .isInstanceOfSatisfying(
                                WebhookRejectedException.class,
                                f -> assertThat(f.reason()).isEqualTo(e.reason()));
                throw e;
            }
        }

        private Reason rejectionOf(String payload) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            return rejection(() -> verified(bytes));
        }

        @Test
        void rejectsANonJsonBodyWithAValidSignature() {
            assertThat(rejectionOf("hello, stripe")).isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("")).isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_1\",")).isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("[1,2,3]")).isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("null")).isEqualTo(Reason.MALFORMED_PAYLOAD);
        }

        @Test
        void rejectsNonUtf8Bytes() {
            byte[] latin1 = "{\"id\":\"evt_caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
            assertThat(rejection(() -> verified(latin1))).isEqualTo(Reason.MALFORMED_PAYLOAD);
            byte[] broken = {'{', (byte) 0xC3, (byte) 0x28, '}'};
            assertThat(rejection(() -> verified(broken))).isEqualTo(Reason.MALFORMED_PAYLOAD);
        }

        @Test
        @DisplayName("UTF-16 bytes are refused: they are valid UTF-8 full of zero bytes, never a JSON event")
        void rejectsUtf16EvenWhereTheBytesAreValidUtf8() {
            String event = "{\"id\":\"evt_a\",\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":1795100001,"
                    + "\"data\":{\"object\":{\"id\":\"in_1\",\"object\":\"invoice\"}}}";
            for (var charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
                byte[] utf16 = event.getBytes(charset);
                assertThat(rejection(() -> verified(utf16))).as(charset.name()).isEqualTo(Reason.MALFORMED_PAYLOAD);
            }
        }

        @Test
        @DisplayName(
                "a key named twice in the event, its data or its object is refused: another parser could read the other value")
        void rejectsDuplicateKeys() {
            String body = "\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":1795100001,"
                    + "\"data\":{\"object\":{\"id\":\"in_1\",\"object\":\"invoice\",\"customer\":\"cus_1\"}}}";
            assertThat(rejectionOf("{\"id\":\"evt_a\",\"id\":\"evt_b\"," + body))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_a\","
                            + body.replace("\"customer\":\"cus_1\"", "\"customer\":\"cus_1\",\"customer\":\"cus_2\"")))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_a\","
                            + body.replace(
                                    "\"data\":{",
                                    "\"data\":{\"previous_attributes\":{}," + "\"previous_attributes\":{},")))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            // the same key in two different objects is fine
            assertThat(verified(("{\"id\":\"evt_a\",\"metadata\":{\"id\":\"x\"}," + body)
                                    .getBytes(StandardCharsets.UTF_8))
                            .id())
                    .isEqualTo("evt_a");
        }

        @Test
        void survivesHostileNestingWhereNothingIsRead() {
            String deep = "[".repeat(200_000) + "]".repeat(200_000);
            byte[] body = ("{\"id\":\"evt_a\",\"x\":" + deep + ",\"object\":\"event\",\"type\":\"t\","
                            + "\"created\":1795100001,\"data\":{\"object\":{\"id\":\"in_1\"}}}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(verified(body).id()).isEqualTo("evt_a");
        }

        @Test
        void rejectsJsonWithoutIdOrType() {
            assertThat(rejectionOf("{\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":1795100001,"
                            + "\"data\":{\"object\":{\"id\":\"in_1\",\"object\":\"invoice\"}}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_1\",\"object\":\"event\",\"created\":1795100001,"
                            + "\"data\":{\"object\":{\"id\":\"in_1\",\"object\":\"invoice\"}}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{}")).isEqualTo(Reason.MALFORMED_PAYLOAD);
        }

        @Test
        void rejectsJsonWithoutCreatedOrDataObject() {
            assertThat(rejectionOf("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"invoice.paid\","
                            + "\"data\":{\"object\":{\"id\":\"in_1\"}}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"invoice.paid\","
                            + "\"created\":\"1795100001\",\"data\":{\"object\":{\"id\":\"in_1\"}}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"invoice.paid\","
                            + "\"created\":1795100001,\"data\":{}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"invoice.paid\","
                            + "\"created\":1795100001.5,\"data\":{\"object\":{}}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
        }

        @Test
        void rejectsJsonOfTheWrongShape() {
            assertThat(rejectionOf("{\"id\":42,\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":1,"
                            + "\"data\":{\"object\":{}}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_1\",\"object\":\"customer\",\"type\":\"invoice.paid\",\"created\":1,"
                            + "\"data\":{\"object\":{}}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_1\",\"type\":\"invoice.paid\",\"created\":1,\"livemode\":\"yes\","
                            + "\"data\":{\"object\":{}}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt\\u0000\",\"type\":\"invoice.paid\",\"created\":1,"
                            + "\"data\":{\"object\":{}}}"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
            assertThat(rejectionOf("{\"id\":\"evt_1\",\"type\":\"invoice.paid\",\"created\":1,"
                            + "\"data\":{\"object\":{}}} trailing"))
                    .isEqualTo(Reason.MALFORMED_PAYLOAD);
        }

        @Test
        void rejectsAV2ThinEvent() {
            assertThat(rejection(() -> verified(fixture("v2.thin-event.json")))).isEqualTo(Reason.UNSUPPORTED_EVENT);
            assertThat(
                            rejectionOf(
                                    "{\"id\":\"evt_1\",\"type\":\"v1.billing.meter.error_report_triggered\","
                                            + "\"created\":1795100001,\"related_object\":{\"id\":\"mtr_1\",\"type\":\"billing.meter\"}}"))
                    .isEqualTo(Reason.UNSUPPORTED_EVENT);
        }

        @Test
        void acceptsAnEventOfAnotherApiVersion() {
            StripeEvent event = verified(fixture("customer.subscription.updated.2020-08-27.json"));
            assertThat(event.apiVersion()).isEqualTo("2020-08-27").isNotEqualTo(StripePaymentGateway.API_VERSION);
            assertThat(event.objectId()).isEqualTo("sub_HOld2020Basic");
        }

        @Test
        void acceptsA300KilobyteInvoiceEvent() {
            byte[] large = largeInvoiceEvent(300 * 1024);
            assertThat(large.length).isGreaterThanOrEqualTo(300 * 1024);
            StripeEvent event = verified(large);
            assertThat(event.objectId()).isEqualTo("in_1QzA8cInv0001");
            assertThat(event.payload().getBytes(StandardCharsets.UTF_8).length).isEqualTo(large.length);
            assertThat(verifier.decode(event)).isInstanceOf(dev.billing.core.model.event.EventObject.OfInvoice.class);
        }

        /** Whom each event is about (erasure and export find it by that): the same whether decoded or not. */
        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                checkout.session.completed.json    | cus_RAda7f3kQ2
                charge.succeeded.json              | cus_RAda7f3kQ2
                refund.created.json                | cus_RAda7f3kQ2
                invoice.upcoming.json              | cus_RAda7f3kQ2
                customer.subscription.updated.json | cus_RAda7f3kQ2
                customer.created.json              | cus_RAda7f3kQ2
                invoice_payment.paid.json          | in_1QzA8cInv0001
                product.updated.json               | prod_RPro
                """)
        void readsWhomTheEventIsAbout(String fixture, String subject) {
            assertThat(verified(fixture(fixture)).subjectId()).isEqualTo(subject);
        }

        @Test
        void anEventWithoutACustomerIsAboutWhatItsObjectBelongsTo() {
            String guest = "{\"id\":\"evt_g\",\"type\":\"charge.succeeded\",\"created\":1795100001,\"data\":"
                    + "{\"object\":{\"id\":\"ch_g\",\"object\":\"charge\",\"customer\":null,\"payment_intent\":"
                    + "\"pi_g\",\"billing_details\":{\"email\":\"guest@example.com\"}}}}";
            assertThat(verified(guest.getBytes(StandardCharsets.UTF_8)).subjectId())
                    .isEqualTo("pi_g");
            String expanded = "{\"id\":\"evt_e\",\"type\":\"payment_intent.succeeded\",\"created\":1795100001,"
                    + "\"data\":{\"object\":{\"id\":\"pi_e\",\"object\":\"payment_intent\",\"customer\":"
                    + "{\"id\":\"cus_e\",\"object\":\"customer\"}}}}";
            assertThat(verified(expanded.getBytes(StandardCharsets.UTF_8)).subjectId())
                    .isEqualTo("cus_e");
            String odd = "{\"id\":\"evt_o\",\"type\":\"payment_intent.succeeded\",\"created\":1795100001,"
                    + "\"data\":{\"object\":{\"id\":\"pi_o\",\"object\":\"payment_intent\",\"customer\":7}}}";
            assertThat(verified(odd.getBytes(StandardCharsets.UTF_8)).subjectId())
                    .isEqualTo("pi_o");
        }

        /**
         * A detached payment method names no customer any more, only in its previous attributes: its billing details
         * are still the person's, so the event is about that customer.
         */
        @Test
        void aDetachedPaymentMethodIsAboutTheCustomerItHad() {
            String detached = "{\"id\":\"evt_d\",\"type\":\"payment_method.detached\",\"created\":1795100001,"
                    + "\"data\":{\"object\":{\"id\":\"pm_d\",\"object\":\"payment_method\",\"billing_details\":"
                    + "{\"email\":\"ada@example.com\",\"name\":\"Ada Lovelace\"},\"customer\":null},"
                    + "\"previous_attributes\":{\"metadata\":{},\"customer\":\"cus_d\"}}}";
            assertThat(verified(detached.getBytes(StandardCharsets.UTF_8)).subjectId())
                    .isEqualTo("cus_d");
            String twice = detached.replace("\"metadata\":{}", "\"customer\":\"cus_x\"");
            assertThatThrownBy(() -> verified(twice.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(
                            WebhookRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PAYLOAD));
        }

        @Test
        void readsTheEnvelopeWhateverTheFieldOrder() {
            StripeEvent event = verified(("{\"data\":{\"previous_attributes\":{\"id\":\"x\"},\"object\":{\"metadata\":"
                            + "{\"id\":\"nested\"},\"object\":\"invoice\",\"id\":\"in_9\"}},\"type\":\"invoice.paid\","
                            + "\"created\":1795100001,\"id\":\"evt_9\",\"livemode\":true,\"api_version\":null}")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(event.id()).isEqualTo("evt_9");
            assertThat(event.objectId()).isEqualTo("in_9");
            assertThat(event.objectType()).isEqualTo("invoice");
            assertThat(event.livemode()).isTrue();
            assertThat(event.apiVersion()).isNull();
        }
    }

    @Test
    void onlyEverThrowsWebhookRejectedExceptionForMangledDeliveries() {
        Random random = new Random(20261121);
        String validHeader = header(SECRET, T, body);
        int accepted = 0;
        for (int i = 0; i < 3_000; i++) {
            byte[] mangledBody = body.clone();
            StringBuilder mangledHeader = new StringBuilder(validHeader);
            switch (i % 3) {
                case 0 ->
                    mangledHeader.setCharAt(random.nextInt(mangledHeader.length()), (char) (random.nextInt(95) + 32));
                case 1 -> mangledBody[random.nextInt(mangledBody.length)] = (byte) random.nextInt(256);
                default -> mangledHeader.insert(random.nextInt(mangledHeader.length()), ",=t=v1=,");
            }
            try {
                verifier.verify(mangledBody, mangledHeader.toString());
                accepted++;
            } catch (WebhookRejectedException expected) {
                assertThat(expected.reason()).isNotNull();
            }
        }
        // Only mangles that left both the body and the signed values intact can pass (e.g. "v0" rewritten).
        assertThat(accepted).isLessThan(300);
    }

    @Test
    void refusesToBeBuiltWithoutUsableSecrets() {
        assertThatThrownBy(() -> StripeWebhookVerifier.create(List.of(), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StripeWebhookVerifier.create(List.of(" "), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StripeWebhookVerifier.create(List.of(SECRET), clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tolerance");
        assertThatThrownBy(() -> StripeWebhookVerifier.create(List.of("whsec_a b"), clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhook secret")
                .hasMessageNotContaining("whsec_a b");
    }

    /** The invoice.paid fixture with line items added until it is at least {@code size} bytes. */
    static byte[] largeInvoiceEvent(int size) {
        JsonObject event = JsonParser.parseString(TestWebhooks.fixtureText("invoice.paid.json"))
                .getAsJsonObject();
        JsonObject invoice = event.getAsJsonObject("data").getAsJsonObject("object");
        JsonArray lines = invoice.getAsJsonObject("lines").getAsJsonArray("data");
        JsonObject line = lines.get(0).getAsJsonObject();
        com.google.gson.Gson gson = new GsonBuilder().setPrettyPrinting().create();
        int n = 1;
        while (gson.toJson(event).length() < size) {
            JsonObject copy = line.deepCopy();
            copy.addProperty("id", "il_1QzA8cLine" + (++n));
            copy.addProperty("description", "Usage line " + n + " × API calls (at $0.01 / call)");
            lines.add(copy);
        }
        return gson.toJson(event).getBytes(StandardCharsets.UTF_8);
    }
}

package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.event.InboxStatus;
import dev.billing.opentelemetry.OpenTelemetryTracing;
import dev.billing.testkit.Await;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.webhook.StripeSignature;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode (embedded Postgres, the Stripe emulator through stripe-java) traced into an in-memory exporter,
 * installed as the process's OpenTelemetry the way the Java agent installs its own: one real signed webhook's trace
 * shows the request, the receipt under it, the processing after the answer linked to the receipt, and the Stripe
 * and store calls under the processing. Without any OpenTelemetry the same delivery is served alike.
 */
class TracesIT {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";

    @TempDir
    Path dir;

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private OpenTelemetrySdk sdk;
    private LocalFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
        if (sdk != null) {
            sdk.close();
        }
        GlobalOpenTelemetry.resetForTest();
    }

    private void startTraced() {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(sdk);
        f = LocalFixture.start(dir, Map.of());
    }

    /** A subscription event the emulator does not know: processing re-fetches it from Stripe, then stores it. */
    private String event(String eventId, String customer) {
        Instant start = f.emulator.now().minus(Duration.ofHours(1));
        return LocalFixture.subscriptionEvent(
                eventId,
                f.emulator.now(),
                "sub_" + eventId.substring(4),
                customer,
                "active",
                "price_pro_monthly",
                start,
                start.plus(Duration.ofDays(30)));
    }

    private Http.Response deliver(String eventJson, String traceparent) {
        byte[] body = eventJson.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = f.http.request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", StripeSignature.header(f.local.webhookSecret(), f.emulator.now(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return f.http.send(request);
    }

    private Optional<InboxStatus> status(String eventId) {
        return f.local.server().billing().stores().inbox().find(eventId).map(e -> e.status());
    }

    private List<SpanData> spans() {
        return exporter.getFinishedSpanItems();
    }

    private SpanData only(String name, String eventId) {
        List<SpanData> found = spans().stream()
                .filter(s -> s.getName().equals(name))
                .filter(s -> eventId == null || eventId.equals(s.getAttributes().get(OpenTelemetryTracing.EVENT_ID)))
                .toList();
        assertThat(found).as("%s spans of %s among %s", name, eventId, names()).hasSize(1);
        return found.get(0);
    }

    /** The span that processed the event, alone ({@code billing.event.id}) or in a batch ({@code billing.event.ids}). */
    private Optional<SpanData> processingOf(String eventId) {
        return spans().stream()
                .filter(s -> s.getName().equals(OpenTelemetryTracing.PROCESSING_SPAN))
                .filter(s -> eventId.equals(s.getAttributes().get(OpenTelemetryTracing.EVENT_ID))
                        || Optional.ofNullable(s.getAttributes().get(OpenTelemetryTracing.EVENT_IDS))
                                .orElse(List.of())
                                .contains(eventId))
                .findFirst();
    }

    private List<String> names() {
        return spans().stream().map(SpanData::getName).toList();
    }

    private List<SpanData> childrenOf(SpanData parent) {
        return spans().stream()
                .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .toList();
    }

    @Test
    void oneWebhooksTraceShowsReceiptAndProcessingLinkedWithTheStripeAndStoreCallsUnderThem() {
        startTraced();
        String customer = f.customer(f.token("user_traced"));
        // The emulator's own delivery of the new customer first, so it is not processed in one batch with ours.
        assertThat(f.emulator.awaitDeliveries(LocalFixture.PATIENCE)).isTrue();
        String eventId =
                "evt_traced" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        exporter.reset();

        Http.Response answer = deliver(event(eventId, customer), "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        Await.until("the event is processed", () -> status(eventId).equals(Optional.of(InboxStatus.PROCESSED)));
        Await.until("its processing span ends", () -> processingOf(eventId).isPresent());

        // The request: a server span named by its route, continuing the caller's trace (the emulator's own
        // deliveries, of the customer just created, start traces of their own).
        List<SpanData> requests = spans().stream()
                .filter(s -> s.getName().equals("POST /webhooks/stripe"))
                .filter(s -> s.getTraceId().equals(TRACE_ID))
                .toList();
        assertThat(requests)
                .as("requests in the caller's trace among %s", names())
                .hasSize(1);
        SpanData request = requests.get(0);
        assertThat(request.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(request.getParentSpanId()).isEqualTo(CALLER_SPAN_ID);
        assertThat(request.getAttributes().get(AttributeKey.stringKey("http.request.method")))
                .isEqualTo("POST");
        assertThat(request.getAttributes().get(AttributeKey.stringKey("http.route")))
                .isEqualTo("/webhooks/stripe");
        assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                .isEqualTo(200L);
        assertThat(request.getAttributes().get(AttributeKey.stringKey("billing.request_id")))
                .isEqualTo(answer.header("X-Request-Id"));

        // The receipt under the request, recording the event.
        SpanData receipt = only(OpenTelemetryTracing.RECEIPT_SPAN, eventId);
        assertThat(receipt.getParentSpanId()).isEqualTo(request.getSpanId());
        assertThat(receipt.getAttributes().get(OpenTelemetryTracing.EVENT_TYPE))
                .isEqualTo("customer.subscription.updated");
        assertThat(childrenOf(receipt)).extracting(SpanData::getName).contains("store EventInbox.recordLeased");

        // The processing after the answer: its own span, linked to the receipt, with the calls under it.
        SpanData processing = processingOf(eventId).orElseThrow();
        assertThat(processing.getLinks())
                .anySatisfy(link -> assertThat(link.getSpanContext()).isEqualTo(receipt.getSpanContext()));
        List<SpanData> calls = childrenOf(processing);
        assertThat(calls).extracting(SpanData::getName).contains("stripe getSubscription");
        assertThat(calls)
                .extracting(SpanData::getName)
                .anySatisfy(name -> assertThat(name).startsWith("store SubscriptionStore."))
                .anySatisfy(name -> assertThat(name).startsWith("store EventInbox.complete"));
        assertThat(calls).allSatisfy(call -> assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT));
    }

    @Test
    void aCustomersLinkAndItsInboxEntryStayOneStoreCallWhenTraced() {
        startTraced();
        f.customer(f.token("user_linked"));
        assertThat(f.emulator.awaitDeliveries(LocalFixture.PATIENCE)).isTrue();
        SpanData receipt = spans().stream()
                .filter(s -> s.getName().equals(OpenTelemetryTracing.RECEIPT_SPAN))
                .filter(s -> "customer.created".equals(s.getAttributes().get(OpenTelemetryTracing.EVENT_TYPE)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no customer.created receipt among " + names()));
        String eventId = receipt.getAttributes().get(OpenTelemetryTracing.EVENT_ID);
        Await.until("its processing span ends", () -> processingOf(eventId).isPresent());

        // Postgres writes the link and the entry in one statement only when it is handed its own customer store,
        // not the traced one; else the link would be a CustomerStore call of its own, under the inbox's.
        SpanData write = childrenOf(processingOf(eventId).orElseThrow()).stream()
                .filter(s -> s.getName().equals("store EventInbox.linkAndRecordProcessed"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no linkAndRecordProcessed among " + names()));
        assertThat(childrenOf(write)).extracting(SpanData::getName).isEmpty();
    }

    @Test
    void withoutAnyOpenTelemetryTheSameDeliveryIsServedAlike() {
        GlobalOpenTelemetry.resetForTest();
        f = LocalFixture.start(dir, Map.of());
        String customer = f.customer(f.token("user_untraced"));
        String eventId =
                "evt_untraced" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

        Http.Response answer = deliver(event(eventId, customer), "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        Await.until("the event is processed", () -> status(eventId).equals(Optional.of(InboxStatus.PROCESSED)));
        assertThat(GlobalOpenTelemetry.isSet()).isFalse();
        assertThat(spans()).isEmpty();
    }
}

package dev.billing.opentelemetry;

import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.RetentionOptions;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.WorkTracer;
import dev.billing.testkit.Await;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core's work traced through the decorators and the tracer, on the fakes, into an in-memory exporter: a webhook
 * processed after its answer on the background threads has a processing span linked to its receipt, with the Stripe
 * and store calls under it; failures are recorded; without an SDK nothing changes.
 */
class OpenTelemetryTracingTest {
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    private Billing billing(OpenTelemetry openTelemetry) {
        return billing(openTelemetry, BillingOptions.defaults());
    }

    private Billing billing(OpenTelemetry openTelemetry, BillingOptions options) {
        OpenTelemetryTracing tracing = OpenTelemetryTracing.create(openTelemetry);
        return Billing.builder()
                .options(options)
                .gateway(tracing.gateway(gateway))
                .webhookVerifier(verifier)
                .stores(tracing.stores(stores.stores()))
                .plans(SamplePlans.catalog())
                .clock(clock)
                .sleeper(d -> {})
                .tracer(tracing.tracer())
                .build();
    }

    private static StripeEvent subscriptionEvent(String id) {
        return anEvent().withId(id).withType("customer.subscription.updated").build();
    }

    private void deliver(Billing billing, StripeEvent event) {
        FakeWebhookVerifier.Delivery delivery = verifier.sign(
                event, new EventObject.OfSubscription(aSubscription().build()));
        billing.receiveWebhook(delivery.body(), delivery.signature());
    }

    private Optional<InboxStatus> status(String eventId) {
        return stores.inbox().find(eventId).map(e -> e.status());
    }

    private SpanData only(String name) {
        List<SpanData> named = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .toList();
        assertThat(named).as(name).hasSize(1);
        return named.get(0);
    }

    private List<SpanData> childrenOf(SpanData parent) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .toList();
    }

    @Test
    void processingAfterTheAnswerIsASpanLinkedToTheReceiptWithTheCallsUnderIt() {
        try (Billing billing = billing(sdk).start()) {
            deliver(billing, subscriptionEvent("evt_traced"));
            Await.until(
                    "the event is processed", () -> status("evt_traced").equals(Optional.of(InboxStatus.PROCESSED)));
            Await.until(
                    "the processing span ends",
                    () -> exporter.getFinishedSpanItems().stream()
                            .anyMatch(s -> s.getName().equals(OpenTelemetryTracing.PROCESSING_SPAN)));
        }

        SpanData receipt = only(OpenTelemetryTracing.RECEIPT_SPAN);
        SpanData processing = only(OpenTelemetryTracing.PROCESSING_SPAN);
        assertThat(receipt.getAttributes().get(OpenTelemetryTracing.EVENT_ID)).isEqualTo("evt_traced");
        assertThat(receipt.getAttributes().get(OpenTelemetryTracing.EVENT_TYPE))
                .isEqualTo("customer.subscription.updated");
        assertThat(processing.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(processing.getAttributes().get(OpenTelemetryTracing.EVENT_ID))
                .isEqualTo("evt_traced");
        assertThat(processing.getLinks())
                .singleElement()
                .satisfies(link -> assertThat(link.getSpanContext()).isEqualTo(receipt.getSpanContext()));
        // A trace of its own: the processing is not a child of the receipt, which answered before it ran.
        assertThat(processing.getParentSpanContext().isValid()).isFalse();

        List<String> receiptCalls =
                childrenOf(receipt).stream().map(SpanData::getName).toList();
        assertThat(receiptCalls).contains("store EventInbox.recordLeased");
        List<SpanData> processingCalls = childrenOf(processing);
        assertThat(processingCalls)
                .extracting(SpanData::getName)
                .contains("stripe getSubscription", "store SubscriptionStore.upsertSubscriptions");
        assertThat(processingCalls)
                .allSatisfy(call -> assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT));
        assertThat(processingCalls)
                .anySatisfy(call -> assertThat(call.getName()).startsWith("store EventInbox.complete"));
    }

    @Test
    void aFailedStripeCallIsRecordedOnItsSpanAndOnTheProcessing() {
        gateway.failNext(FakePaymentGateway.Operation.GET_SUBSCRIPTION, 1, FakePaymentGateway.Failure.NOT_DONE);
        try (Billing billing = billing(sdk)) {
            deliver(billing, subscriptionEvent("evt_failing")); // not started: processed inside the call
        }
        assertThat(status("evt_failing")).contains(InboxStatus.PENDING);

        SpanData stripe = only("stripe getSubscription");
        assertThat(stripe.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(stripe.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
        SpanData processing = only(OpenTelemetryTracing.PROCESSING_SPAN);
        assertThat(processing.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        // Processed inside the receipt's call: a child of it, and linked to it all the same.
        SpanData receipt = only(OpenTelemetryTracing.RECEIPT_SPAN);
        assertThat(processing.getParentSpanId()).isEqualTo(receipt.getSpanId());
        assertThat(processing.getLinks()).hasSize(1);
    }

    @Test
    void callsOutsideAnySpanStartNoTrace() {
        OpenTelemetryTracing tracing = OpenTelemetryTracing.create(sdk);
        tracing.stores(stores.stores()).inbox().countByStatus();
        tracing.gateway(gateway).getSubscription("sub_x");
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void aTracedStoreHandedToAnotherArrivesAsTheStoreItDecorates() {
        // Postgres' inbox writes a batch's links and entries in one statement only when it recognises its own
        // customer store among the arguments; behind the proxy it would take the two writes.
        List<Object> handed = new ArrayList<>();
        EventInbox recording = (EventInbox) Proxy.newProxyInstance(
                EventInbox.class.getClassLoader(), new Class<?>[] {EventInbox.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("linkAndRecordProcessed")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    handed.add(args[0]);
                    return List.of();
                });
        BillingStores plain = stores.stores();
        BillingStores traced = OpenTelemetryTracing.create(sdk)
                .stores(new BillingStores(
                        plain.customers(), plain.subscriptions(), recording, plain.usage(), plain.lifecycle()));
        assertThat(traced.customers()).isNotSameAs(plain.customers());

        Span outer = sdk.getTracer("test").spanBuilder("outer").startSpan();
        try (Scope ignored = outer.makeCurrent()) {
            traced.inbox().linkAndRecordProcessed(traced.customers(), List.of(), List.of(), List.of());
        } finally {
            outer.end();
        }
        traced.inbox().linkAndRecordProcessed(traced.customers(), List.of(), List.of(), List.of());

        assertThat(handed).hasSize(2).allSatisfy(store -> assertThat(store).isSameAs(plain.customers()));
        assertThat(only("store EventInbox.linkAndRecordProcessed").getParentSpanId())
                .isEqualTo(only("outer").getSpanId());
    }

    @Test
    void aBatchLinksEveryReceiptAndNamesItsEvents() {
        OpenTelemetryTracing tracing = OpenTelemetryTracing.create(sdk);
        WorkTracer tracer = tracing.tracer();
        for (String id : List.of("evt_a", "evt_b")) {
            try (WorkTracer.Span receipt = tracer.webhookReceipt()) {
                receipt.event(id, "customer.updated");
            }
        }
        try (WorkTracer.Span batch = tracer.eventProcessing(
                List.of(subscriptionEvent("evt_a"), subscriptionEvent("evt_b"), subscriptionEvent("evt_unseen")))) {
            tracer.eventFailed("evt_b", new IllegalStateException("store down"));
        }

        SpanData batch = only(OpenTelemetryTracing.PROCESSING_SPAN);
        assertThat(batch.getAttributes().get(OpenTelemetryTracing.EVENT_IDS))
                .containsExactly("evt_a", "evt_b", "evt_unseen");
        assertThat(batch.getAttributes().get(OpenTelemetryTracing.EVENT_COUNT)).isEqualTo(3L);
        assertThat(batch.getLinks())
                .extracting(l -> l.getAttributes().get(OpenTelemetryTracing.EVENT_ID))
                .containsExactly("evt_a", "evt_b");
        assertThat(batch.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(batch.getEvents())
                .singleElement()
                .satisfies(e -> assertThat(e.getAttributes().get(OpenTelemetryTracing.EVENT_ID))
                        .isEqualTo("evt_b"));
    }

    @Test
    void theOldestReceiptIsForgottenPastTheBound() {
        OpenTelemetryTracing tracing = OpenTelemetryTracing.create(sdk, 2);
        for (String id : List.of("evt_1", "evt_2", "evt_3")) {
            try (WorkTracer.Span receipt = tracing.tracer().webhookReceipt()) {
                receipt.event(id, "customer.updated");
            }
        }
        try (WorkTracer.Span ignored =
                tracing.tracer().eventProcessing(List.of(subscriptionEvent("evt_1"), subscriptionEvent("evt_3")))) {
            // nothing to do: the links are made when the span starts
        }
        assertThat(only(OpenTelemetryTracing.PROCESSING_SPAN).getLinks())
                .extracting(l -> l.getAttributes().get(OpenTelemetryTracing.EVENT_ID))
                .containsExactly("evt_3");
    }

    @Test
    void aRetentionPassIsASpanWithItsStoreCallsUnderIt() {
        RetentionOptions everyFewMillis = new RetentionOptions(
                Optional.of(Duration.ofDays(30)),
                Optional.of(Duration.ofDays(7)),
                Optional.of(Duration.ofDays(365)),
                Optional.of(Duration.ofDays(90)),
                Optional.of(Duration.ofDays(400)),
                100,
                Duration.ofMillis(50));
        try (Billing billing = billing(
                        sdk, BillingOptions.builder().retention(everyFewMillis).build())
                .start()) {
            Await.until(
                    "a retention pass ends",
                    () -> exporter.getFinishedSpanItems().stream()
                            .anyMatch(s -> s.getName().equals(OpenTelemetryTracing.WORK_SPAN_PREFIX + "retention")));
        }
        SpanData pass = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(OpenTelemetryTracing.WORK_SPAN_PREFIX + "retention"))
                .findFirst()
                .orElseThrow();
        assertThat(pass.getAttributes().get(OpenTelemetryTracing.WORK)).isEqualTo("retention");
        assertThat(childrenOf(pass))
                .extracting(SpanData::getName)
                .anySatisfy(name -> assertThat(name).startsWith("store EventInbox."));
    }

    @Test
    void withoutAnSdkEverythingWorksAndNothingIsKept() {
        try (Billing billing = billing(OpenTelemetry.noop()).start()) {
            deliver(billing, subscriptionEvent("evt_untraced"));
            Await.until(
                    "the event is processed", () -> status("evt_untraced").equals(Optional.of(InboxStatus.PROCESSED)));
        }
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }
}

package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.Await;
import dev.billing.testkit.http.Http;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server span per request on both of Javalin's paths (the routes Jetty serves directly, and the ones with path
 * parameters Javalin routes), named by the route template, continuing the caller's W3C trace.
 */
class RequestSpansIT {
    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN_ID = "b7ad6b7169203331";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private TestApi api;

    @BeforeEach
    void start() {
        api = TestApi.start(UnaryOperator.identity(), http -> http.openTelemetry(sdk));
    }

    @AfterEach
    void stop() {
        api.close();
        sdk.close();
    }

    private Http.Response get(String path, String traceparent) {
        return api.http.send(api.http
                .request(path)
                .header("Authorization", "Bearer " + api.token("user_spans"))
                .header("traceparent", traceparent)
                .GET());
    }

    /** The request's span: ended by the access line, which Javalin writes after the answer is sent. */
    private SpanData spanOf(String name) {
        Await.until(
                name + " ends",
                () -> exporter.getFinishedSpanItems().stream()
                        .anyMatch(s -> s.getName().equals(name)));
        List<SpanData> found = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @Test
    void aRouteServedDirectlyContinuesTheCallersTrace() {
        Http.Response answer = get("/me/entitlements", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);

        SpanData span = spanOf("GET /me/entitlements");
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(CALLER_SPAN_ID);
        assertThat(span.getAttributes().get(RequestSpans.ROUTE)).isEqualTo("/me/entitlements");
        assertThat(span.getAttributes().get(RequestSpans.METHOD)).isEqualTo("GET");
        assertThat(span.getAttributes().get(RequestSpans.STATUS)).isEqualTo(200L);
        assertThat(span.getAttributes().get(RequestSpans.REQUEST_ID)).isEqualTo(answer.header("X-Request-Id"));
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aRouteWithAPathParameterIsNamedByItsTemplate() {
        Http.Response answer = get("/stripe/invoices/in_missing", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01");

        SpanData span = spanOf("GET /stripe/invoices/{id}");
        assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(span.getAttributes().get(RequestSpans.PATH)).isEqualTo("/stripe/invoices/in_missing");
        assertThat(span.getAttributes().get(RequestSpans.STATUS)).isEqualTo((long) answer.status());
        assertThat(span.getAttributes().get(RequestSpans.REQUEST_ID)).isEqualTo(answer.header("X-Request-Id"));
    }

    @Test
    void anAnswerOf5xxMarksTheSpanAsAnError() {
        api.harness.stores().storeSwitch().down();
        Http.Response answer = get("/me/entitlements", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01");
        assertThat(answer.status()).isGreaterThanOrEqualTo(500);

        SpanData span = spanOf("GET /me/entitlements");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(RequestSpans.STATUS)).isEqualTo((long) answer.status());
    }
}

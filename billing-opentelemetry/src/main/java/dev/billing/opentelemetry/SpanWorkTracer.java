package dev.billing.opentelemetry;

import static dev.billing.opentelemetry.OpenTelemetryTracing.ERROR_TYPE;
import static dev.billing.opentelemetry.OpenTelemetryTracing.EVENT_COUNT;
import static dev.billing.opentelemetry.OpenTelemetryTracing.EVENT_ID;
import static dev.billing.opentelemetry.OpenTelemetryTracing.EVENT_IDS;
import static dev.billing.opentelemetry.OpenTelemetryTracing.EVENT_TYPE;
import static dev.billing.opentelemetry.OpenTelemetryTracing.WORK;

import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.WorkTracer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.Executor;

/** The core's {@link WorkTracer} on an OpenTelemetry tracer; each span is made current until it is closed. */
final class SpanWorkTracer implements WorkTracer {
    private final Tracer tracer;
    private final ReceiptLinks links;

    SpanWorkTracer(Tracer tracer, ReceiptLinks links) {
        this.tracer = tracer;
        this.links = links;
    }

    @Override
    public Span webhookReceipt() {
        return new Open(
                tracer.spanBuilder(OpenTelemetryTracing.RECEIPT_SPAN)
                        .setSpanKind(SpanKind.INTERNAL)
                        .startSpan(),
                links);
    }

    @Override
    public Span eventProcessing(List<StripeEvent> events) {
        // A consumer span of its own (not a child of the receipt): processing may come much later, on another
        // thread or run; the links lead back to each event's receipt.
        SpanBuilder builder = tracer.spanBuilder(OpenTelemetryTracing.PROCESSING_SPAN)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(EVENT_COUNT, (long) events.size());
        if (events.size() == 1) {
            builder.setAttribute(EVENT_ID, events.get(0).id())
                    .setAttribute(EVENT_TYPE, events.get(0).type());
        } else {
            builder.setAttribute(EVENT_IDS, events.stream().map(StripeEvent::id).toList());
        }
        for (StripeEvent event : events) {
            SpanContext receipt = links.receiptOf(event.id());
            if (receipt != null) {
                builder.addLink(receipt, Attributes.of(EVENT_ID, event.id()));
            }
        }
        return new Open(builder.startSpan(), null);
    }

    @Override
    public Span backgroundWork(String work) {
        return new Open(
                tracer.spanBuilder(OpenTelemetryTracing.WORK_SPAN_PREFIX + work)
                        .setSpanKind(SpanKind.INTERNAL)
                        .setAttribute(WORK, work)
                        .startSpan(),
                null);
    }

    @Override
    public void eventFailed(String eventId, Throwable failure) {
        io.opentelemetry.api.trace.Span current = io.opentelemetry.api.trace.Span.current();
        current.recordException(failure, Attributes.of(EVENT_ID, eventId));
        current.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }

    @Override
    public Executor propagating(Executor executor) {
        return Context.current().wrap(executor);
    }

    /** One span, current on its thread until closed; a receipt's (with {@code links}) is remembered by event id. */
    private static final class Open implements Span {
        private final io.opentelemetry.api.trace.Span span;
        private final Scope scope;
        private final ReceiptLinks links;

        Open(io.opentelemetry.api.trace.Span span, ReceiptLinks links) {
            this.span = span;
            this.scope = span.makeCurrent();
            this.links = links;
        }

        @Override
        public void event(String eventId, String eventType) {
            span.setAttribute(EVENT_ID, eventId);
            span.setAttribute(EVENT_TYPE, eventType);
            if (links != null) {
                links.remember(eventId, span.getSpanContext());
            }
        }

        @Override
        public void failed(Throwable failure) {
            span.recordException(failure);
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }
}

package dev.billing.http;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;

/**
 * A server span per request, named by its route template ({@code POST /webhooks/stripe}), continuing the caller's
 * trace from a W3C {@code traceparent} header. Started when the route is known, current while it runs (so the
 * core's spans and the Stripe and store calls nest under it), ended with the access line, once the status is known.
 * Without an SDK in the host every span is a no-op.
 */
final class RequestSpans {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("billing.request_id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final String ATTRIBUTE = "billing.span";

    private static final TextMapGetter<Exchange> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Exchange carrier) {
            return List.of(); // the W3C propagator asks for its headers by name
        }

        @Override
        public String get(Exchange carrier, String key) {
            return carrier == null ? null : carrier.header(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean tracing;

    RequestSpans(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.billing.http");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        // Nothing at all per request when nothing traces: not even the exchange attribute.
        this.tracing = openTelemetry != OpenTelemetry.noop();
    }

    /** Starts the request's span and makes it current on this thread until the scope is closed. */
    Scope start(Exchange exchange, String template) {
        if (!tracing) {
            return Scope.noop();
        }
        Context parent = propagator.extract(Context.root(), exchange, HEADERS);
        Span span = tracer.spanBuilder(exchange.method() + " " + template)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, exchange.method())
                .setAttribute(ROUTE, template)
                .setAttribute(PATH, exchange.path())
                .startSpan();
        exchange.attribute(ATTRIBUTE, span);
        return span.makeCurrent();
    }

    /** An unexpected failure (an answer of 500), recorded on the request's span. */
    static void failed(Exchange exchange, Throwable failure) {
        if (!(failure instanceof ApiException) && exchange.attribute(ATTRIBUTE) instanceof Span span) {
            span.recordException(failure);
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
        }
    }

    /** Ends the request's span with its status and request id; nothing when it had none. */
    static void end(Exchange exchange, int status, String requestId) {
        if (exchange.attribute(ATTRIBUTE) instanceof Span span) {
            exchange.attribute(ATTRIBUTE, null);
            span.setAttribute(STATUS, (long) status);
            if (requestId != null) {
                span.setAttribute(REQUEST_ID, requestId);
            }
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
            }
            span.end();
        }
    }
}

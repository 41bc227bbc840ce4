package dev.billing.core.port;

import dev.billing.core.model.event.StripeEvent;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Opens spans around the core's own work, e.g. to trace it with OpenTelemetry: a webhook's receipt, its later
 * processing (alone or in a batch) and the background runs. A span is current on the thread that opened it until it
 * is closed, so the calls made meanwhile (the gateway, the stores, decorated by the host) nest under it. Keep it
 * quick and never throw.
 *
 * <p>Usage: {@code Billing.builder()...tracer(OpenTelemetryTracing.create(openTelemetry).tracer())}
 */
public interface WorkTracer {

    /** Traces nothing. */
    WorkTracer NONE = new WorkTracer() {};

    /** One piece of work under way; closed once on the thread that opened it. */
    interface Span extends AutoCloseable {
        /** A span that records nothing. */
        Span NONE = new Span() {};

        /**
         * The work is about this Stripe event. Told by a receipt once its delivery is verified, before the event is
         * handed to processing, so the processing span can be linked to it.
         */
        default void event(String eventId, String eventType) {}

        /** The work failed (it may still be retried later). */
        default void failed(Throwable failure) {}

        @Override
        default void close() {}
    }

    /** A Stripe webhook delivery being verified and recorded (and perhaps processed inside the same call). */
    default Span webhookReceipt() {
        return Span.NONE;
    }

    /** Inbox events being processed together (one, or a batch), on the thread that applies them. */
    default Span eventProcessing(List<StripeEvent> events) {
        return Span.NONE;
    }

    /** One run of the rarer background work: {@code retention} or {@code align-seats}. */
    default Span backgroundWork(String work) {
        return Span.NONE;
    }

    /**
     * One event of the work under way failed (recorded on it, retried later): told on the thread that applied it,
     * which may be a pool thread of a batch.
     */
    default void eventFailed(String eventId, Throwable failure) {}

    /** {@code executor}, running its tasks under the span current when they were submitted. */
    default Executor propagating(Executor executor) {
        return executor;
    }
}

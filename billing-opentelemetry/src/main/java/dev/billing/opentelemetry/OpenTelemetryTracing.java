package dev.billing.opentelemetry;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.SubscriptionStore;
import dev.billing.core.port.UsageLedger;
import dev.billing.core.port.WorkTracer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.Objects;

/**
 * The core's traces on the OpenTelemetry API: a {@link WorkTracer} for the core (webhook receipt, its processing
 * linked to it, the rarer background runs) and decorators that give every Stripe call and every call to the
 * webhook path's stores a span under whatever span is current. The API only: a host without an SDK gets no-op spans.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * OpenTelemetryTracing tracing = OpenTelemetryTracing.create(openTelemetry);
 * Billing billing = Billing.builder()
 *         .gateway(tracing.gateway(stripe))
 *         .stores(tracing.stores(stores))
 *         .tracer(tracing.tracer())
 *         ...
 * }</pre>
 */
public final class OpenTelemetryTracing {
    /** The instrumentation scope of every span here. */
    public static final String SCOPE = "dev.billing";
    /** A Stripe webhook delivery verified and recorded. */
    public static final String RECEIPT_SPAN = "billing.webhook.receive";
    /** Inbox events processed (one, or a batch), linked to their receipts' spans. */
    public static final String PROCESSING_SPAN = "billing.webhook.process";
    /** Prefix of a background run's span name ({@code billing.work retention}). */
    public static final String WORK_SPAN_PREFIX = "billing.work ";
    /** Prefix of a Stripe call's span name ({@code stripe getSubscription}). */
    public static final String STRIPE_SPAN_PREFIX = "stripe ";
    /** Prefix of a store call's span name ({@code store EventInbox.recordLeased}). */
    public static final String STORE_SPAN_PREFIX = "store ";

    public static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("billing.event.id");
    public static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("billing.event.type");
    public static final AttributeKey<List<String>> EVENT_IDS = AttributeKey.stringArrayKey("billing.event.ids");
    public static final AttributeKey<Long> EVENT_COUNT = AttributeKey.longKey("billing.event.count");
    public static final AttributeKey<String> WORK = AttributeKey.stringKey("billing.work");
    public static final AttributeKey<String> STRIPE_OPERATION = AttributeKey.stringKey("billing.stripe.operation");
    public static final AttributeKey<String> STORE_OPERATION = AttributeKey.stringKey("billing.store.operation");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;
    private final WorkTracer work;

    private OpenTelemetryTracing(Tracer tracer, int links) {
        this.tracer = tracer;
        this.work = new SpanWorkTracer(tracer, new ReceiptLinks(links));
    }

    /** Traces on {@code openTelemetry}'s tracer, remembering the receipts of the last 10,000 events to link to. */
    public static OpenTelemetryTracing create(OpenTelemetry openTelemetry) {
        return create(openTelemetry, ReceiptLinks.DEFAULT_CAPACITY);
    }

    /**
     * @param links how many receipts' span contexts are kept in memory for their processing to link to: an event
     *              processed after more than this many later receipts (or after a restart) gets no link
     */
    public static OpenTelemetryTracing create(OpenTelemetry openTelemetry, int links) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        if (links < 1) {
            throw new IllegalArgumentException("links must be at least 1, was " + links);
        }
        return new OpenTelemetryTracing(openTelemetry.getTracer(SCOPE), links);
    }

    /** The tracer to hand to {@code Billing.builder().tracer(..)}. */
    public WorkTracer tracer() {
        return work;
    }

    /** {@code gateway}, each call a client span {@code stripe <method>} under the current span (none without one). */
    public PaymentGateway gateway(PaymentGateway gateway) {
        return TracedCalls.wrap(PaymentGateway.class, gateway, tracer, STRIPE_SPAN_PREFIX, STRIPE_OPERATION, false);
    }

    /**
     * {@code stores} with the customer, subscription, inbox and usage stores decorated: each call a client span
     * {@code store <Port>.<method>} under the current span (none without one, so the polls of idle background work
     * start no traces). The other stores are handed on as they are.
     */
    public BillingStores stores(BillingStores stores) {
        return new BillingStores(
                store(CustomerStore.class, stores.customers()),
                store(SubscriptionStore.class, stores.subscriptions()),
                store(EventInbox.class, stores.inbox()),
                store(UsageLedger.class, stores.usage()),
                stores.changes(),
                stores.lifecycle(),
                stores.memberships(),
                stores.guests(),
                stores.audit(),
                stores.analytics(),
                stores.notices(),
                stores.serviceKeys());
    }

    private <T> T store(Class<T> port, T delegate) {
        return TracedCalls.wrap(port, delegate, tracer, STORE_SPAN_PREFIX, STORE_OPERATION, true);
    }
}

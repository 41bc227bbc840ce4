package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.usecase.WebhookReceipt;
import dev.billing.http.wire.Responses;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.Executor;

/**
 * {@code POST /webhooks/stripe}: the raw bytes and {@code Stripe-Signature} go to the core, which verifies before
 * touching any store (a rejection is 400 and stores nothing) and answers once the event is durable. With an executor
 * the event is processed on it right after the answer; without one, inside the request.
 */
final class WebhookHandlers {
    static final String SIGNATURE = "Stripe-Signature";
    static final String METRIC = "billing.webhook.deliveries";

    private final Billing billing;
    private final MeterRegistry registry;
    private final Executor processing;

    WebhookHandlers(Billing billing, MeterRegistry registry, Executor processing) {
        this.billing = billing;
        this.registry = registry;
        this.processing = processing;
    }

    Object receive(Call call) {
        byte[] payload = call.rawBody();
        WebhookReceipt receipt;
        try {
            receipt = processing == null ? billing.receiveWebhook(payload, call.header(SIGNATURE))
                    : billing.receiveWebhook(payload, call.header(SIGNATURE), processing);
        } catch (WebhookRejectedException e) {
            registry.counter(METRIC, "outcome", "rejected").increment();
            throw e;
        }
        registry.counter(METRIC, "outcome", receipt.duplicate() ? "duplicate" : "recorded").increment();
        return new Responses.WebhookReceived(true, receipt.duplicate());
    }
}

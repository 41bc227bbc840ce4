package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.usecase.WebhookReceipt;
import dev.billing.http.wire.Responses;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code POST /webhooks/stripe}: the raw bytes and {@code Stripe-Signature} go to the core, which verifies before
 * touching any store (a rejection is 400 and stores nothing) and answers once the event is durable. A started
 * {@link Billing} processes the event on its own threads right after the answer; one not started, inside the request.
 * {@code POST /webhooks/clerk} (membership sync on) does the same for Clerk's deliveries and their Svix headers,
 * processing each inside the request.
 */
final class WebhookHandlers {
    static final String SIGNATURE = "Stripe-Signature";
    static final String METRIC = "billing.webhook.deliveries";
    static final String CLERK_METRIC = "billing.clerk.webhook.deliveries";

    private final Billing billing;
    private final MeterRegistry registry;

    WebhookHandlers(Billing billing, MeterRegistry registry) {
        this.billing = billing;
        this.registry = registry;
    }

    Object receive(Call call) {
        byte[] payload = call.rawBody();
        WebhookReceipt receipt;
        try {
            receipt = billing.receiveWebhook(payload, call.header(SIGNATURE));
        } catch (WebhookRejectedException e) {
            registry.counter(METRIC, "outcome", "rejected").increment();
            throw e;
        }
        registry.counter(METRIC, "outcome", receipt.duplicate() ? "duplicate" : "recorded").increment();
        return new Responses.WebhookReceived(true, receipt.duplicate());
    }

    /** Whether membership sync is on, so Clerk's deliveries have a route. */
    boolean receivesClerk() {
        return billing.useCases().receiveMembershipWebhook().isPresent();
    }

    Object receiveClerk(Call call) {
        byte[] payload = call.rawBody();
        WebhookReceipt receipt;
        try {
            receipt = billing.receiveClerkWebhook(call.header("svix-id"), call.header("svix-timestamp"),
                    call.header("svix-signature"), payload);
        } catch (WebhookRejectedException e) {
            registry.counter(CLERK_METRIC, "outcome", "rejected").increment();
            throw e;
        }
        registry.counter(CLERK_METRIC, "outcome", receipt.duplicate() ? "duplicate" : "recorded").increment();
        return new Responses.WebhookReceived(true, receipt.duplicate());
    }
}

package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.webhook.WebhookReceipt;
import dev.billing.http.wire.Responses;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code POST /webhooks/stripe}: the raw bytes and {@code Stripe-Signature} go to the core, which verifies before
 * touching any store (a rejection is 400 and stores nothing) and answers once the event is durable. A started
 * {@link Billing} processes the event on its own threads right after the answer; one not started, inside the request.
 * {@code POST /webhooks/clerk} (membership sync on) does the same for Clerk's deliveries and their Svix headers,
 * processing each inside the request; its refusals say what is wrong in Clerk's terms (the {@code svix-*} headers,
 * a Clerk event), with the same code {@code invalid_webhook}.
 */
final class WebhookHandlers {
    static final String SIGNATURE = "Stripe-Signature";
    static final String METRIC = "billing.webhook.deliveries";
    static final String CLERK_METRIC = "billing.clerk.webhook.deliveries";
    private static final System.Logger LOG = System.getLogger(WebhookHandlers.class.getName());

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
        registry.counter(METRIC, "outcome", receipt.duplicate() ? "duplicate" : "recorded")
                .increment();
        return new Responses.WebhookReceived(true, receipt.duplicate());
    }

    /** Whether membership sync is on, so Clerk's deliveries have a route. */
    boolean receivesClerk() {
        return billing.useCases().receiveMembershipWebhook().isPresent();
    }

    /** What is wrong with a Clerk delivery, for the people setting up its endpoint. */
    private static String clerkMessage(WebhookRejectedException.Reason reason) {
        return switch (reason) {
            case MISSING_SIGNATURE -> "A Clerk webhook needs the svix-id, svix-timestamp and svix-signature headers.";
            case MALFORMED_SIGNATURE -> "The svix-id, svix-timestamp or svix-signature header is malformed.";
            case NO_MATCHING_SIGNATURE -> "No svix-signature matches the payload under the Clerk webhook secret.";
            case TIMESTAMP_TOO_OLD -> "The svix-timestamp is more than five minutes old.";
            case TIMESTAMP_IN_FUTURE -> "The svix-timestamp is more than five minutes in the future.";
            case MALFORMED_PAYLOAD ->
                "The payload is not a Clerk event: not one JSON object with each key once, or "
                        + "a membership event without Clerk's organization (org_...), user (user_...) and membership "
                        + "(orgmem_...) ids.";
            case UNSUPPORTED_EVENT -> "The Clerk event is not supported.";
        };
    }

    Object receiveClerk(Call call) {
        byte[] payload = call.rawBody();
        WebhookReceipt receipt;
        try {
            receipt = billing.receiveClerkWebhook(
                    call.header("svix-id"), call.header("svix-timestamp"), call.header("svix-signature"), payload);
        } catch (WebhookRejectedException e) {
            registry.counter(CLERK_METRIC, "outcome", "rejected").increment();
            LOG.log(System.Logger.Level.INFO, "Clerk webhook rejected: {0}", e.reason());
            throw ApiException.of(400, e.code(), clerkMessage(e.reason()));
        }
        registry.counter(CLERK_METRIC, "outcome", receipt.duplicate() ? "duplicate" : "recorded")
                .increment();
        return new Responses.WebhookReceived(true, receipt.duplicate());
    }
}

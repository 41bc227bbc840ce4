package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.webhook.StripeSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Local mode started in-process (embedded Postgres, the Stripe emulator through stripe-java, real signed webhooks,
 * real RS256 tokens) plus the steps the end-to-end tests repeat: tokens, checkout through the emulator, usage,
 * signed webhooks, waiting for the inbox to settle.
 */
final class LocalFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** How long a condition may take before the test calls it a hang (a loaded machine is slow, not wrong). */
    static final Duration PATIENCE = dev.billing.testkit.Await.DEFAULT;

    final LocalMode local;
    final Http http;
    final StripeEmulator emulator;

    private LocalFixture(LocalMode local) {
        this.local = local;
        this.http = Http.local(local.port());
        this.emulator = local.emulator();
    }

    static LocalFixture start(Path dir, Map<String, String> env) {
        return new LocalFixture(startLocal(new LocalMode.Options(dir, 0, 0, env)));
    }

    /** Local mode on a free port, started again when another process took it ({@link PortRetry}). */
    static LocalMode startLocal(LocalMode.Options options) {
        return PortRetry.start(() -> LocalMode.start(options, "test"));
    }

    /** stripe-java on the emulator's API, as an operator's Dashboard or script would change Stripe. */
    StripeClient stripe() {
        return StripeClient.builder()
                .setApiKey(emulator.apiKey())
                .setApiBase(emulator.baseUrl())
                .build();
    }

    BillingStores stores() {
        return local.server().billing().stores();
    }

    String token(String user) {
        return LocalModeIT.token(http, user);
    }

    String customer(String token) {
        Http.Response r = http.post("/stripe/customer", token, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("customerId").asText();
    }

    /** Checkout for a plan, paid in the emulator; returns the subscription id once the API shows the tier. */
    String subscribe(String token, String tier, String interval) {
        Http.Response checkout =
                http.post("/stripe/checkout", token, "{\"tier\":\"" + tier + "\",\"interval\":\"" + interval + "\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        String subscription = emulator.completeCheckoutSession(
                        checkout.json().path("sessionId").asText())
                .subscriptionId();
        await(
                "/me/entitlements",
                token,
                m -> m.path("tier").asText().equals(tier)
                        && m.path("subscriptionId").asText().equals(subscription));
        return subscription;
    }

    JsonNode entitlements(String token) {
        Http.Response r = http.get("/me/entitlements", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode quota(JsonNode entitlementsOrUsage, String meter) {
        for (JsonNode quota : entitlementsOrUsage.path("quotas")) {
            if (quota.path("meter").asText().equals(meter)) {
                return quota;
            }
        }
        throw new AssertionError("no quota for " + meter + " in " + entitlementsOrUsage);
    }

    Http.Response usage(String token, String meter, String amountJson, String key) {
        String body = amountJson == null
                ? "{\"meter\":\"" + meter + "\"}"
                : "{\"meter\":\"" + meter + "\",\"amount\":" + amountJson + "}";
        return http.post("/usage", token, body, key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    JsonNode await(String path, String token, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = http.get(path, token).json();
            if (condition.test(last)) {
                return last;
            }
            pause(50);
        }
        throw new AssertionError("condition not met for " + path + ": " + last);
    }

    /** Waits until the emulator has delivered everything and the inbox has nothing pending. */
    void awaitIdle() {
        assertThat(emulator.awaitDeliveries(PATIENCE))
                .as("webhook deliveries settle")
                .isTrue();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (stores().inbox().countByStatus().getOrDefault(InboxStatus.PENDING, 0L) == 0) {
                return;
            }
            pause(50);
        }
        throw new AssertionError(
                "inbox still has pending events: " + stores().inbox().countByStatus());
    }

    /** Waits until {@code condition} holds, checking every 50 ms. */
    static void eventually(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE + ": " + what);
            }
            pause(50);
        }
    }

    /**
     * Delivers an event to {@code /webhooks/stripe}, signed as the emulator signs this run's webhooks, and waits for
     * the server's processing after the answer (until the event holds no lease: done, or failed and due again).
     */
    Http.Response deliverSigned(String eventJson) {
        Http.Response answer = deliverSignedNoWait(eventJson);
        if (answer.status() == 200) {
            String eventId;
            try {
                eventId = JSON.readTree(eventJson).path("id").asText();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("not JSON: " + eventJson, e);
            }
            eventually(
                    "event " + eventId + " processed after the answer",
                    () -> stores().inbox()
                            .find(eventId)
                            .map(entry -> entry.leaseOwner() == null)
                            .orElse(true));
        }
        return answer;
    }

    /** The same without waiting for the processing that follows the answer. */
    Http.Response deliverSignedNoWait(String eventJson) {
        byte[] body = eventJson.getBytes(StandardCharsets.UTF_8);
        String signature = StripeSignature.header(local.webhookSecret(), emulator.now(), body);
        return http.send(http.request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /**
     * A {@code customer.subscription.updated} event for a subscription the emulator does not know (so the server's
     * re-fetch finds nothing and keeps the event's snapshot), in the shape Stripe sends.
     */
    static String subscriptionEvent(
            String eventId,
            Instant created,
            String subscriptionId,
            String customer,
            String status,
            String priceId,
            Instant periodStart,
            Instant periodEnd) {
        long start = periodStart.getEpochSecond();
        long end = periodEnd.getEpochSecond();
        return """
                {"id":"%s","object":"event","type":"customer.subscription.updated","created":%d,"livemode":false,
                 "api_version":"2026-07-29.dahlia","pending_webhooks":1,"request":{"id":null,"idempotency_key":null},
                 "data":{"object":{"id":"%s","object":"subscription","customer":"%s","status":"%s",
                   "cancel_at_period_end":false,"cancel_at":null,"canceled_at":null,"ended_at":null,
                   "trial_start":null,"trial_end":null,"created":%d,"start_date":%d,"metadata":{},"livemode":false,
                   "items":{"object":"list","data":[{"id":"si_%s","object":"subscription_item","quantity":1,
                     "current_period_start":%d,"current_period_end":%d,
                     "price":{"id":"%s","object":"price","type":"recurring","currency":"usd","unit_amount":2900,
                       "recurring":{"interval":"month","interval_count":1,"usage_type":"licensed"}}}],
                     "has_more":false,"total_count":1}}}}
                """.formatted(
                        eventId,
                        created.getEpochSecond(),
                        subscriptionId,
                        customer,
                        status,
                        start - 86_400,
                        start - 86_400,
                        subscriptionId.substring(4),
                        start,
                        end,
                        priceId);
    }

    /** Requests the emulator received since the last {@link StripeEmulator#clearRequestLog()} on a path prefix. */
    List<RecordedRequest> requests(String method, String pathPrefix) {
        return emulator.requestLog().stream()
                .filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix))
                .toList();
    }

    JsonNode stripeObject(String id) {
        try {
            return JSON.readTree(emulator.objectJson(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        local.close();
    }
}

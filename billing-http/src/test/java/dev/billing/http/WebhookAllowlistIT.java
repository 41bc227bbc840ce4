package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.config.IpRanges;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.testkit.Builders;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.http.Http;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Stripe webhook allowlist over HTTP: a correctly signed delivery from an address Stripe does not send from is a
 * 403 that stores nothing (decided before the body is read), and behind a trusted proxy the forwarded address
 * decides, while a forwarded address from a connection that is no trusted proxy is not believed. The tests connect
 * from 127.0.0.1.
 */
class WebhookAllowlistIT {
    static final String STRIPE = "3.18.12.63";
    static final String ELSEWHERE = "203.0.113.9";

    TestApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    void start(UnaryOperator<ApiSettings.Builder> settings) {
        api = TestApi.start(s -> settings.apply(s.stripeWebhookSources(StripeWebhookSources.published())));
    }

    Http.Response deliver(StripeEvent event, String forwardedFor) {
        FakeWebhookVerifier.Delivery d =
                api.harness.verifier().sign(event, new EventObject.Other(event.objectType(), event.objectId()));
        HttpRequest.Builder b = api.http
                .request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", d.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()));
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        return api.http.send(b);
    }

    long stored() {
        return api.harness.stores().inbox().countByStatus().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    @Test
    void aSignedDeliveryFromANonStripeAddressIs403AndStoresNothing() {
        start(UnaryOperator.identity());
        StripeEvent event = Builders.anEvent().build();
        Http.Response refused = deliver(event, null);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("address_not_allowed");
        assertThat(stored()).isZero();
        assertThat(api.harness.stores().inbox().find(event.id())).isEmpty();
    }

    @Test
    void forwardedForFromAConnectionThatIsNoTrustedProxyIsNotBelieved() {
        start(s -> s.trustedProxies(List.of("10.0.0.0/8")));
        Http.Response refused = deliver(Builders.anEvent().build(), STRIPE);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(stored()).isZero();
    }

    @Test
    void behindATrustedProxyTheForwardedAddressDecides() {
        start(s -> s.trustedProxies(List.of("127.0.0.1", "10.0.0.0/8")));
        StripeEvent fromStripe = Builders.anEvent().build();
        Http.Response accepted = deliver(fromStripe, "198.51.100.1, " + STRIPE + ", 10.1.2.3");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(api.harness.stores().inbox().find(fromStripe.id())).isPresent();

        StripeEvent spoofed = Builders.anEvent().build();
        // The client wrote Stripe's address itself; the proxy appended the address it really saw.
        Http.Response refused = deliver(spoofed, STRIPE + ", " + ELSEWHERE);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("address_not_allowed");
        assertThat(api.harness.stores().inbox().find(spoofed.id())).isEmpty();
    }

    @Test
    void anOverrideListReplacesStripesAndTheAllowlistIsOffByDefault() {
        api = TestApi.start(s -> s.stripeWebhookSources(IpRanges.parse(List.of("127.0.0.0/8"))));
        assertThat(deliver(Builders.anEvent().build(), null).status()).isEqualTo(200);
        api.close();
        assertThat(ApiSettings.builder().build().stripeWebhookAllowlist()).isFalse();
        api = TestApi.start();
        assertThat(deliver(Builders.anEvent().build(), null).status()).isEqualTo(200);
    }

    @Test
    void theShippedListIsStripesPublishedOne() {
        IpRanges published = StripeWebhookSources.published();
        assertThat(published.entries())
                .contains(
                        "3.18.12.63",
                        "3.130.192.231",
                        "13.235.14.237",
                        "13.235.122.149",
                        "18.211.135.69",
                        "35.154.171.200",
                        "52.15.183.38",
                        "54.88.130.119",
                        "54.88.130.237",
                        "54.187.174.169",
                        "54.187.205.235",
                        "54.187.216.72");
        assertThat(published.contains("127.0.0.1")).isFalse();
    }
}

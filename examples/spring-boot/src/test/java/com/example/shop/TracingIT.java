package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.Await;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.webhook.StripeSignature;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Billing in the shop's own tracing (docs/SPRING_BOOT.md, "Tracing"): with Spring Boot's tracing over OpenTelemetry
 * and {@code billing-opentelemetry} on the class path, a signed webhook's receipt is a span in the trace of the
 * server span Spring's own observation opens for the request (under Spring Security's spans), that server span names
 * billing's route, and the event's processing is a trace of its own linked to the receipt. The same class runs on
 * Spring Boot 4 here and on 3.5 in examples/spring-boot-3.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.tracing.sampling.probability=1.0",
            // Spans exported every 100 ms instead of 5 s (Boot 4's name, then 3.5's).
            "management.opentelemetry.tracing.export.schedule-delay=100ms",
            "management.tracing.opentelemetry.export.schedule-delay=100ms"
        })
class TracingIT {
    @LocalServerPort
    int port;

    @Autowired
    InMemorySpanExporter spans;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ShopFixture.properties(registry);
    }

    /** The spans kept in memory instead of sent anywhere: Spring Boot hands every exporter bean its spans. */
    @TestConfiguration
    static class Spans {
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    @Test
    void aWebhooksReceiptIsASpanUnderSpringsServerSpan() {
        String body = "{\"id\":\"evt_traced_link\",\"object\":\"event\",\"type\":\"customer.created\",\"created\":"
                + Instant.now().getEpochSecond()
                + ",\"livemode\":false,\"api_version\":\"2026-07-29.dahlia\",\"data\":{\"object\":{\"id\":"
                + "\"cus_traced\",\"object\":\"customer\",\"metadata\":{\"user_id\":\"user_traced\"}}}}";
        Http.Response delivered = Http.local(port)
                .post(
                        "/webhooks/stripe",
                        null,
                        body,
                        Map.of(
                                "Stripe-Signature",
                                StripeSignature.header(ShopFixture.WEBHOOK_SECRET, Instant.now(), body)));
        assertThat(delivered.status()).as(delivered.body()).isEqualTo(200);

        Await.until(
                "the receipt's and the processing's spans are exported",
                Duration.ofSeconds(30),
                () -> named("billing.webhook.receive").isPresent()
                        && named("billing.webhook.process").isPresent()
                        && root(named("billing.webhook.receive").get()).isPresent());
        SpanData receipt = named("billing.webhook.receive").orElseThrow();
        assertThat(receipt.getAttributes().asMap().toString()).contains("evt_traced_link");
        SpanData server = root(receipt).orElseThrow();
        assertThat(server.getKind()).as(tree()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getName())
                .as("Spring's server span names billing's route")
                .isEqualTo("http post /webhooks/stripe");
        assertThat(all())
                .as("billing's routes open no server span of their own beside Spring's")
                .filteredOn(s -> s.getKind() == SpanKind.SERVER
                        && s.getSpanContext()
                                .getTraceId()
                                .equals(receipt.getSpanContext().getTraceId()))
                .containsExactly(server);

        // The event is processed after the answer, in a trace of its own linked to its receipt, and the store calls
        // made for it are spans under that.
        SpanData processing = named("billing.webhook.process").orElseThrow();
        assertThat(processing.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(processing.getLinks())
                .anySatisfy(link -> assertThat(link.getSpanContext()).isEqualTo(receipt.getSpanContext()));
        assertThat(all()).as(tree()).anySatisfy(s -> {
            assertThat(s.getName()).startsWith("store ");
            assertThat(s.getParentSpanId()).isEqualTo(processing.getSpanId());
        });
    }

    private String tree() {
        StringBuilder b = new StringBuilder();
        for (SpanData s : all()) {
            b.append(s.getName())
                    .append(' ')
                    .append(s.getKind())
                    .append(' ')
                    .append(s.getSpanId())
                    .append(" <- ")
                    .append(s.getParentSpanId())
                    .append(' ')
                    .append(s.getAttributes().asMap())
                    .append(' ')
                    .append(s.getLinks())
                    .append('\n');
        }
        return b.toString();
    }

    private List<SpanData> all() {
        return spans.getFinishedSpanItems();
    }

    private Optional<SpanData> named(String name) {
        return all().stream().filter(s -> s.getName().equals(name)).findFirst();
    }

    /** The span at the root of {@code span}'s trace, once every span up to it is exported. */
    private Optional<SpanData> root(SpanData span) {
        SpanData at = span;
        while (at.getParentSpanContext().isValid()) {
            String parent = at.getParentSpanId();
            Optional<SpanData> up =
                    all().stream().filter(s -> s.getSpanId().equals(parent)).findFirst();
            if (up.isEmpty()) {
                return Optional.empty();
            }
            at = up.get();
        }
        return Optional.of(at);
    }
}

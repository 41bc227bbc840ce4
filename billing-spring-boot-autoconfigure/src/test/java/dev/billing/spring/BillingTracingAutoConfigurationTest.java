package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.WorkTracer;
import dev.billing.opentelemetry.OpenTelemetryTracing;
import dev.billing.testkit.Await;
import dev.billing.testkit.webhook.StripeSignature;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter joins the application's tracing: with an {@link OpenTelemetry} bean a webhook's receipt and its
 * processing are spans of it, linked; without one nothing is decorated.
 */
class BillingTracingAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(BillingAutoConfiguration.class, BillingTracingAutoConfiguration.class))
            .withUserConfiguration(BillingAutoConfigurationTest.MemoryStores.class)
            .withPropertyValues(
                    "billing.stripe.secret-key=sk_test_123",
                    "billing.stripe.webhook-secrets=whsec_abc",
                    "billing.clerk.issuer=https://clerk.example.com",
                    "billing.clerk.jwt-key=" + BillingAutoConfigurationTest.PEM.replace("\n", "\\n"),
                    "billing.allowed-origins=https://app.example.com");

    @Configuration(proxyBeanMethods = false)
    static class Tracing {
        @Bean
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }

        @Bean(destroyMethod = "close")
        OpenTelemetrySdk openTelemetry(InMemorySpanExporter exporter) {
            return OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                            .build())
                    .build();
        }
    }

    private static byte[] event(String id) {
        return ("{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"customer.updated\",\"created\":"
                        + Instant.now().getEpochSecond() + ",\"livemode\":false,\"api_version\":\"2026-07-29.dahlia\","
                        + "\"data\":{\"object\":{\"id\":\"cus_x\",\"object\":\"customer\",\"metadata\":{}}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void withTheApplicationsOpenTelemetryAWebhooksReceiptAndProcessingAreLinkedSpans() {
        runner.withUserConfiguration(Tracing.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(WorkTracer.class);
            assertThat(Proxy.isProxyClass(context.getBean(PaymentGateway.class).getClass()))
                    .isTrue();
            Billing billing = context.getBean(Billing.class);
            byte[] body = event("evt_spring_traced");
            billing.receiveWebhook(body, StripeSignature.header("whsec_abc", Instant.now(), body));
            Await.until(
                    "the event is processed",
                    () -> billing.stores()
                            .inbox()
                            .find("evt_spring_traced")
                            .map(e -> e.status())
                            .equals(Optional.of(InboxStatus.PROCESSED)));
            InMemorySpanExporter exporter = context.getBean(InMemorySpanExporter.class);
            Await.until(
                    "the processing span ends",
                    () -> exporter.getFinishedSpanItems().stream()
                            .anyMatch(s -> s.getName().equals(OpenTelemetryTracing.PROCESSING_SPAN)));
            SpanData receipt = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals(OpenTelemetryTracing.RECEIPT_SPAN))
                    .findFirst()
                    .orElseThrow();
            assertThat(receipt.getAttributes().get(OpenTelemetryTracing.EVENT_ID))
                    .isEqualTo("evt_spring_traced");
            SpanData processing = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals(OpenTelemetryTracing.PROCESSING_SPAN))
                    .findFirst()
                    .orElseThrow();
            assertThat(processing.getLinks())
                    .singleElement()
                    .satisfies(link -> assertThat(link.getSpanContext()).isEqualTo(receipt.getSpanContext()));
            assertThat(exporter.getFinishedSpanItems())
                    .extracting(SpanData::getName)
                    .contains("store EventInbox.recordLeased");
        });
    }

    @Test
    void withoutAnOpenTelemetryBeanNothingIsDecorated() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(WorkTracer.class);
            assertThat(Proxy.isProxyClass(context.getBean(PaymentGateway.class).getClass()))
                    .isFalse();
            assertThat(Proxy.isProxyClass(
                            context.getBean(BillingStores.class).inbox().getClass()))
                    .isFalse();
        });
    }

    @Test
    void theApplicationsOwnStoresAreDecoratedToo() {
        runner.withUserConfiguration(Tracing.class).run(context -> {
            BillingStores stores = context.getBean(BillingStores.class);
            assertThat(Proxy.isProxyClass(stores.inbox().getClass())).isTrue();
            assertThat(Proxy.isProxyClass(stores.customers().getClass())).isTrue();
        });
    }
}

package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the server starts the OpenTelemetry SDK, and with which properties. */
class TracingSettingsTest {

    @Test
    void offWithoutAnyVariableAndThenNothingIsStarted() {
        TracingSettings settings = TracingSettings.from(Map.of());
        assertThat(settings.requested()).isFalse();
        assertThat(settings.properties()).containsEntry("otel.sdk.disabled", "true");
        try (TracingSettings.Tracing tracing = settings.open()) {
            assertThat(tracing.openTelemetry()).isSameAs(OpenTelemetry.noop());
            assertThat(tracing.sdk()).isNull();
        }
    }

    @Test
    void onWhenAnEndpointOrExporterIsNamed() {
        assertThat(TracingSettings.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))
                        .requested())
                .isTrue();
        assertThat(TracingSettings.from(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"))
                        .requested())
                .isTrue();
        assertThat(TracingSettings.from(Map.of("OTEL_TRACES_EXPORTER", "otlp")).requested())
                .isTrue();
        assertThat(TracingSettings.from(Map.of("OTEL_SDK_DISABLED", "false")).requested())
                .isTrue();
    }

    @Test
    void anExplicitDisabledWinsOverANamedEndpoint() {
        TracingSettings settings = TracingSettings.from(
                Map.of("OTEL_SDK_DISABLED", "true", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"));
        assertThat(settings.requested()).isFalse();
        assertThat(settings.properties()).containsEntry("otel.sdk.disabled", "true");
    }

    @Test
    void theVariablesBecomeTheSdksPropertiesOverTheServersDefaults() {
        TracingSettings settings = TracingSettings.from(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_SERVICE_NAME", "billing-eu",
                "PATH", "/usr/bin"));
        assertThat(settings.properties())
                .containsEntry("otel.exporter.otlp.endpoint", "http://collector:4318")
                .containsEntry("otel.service.name", "billing-eu")
                .containsEntry("otel.metrics.exporter", "none")
                .containsEntry("otel.logs.exporter", "none")
                .containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
                .containsEntry("otel.sdk.disabled", "false")
                .doesNotContainKey("path");
    }

    @Test
    void theOtlpExporterFindsItsHttpSender() {
        // The exporter is built at start; without a sender on the class path (OkHttp is left out) it would throw.
        TracingSettings settings = TracingSettings.from(
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", "OTEL_BSP_SCHEDULE_DELAY", "60000"));
        try (TracingSettings.Tracing tracing = settings.open()) {
            assertThat(tracing.sdk()).isNotNull();
            assertThat(tracing.sdk().getSdkTracerProvider().toString()).contains("OtlpHttpSpanExporter");
        }
    }

    @Test
    void itsTextNamesTheVariablesButNeverTheirValues() {
        TracingSettings settings = TracingSettings.from(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=secret123"));
        assertThat(settings.toString()).contains("otel.exporter.otlp.headers").doesNotContain("secret123");
    }

    @Test
    void anSdkStartedFromTheVariablesIsClosedWithTheServer() {
        TracingSettings settings = TracingSettings.from(Map.of("OTEL_TRACES_EXPORTER", "none"));
        try (TracingSettings.Tracing tracing = settings.open()) {
            assertThat(tracing.sdk()).isNotNull();
            assertThat(tracing.openTelemetry()).isSameAs(tracing.sdk());
        }
    }
}

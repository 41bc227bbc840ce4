package dev.billing.server;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Whether and how the server traces (docs/OPERATIONS.md, Traces): OpenTelemetry's own {@code OTEL_*} variables,
 * read by its SDK autoconfiguration. Off unless asked for, so a server nobody collects traces from exports nothing
 * and logs no failed exports: on when {@code OTEL_SDK_DISABLED=false}, or when an exporter or endpoint is named
 * ({@code OTEL_TRACES_EXPORTER}, {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT})
 * and {@code OTEL_SDK_DISABLED} is not {@code true}. Only traces are exported: the metrics stay on {@code /metrics}.
 *
 * <p>Usage: {@code TracingSettings.Tracing tracing = TracingSettings.from(env).open();}
 */
record TracingSettings(boolean requested, Map<String, String> properties) {
    static final String DEFAULT_SERVICE_NAME = "billing-server";

    TracingSettings {
        properties = Map.copyOf(properties);
    }

    /** The variables' names only: a value may be a secret (an {@code OTEL_EXPORTER_OTLP_HEADERS} API key). */
    @Override
    public String toString() {
        return "TracingSettings[requested=" + requested + ", properties=" + properties.keySet() + "]";
    }

    /** The OpenTelemetry the server traces with, and the SDK it started (null when it started none). */
    record Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) implements AutoCloseable {
        /** Flushes and stops the SDK the server started; nothing otherwise. */
        @Override
        public void close() {
            if (sdk != null) {
                sdk.close();
            }
        }
    }

    static TracingSettings from(Map<String, String> env) {
        String disabled = env.getOrDefault("OTEL_SDK_DISABLED", "").strip();
        boolean named = !env.getOrDefault("OTEL_TRACES_EXPORTER", "").isBlank()
                || !env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank()
                || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
        boolean requested = disabled.isEmpty() ? named : disabled.equalsIgnoreCase("false");
        // The OTEL_* variables as the SDK's properties (OTEL_EXPORTER_OTLP_ENDPOINT -> otel.exporter.otlp.endpoint),
        // over the server's defaults: traces only, under the server's name.
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("otel.service.name", DEFAULT_SERVICE_NAME);
        properties.put("otel.metrics.exporter", "none");
        properties.put("otel.logs.exporter", "none");
        // OTLP over HTTP (the collector's port 4318), the protocol the JDK's client speaks; the Java SDK's own
        // default, gRPC, would need OkHttp or grpc-java.
        properties.put("otel.exporter.otlp.protocol", "http/protobuf");
        env.forEach((name, value) -> {
            if (name.startsWith("OTEL_")) {
                properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        properties.put("otel.sdk.disabled", Boolean.toString(!requested));
        return new TracingSettings(requested, properties);
    }

    /**
     * An OpenTelemetry already installed in the process (the Java agent's, or a host's) is used as it is; else the
     * SDK is started from the variables when asked for; else nothing is traced.
     */
    Tracing open() {
        if (GlobalOpenTelemetry.isSet()) {
            return new Tracing(GlobalOpenTelemetry.get(), null);
        }
        if (!requested) {
            return new Tracing(OpenTelemetry.noop(), null);
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> properties)
                .disableShutdownHook() // the server closes it last, after the work that makes spans has stopped
                .build()
                .getOpenTelemetrySdk();
        return new Tracing(sdk, sdk);
    }
}

package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.Test;

/**
 * {@link ApiSettings#requestThreads()}: the size of Jetty's request pool, as its own meters ({@code jetty_threads_*},
 * bound to the API's registry while it runs) report it.
 */
class RequestThreadsIT {
    private static double configuredMax(TestApi api) {
        Gauge max = api.registry.find("jetty.threads.config.max").gauge();
        assertThat(max).as("jetty.threads.config.max is registered").isNotNull();
        return max.value();
    }

    @Test
    void jettysPoolHasTheDefaultSizeAndItsMetersWhileTheApiRuns() {
        TestApi api = TestApi.start();
        try {
            assertThat(configuredMax(api)).isEqualTo(ApiSettings.DEFAULT_REQUEST_THREADS);
            assertThat(api.http.get("/health", null).status()).isEqualTo(200);
            assertThat(api.registry.find("jetty.threads.busy").gauge()).isNotNull();
            assertThat(api.http.get("/metrics", TestApi.ADMIN_TOKEN).body()).contains("jetty_threads_config_max 250.0");
        } finally {
            api.close();
        }
        assertThat(api.registry.find("jetty.threads.config.max").gauge())
                .as("a stopped API's pool is no longer reported")
                .isNull();
    }

    @Test
    void theSettingSizesThePool() {
        try (TestApi api = TestApi.start(s -> s.requestThreads(20))) {
            assertThat(configuredMax(api)).isEqualTo(20);
            assertThat(api.http.get("/health", null).status()).isEqualTo(200);
        }
    }

    @Test
    void tooFewThreadsAreRefusedSayingHowMany() {
        assertThatThrownBy(() -> ApiSettings.builder().requestThreads(8).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requestThreads must be at least 16");
    }
}

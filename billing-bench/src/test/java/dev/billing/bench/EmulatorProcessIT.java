package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's Stripe emulator runs in a JVM of its own: started, reset through its control API, stopped. */
class EmulatorProcessIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startsAnswersForgetsOnResetAndStops(@TempDir Path logs) throws Exception {
        EmulatorProcess emulator = EmulatorProcess.start(logs, Duration.ofMinutes(2));
        Optional<ProcessHandle> handle = ProcessHandle.of(emulator.pid());
        try {
            assertThat(emulator.pid()).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(emulator.baseUrl()).startsWith("http://127.0.0.1:");
            String created = send(emulator, "POST", "/v1/customers", "email=bench%40example.com");
            String id = created.replaceAll("(?s).*\"id\"\\s*:\\s*\"(cus_[^\"]+)\".*", "$1");
            assertThat(id).startsWith("cus_");
            assertThat(status(emulator, "/v1/customers/" + id)).isEqualTo(200);
            assertThat(status(emulator, "/v1/products")).isEqualTo(200);
            List<String> catalog = productIds(send(emulator, "GET", "/v1/products", null));
            assertThat(catalog).isNotEmpty();

            emulator.reset();

            assertThat(status(emulator, "/v1/customers/" + id)).isEqualTo(404);
            // The sample catalog is seeded again (its timestamps are the reset's).
            assertThat(productIds(send(emulator, "GET", "/v1/products", null)))
                    .containsExactlyInAnyOrderElementsOf(catalog);
        } finally {
            emulator.close();
        }
        assertThat(handle).isPresent();
        assertThat(handle.get().isAlive()).isFalse();
        assertThat(Files.readString(logs.resolve("stripe-emulator.log"))).contains("listening on");
    }

    @Test
    void aLogWithoutTheListeningLineIsNotYetStarted(@TempDir Path logs) throws Exception {
        Path log = logs.resolve("stripe-emulator.log");
        assertThat(EmulatorProcess.listeningOn(log)).isNull();
        Files.writeString(log, "Picked up JAVA_TOOL_OPTIONS: -Xss1m\n");
        assertThat(EmulatorProcess.listeningOn(log)).isNull();
        Files.writeString(log, "Stripe emulator listening on http://127.0.0.1:40123 (API key sk_t...ator)\n");
        assertThat(EmulatorProcess.listeningOn(log)).isEqualTo("http://127.0.0.1:40123");
    }

    @Test
    void aDirectoryThatCannotTakeTheLogFailsSayingWhere(@TempDir Path logs) {
        Path missing = logs.resolve("not-there");
        assertThatThrownBy(() -> EmulatorProcess.start(missing, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Stripe emulator");
    }

    private static List<String> productIds(String list) {
        return Pattern.compile("\"id\"\\s*:\\s*\"(prod_[^\"]+)\"")
                .matcher(list)
                .results()
                .map(m -> m.group(1))
                .toList();
    }

    private String send(EmulatorProcess emulator, String method, String path, String form) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                .header("Authorization", "Bearer " + EmulatorProcess.API_KEY);
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(form));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private int status(EmulatorProcess emulator, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                                .header("Authorization", "Bearer " + EmulatorProcess.API_KEY)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}

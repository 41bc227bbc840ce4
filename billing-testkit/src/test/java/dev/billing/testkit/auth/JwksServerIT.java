package dev.billing.testkit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JwksServerIT {
    private static final TestKey KEY_A = TestKeys.rsa2048("kid_a");
    private static final TestKey KEY_B = TestKeys.rsa2048("kid_b");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void servesKeysRotatesAndCountsRequests() throws Exception {
        try (JwksServer jwks = JwksServer.start(KEY_A)) {
            HttpResponse<String> first = get(jwks);
            jwks.rotate(KEY_B);
            HttpResponse<String> second = get(jwks);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.body())
                    .contains("\"kid\":\"kid_a\"")
                    .contains("\"n\":")
                    .doesNotContain("kid_b");
            assertThat(second.body()).contains("\"kid\":\"kid_b\"").doesNotContain("kid_a");
            assertThat(jwks.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void misbehavesOnDemand() throws Exception {
        try (JwksServer jwks = JwksServer.start(KEY_A)) {
            assertThat(get(jwks.failWith(503)).statusCode()).isEqualTo(503);
            assertThat(get(jwks.serveGarbage()).body()).doesNotStartWith("{");
            assertThat(get(jwks.serve(KEY_A)).statusCode()).isEqualTo(200);

            long start = System.nanoTime();
            get(jwks.slow(Duration.ofMillis(300)));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

            jwks.down();
            assertThatThrownBy(() -> get(jwks)).isInstanceOf(ConnectException.class);
        }
    }

    private HttpResponse<String> get(JwksServer jwks) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(jwks.jwksUrl()).build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.http.Http;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The error model over real HTTP: shape, request ids, 404/405/413/415, unknown fields, malformed JSON. */
class ErrorModelIT {
    static TestApi api;
    static String token;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        token = api.token("user_errors");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void unknownRouteIsJson404WithRequestId() {
        Http.Response r = api.http.get("/nope", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("not_found");
        assertThat(r.header("X-Request-Id")).matches("req_[0-9a-f]{24}");
        assertThat(r.json().path("error").path("requestId").asText()).isEqualTo(r.header("X-Request-Id"));
        assertThat(r.json().path("error").size()).isEqualTo(3);
        assertThat(r.json().size()).isEqualTo(1);
    }

    @Test
    void wrongMethodIs405WithAllow() {
        Http.Response r = api.http.delete("/usage", token);
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.errorCode()).isEqualTo("method_not_allowed");
        assertThat(r.header("Allow")).contains("GET").contains("POST");
    }

    @Test
    void headIsAnsweredForPublicRoutesOnlyNeverBypassingAuthentication() {
        Http.Response health =
                api.http.send(api.http.request("/health").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(health.status()).isEqualTo(200);
        for (String path : new String[] {"/me/entitlements", "/admin/webhook-events", "/stripe/invoices/in_1"}) {
            Http.Response r = api.http.send(api.http.request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertThat(r.status()).as(path).isEqualTo(405);
            assertThat(r.header("X-Request-Id")).isNotBlank();
        }
    }

    @Test
    void saneIncomingRequestIdIsKeptAndInsaneOneReplaced() {
        Http.Response kept = api.http.send(api.http
                .request("/health")
                .header("X-Request-Id", "trace-123:abc")
                .GET());
        assertThat(kept.header("X-Request-Id")).isEqualTo("trace-123:abc");
        Http.Response replaced = api.http.send(api.http
                .request("/nope")
                .header("X-Request-Id", "bad id <script>")
                .GET());
        assertThat(replaced.header("X-Request-Id")).matches("req_[0-9a-f]{24}");
        assertThat(replaced.json().path("error").path("requestId").asText()).isEqualTo(replaced.header("X-Request-Id"));
    }

    @Test
    void malformedJsonIsInvalidJson() {
        Http.Response r = api.http.post("/stripe/checkout", token, "{\"tier\":");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_json");
    }

    @Test
    void unknownFieldIsRefused() {
        Http.Response r = api.http.post("/stripe/portal", token, "{\"returnUrl\":null,\"customerId\":\"cus_x\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("unknown_field");
        assertThat(r.json().path("error").path("message").asText()).contains("customerId");
    }

    @Test
    void bodyWithoutJsonContentTypeIs415() {
        Http.Response r = api.http.send(api.http
                .request("/stripe/portal")
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
    }

    @Test
    void oversizedBodyIs413() {
        String big = "{\"returnUrl\":\"" + "a".repeat(1_100_000) + "\"}";
        Http.Response r = api.http.post("/stripe/portal", token, big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("payload_too_large");
    }

    @Test
    void anOversizedBodyIsReadToTheEndSoTheSenderGetsThe413AndKeepsItsConnection() throws Exception {
        byte[] big = ("{\"returnUrl\":\"" + "a".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", api.api.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /stripe/portal HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + big.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(big); // every byte is taken: without the swallow, this write meets a closed connection
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(RawAnswer.head(in).get(0)).startsWith("HTTP/1.1 413");

            out.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(RawAnswer.head(in).get(0))
                    .as("the same connection serves the next request")
                    .startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void oversizedHeadersAre431Json() {
        Http.Response r = api.http.send(
                api.http.request("/health").header("X-Big", "b".repeat(40_000)).GET());
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.errorCode()).isEqualTo("headers_too_large");
        assertThat(r.header("X-Request-Id")).isNotBlank();
    }
}

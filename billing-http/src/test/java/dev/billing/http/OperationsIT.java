package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.Await;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.http.Http;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Health, readiness, /openapi.json, /metrics, admin authentication and rate limits over HTTP. */
class OperationsIT {
    TestApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void openApiDocumentsExactlyTheRegisteredRoutes() {
        api = TestApi.start();
        JsonNode doc = api.http.get("/openapi.json", null).json();
        assertThat(doc.path("openapi").asText()).startsWith("3.0");
        List<String> documented = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + path.getKey()));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(api.api.registeredRoutes());
        assertThat(documented)
                .contains(
                        "POST /usage",
                        "GET /metrics",
                        "POST /webhooks/stripe",
                        "POST /stripe/subscriptions/{id}/cancel")
                .doesNotContain("POST /local/token");
        // every body schema the operations point at is defined
        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(doc.toString()).contains("#/components/schemas/UsageRequest");
        assertThat(schemas.path("UsageRequest").path("required").toString()).contains("meter", "amount");
        assertThat(schemas.path("CheckoutRequest").path("additionalProperties").asBoolean(true))
                .isFalse();
        doc.findValues("$ref")
                .forEach(ref -> assertThat(schemas.has(ref.asText().replace("#/components/schemas/", "")))
                        .as(ref.asText())
                        .isTrue());
    }

    @Test
    void largeJsonAnswersAreGzippedForClientsThatAskForIt() throws Exception {
        api = TestApi.start();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<byte[]> zipped = client.send(
                api.http
                        .request("/openapi.json")
                        .header("Accept-Encoding", "gzip")
                        .GET()
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        java.net.http.HttpResponse<byte[]> plain = client.send(
                api.http.request("/openapi.json").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        byte[] unzipped =
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body())).readAllBytes();
        assertThat(zipped.body().length).isLessThan(plain.body().length / 2);
        assertThat(unzipped).isEqualTo(plain.body());
    }

    @Test
    void aBurstOfNewConnectionsIsQueuedNotDropped() throws Exception {
        api = TestApi.start();
        assertThat(api.api.acceptQueueSize()).isEqualTo(HttpApi.ACCEPT_QUEUE);
        // 200 clients connect at once, each then asks for /health on its own connection: every one is answered.
        int clients = 200;
        java.util.List<java.net.Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                java.net.Socket socket = new java.net.Socket();
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", api.api.port()), 5_000);
                socket.setSoTimeout(10_000);
                sockets.add(socket);
            }
            for (java.net.Socket socket : sockets) {
                socket.getOutputStream()
                        .write(("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            for (java.net.Socket socket : sockets) {
                String answer =
                        new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
                assertThat(answer).startsWith("HTTP/1.1 200");
            }
        } finally {
            for (java.net.Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void healthAndReadiness() {
        api = TestApi.start();
        assertThat(api.http.get("/health", null).json().path("status").asText()).isEqualTo("ok");
        Http.Response ready = api.http.get("/health/ready", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("checks").path("store").asText()).isEqualTo("ok");
        assertThat(ready.json().path("checks").path("stripe").asText()).isEqualTo("ok");

        api.harness.stores().storeSwitch().down();
        Await.until(
                "readiness sees the store down",
                () -> api.http.get("/health/ready", null).status() == 503);
        Http.Response down = api.http.get("/health/ready", null);
        assertThat(down.errorCode()).isEqualTo("not_ready");
        assertThat(down.header("Retry-After")).isEqualTo("5");
        assertThat(down.json().path("error").path("message").asText())
                .contains("store failed")
                .contains("stripe ok");
        assertThat(api.http.get("/health", null).status()).isEqualTo(200);
        api.harness.stores().storeSwitch().up();
        Await.until(
                "readiness sees the store back",
                () -> api.http.get("/health/ready", null).status() == 200);
    }

    @Test
    @DisplayName("draining: not ready, every route still served, each kept-alive connection closed after its answer")
    void drainingTakesTheInstanceOutOfItsBalancerWhileStillServing() throws Exception {
        api = TestApi.start();
        String token = api.token("user_drain");
        String entitlements =
                "GET /me/entitlements HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n\r\n";
        // Served by Javalin (a path parameter), not in front of it: the connection rule must hold on both paths.
        String cancel = "POST /stripe/subscriptions/sub_1/cancel HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        try (Socket direct = new Socket("127.0.0.1", api.api.port());
                Socket javalin = new Socket("127.0.0.1", api.api.port())) {
            direct.setSoTimeout(10_000);
            javalin.setSoTimeout(10_000);
            List<String> before = exchange(direct, entitlements);
            assertThat(before.get(0)).startsWith("HTTP/1.1 200");
            assertThat(before).noneMatch(OperationsIT::closes);
            assertThat(exchange(javalin, cancel)).noneMatch(OperationsIT::closes);

            api.api.drain();

            Http.Response ready = api.http.get("/health/ready", null);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.errorCode()).isEqualTo("not_ready");
            assertThat(ready.json().path("error").path("message").asText()).isEqualTo("Not ready: shutting down.");
            assertThat(api.http.get("/health", null).status())
                    .as("alive: not to be restarted")
                    .isEqualTo(200);
            // The connections kept alive from before the drain are answered, told to close, and closed.
            List<String> during = exchange(direct, entitlements);
            assertThat(during.get(0)).startsWith("HTTP/1.1 200");
            assertThat(during).anyMatch(OperationsIT::closes);
            assertThat(direct.getInputStream().read())
                    .as("closed after its answer")
                    .isEqualTo(-1);
            List<String> refused = exchange(javalin, cancel);
            assertThat(refused.get(0)).startsWith("HTTP/1.1 401");
            assertThat(refused).anyMatch(OperationsIT::closes);
            assertThat(javalin.getInputStream().read())
                    .as("closed after its answer")
                    .isEqualTo(-1);
        }
        // An answer Javalin's error path writes (a path no route has) closes its connection too.
        try (Socket socket = new Socket("127.0.0.1", api.api.port())) {
            socket.setSoTimeout(10_000);
            List<String> head = exchange(socket, "GET /no/such/route HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(head.get(0)).startsWith("HTTP/1.1 404");
            assertThat(head).anyMatch(OperationsIT::closes);
        }
    }

    private static List<String> exchange(Socket socket, String request) throws java.io.IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return RawAnswer.head(socket.getInputStream());
    }

    private static boolean closes(String header) {
        return header.equalsIgnoreCase("Connection: close");
    }

    @Test
    @DisplayName("a Stripe outage leaves the instance ready, and says so in the answer and in a metric")
    void aStripeOutageIsReportedButLeavesTheInstanceReady() {
        api = TestApi.start();
        api.harness.gateway().failNext(FakePaymentGateway.Operation.PING, 1_000, FakePaymentGateway.Failure.NOT_DONE);

        Await.until(
                "readiness sees Stripe down",
                () -> api.http
                        .get("/health/ready", null)
                        .json()
                        .path("checks")
                        .path("stripe")
                        .asText()
                        .startsWith("failed"));
        Http.Response ready = api.http.get("/health/ready", null);

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        assertThat(ready.json().path("checks").path("store").asText()).isEqualTo("ok");
        assertThat(api.http.get("/metrics", TestApi.ADMIN_TOKEN).body())
                .contains("billing_dependency_up{dependency=\"stripe\"} 0.0")
                .contains("billing_dependency_up{dependency=\"store\"} 1.0");
    }

    @Test
    void metricsNeedTheAdminTokenAndExposeTheNamedMetrics() {
        api = TestApi.start();
        api.http.get("/me/entitlements", api.token("user_m"));
        assertThat(api.http.get("/metrics", null).status()).isEqualTo(401);
        assertThat(api.http.get("/metrics", "wrong-token").status()).isEqualTo(401);
        Http.Response r = api.http.get("/metrics", TestApi.ADMIN_TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        assertThat(r.body())
                .contains("billing_http_requests_seconds_count{")
                .contains("route=\"/me/entitlements\"")
                .contains("status=\"200\"");
        assertThat(r.body()).doesNotContain(TestApi.ADMIN_TOKEN);
    }

    @Test
    void theConventionalRequestMetricCarriesTheRouteTemplateAsUriAndTheOutcome() {
        api = TestApi.start(s -> s, b -> b.conventionalRequestMetric(true));
        String token = api.token("user_c");
        api.http.get("/me/entitlements", token);
        api.http.get("/stripe/invoices/in_missing_1", token);
        api.http.get("/me/entitlements", "not-a-token");
        String body = api.http.get("/metrics", TestApi.ADMIN_TOKEN).body();
        assertThat(body)
                .contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\","
                        + "uri=\"/me/entitlements\"} 1")
                .contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\",status=\"401\","
                        + "uri=\"/me/entitlements\"} 1")
                .contains("uri=\"/stripe/invoices/{id}\"")
                .doesNotContain("in_missing_1")
                .doesNotContain("billing_http_requests_seconds");
    }

    @Test
    void adminRoutesNeedTheTokenAndDisappearWithoutOne() {
        api = TestApi.start();
        Http.Response wrong = api.http.get("/admin/webhook-events", "nope");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(api.http.get("/admin/webhook-events", api.token("user_x")).status())
                .isEqualTo(401);
        Http.Response ok = api.http.get("/admin/webhook-events?status=failed", TestApi.ADMIN_TOKEN);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("counts").path("pending").asLong()).isZero();
        assertThat(api.http
                        .get("/admin/webhook-events?status=weird", TestApi.ADMIN_TOKEN)
                        .errorCode())
                .isEqualTo("invalid_status");
        api.close();
        api = TestApi.start(s -> s.adminToken(null));
        assertThat(api.http.get("/admin/webhook-events", TestApi.ADMIN_TOKEN).errorCode())
                .isEqualTo("not_found");
        assertThat(api.http.get("/metrics", TestApi.ADMIN_TOKEN).status()).isEqualTo(404);
    }

    @Test
    void adminRefundsNeedAnIdempotencyKeyAndValidInput() {
        api = TestApi.start();
        assertThat(api.http
                        .post("/admin/refunds", TestApi.ADMIN_TOKEN, "{\"paymentIntentId\":\"pi_1\"}")
                        .errorCode())
                .isEqualTo("invalid_idempotency_key");
        assertThat(api.http
                        .post(
                                "/admin/refunds",
                                TestApi.ADMIN_TOKEN,
                                "{\"paymentIntentId\":\"nope\"}",
                                Map.of("Idempotency-Key", "r1"))
                        .errorCode())
                .isEqualTo("invalid_payment_intent_id");
        assertThat(api.http
                        .post(
                                "/admin/refunds",
                                TestApi.ADMIN_TOKEN,
                                "{\"paymentIntentId\":\"pi_1\",\"reason\":\"because\"}",
                                Map.of("Idempotency-Key", "r1"))
                        .errorCode())
                .isEqualTo("invalid_reason");
        assertThat(api.http
                        .post("/admin/reconcile", TestApi.ADMIN_TOKEN, "{\"userId\":\"u\",\"customerId\":\"cus_1\"}")
                        .errorCode())
                .isEqualTo("invalid_reconcile");
        assertThat(api.http
                        .post("/admin/reconcile", TestApi.ADMIN_TOKEN, "{\"userId\":\"nobody\"}")
                        .status())
                .isEqualTo(404);
        Http.Response all = api.http.post("/admin/reconcile", TestApi.ADMIN_TOKEN, null);
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.json().path("customers").asInt()).isZero();
    }

    @Test
    void perUserRateLimitIs429WithRetryAfter() {
        api = TestApi.start(s -> s.userRequestsPerMinute(3));
        String token = api.token("user_rl");
        for (int i = 0; i < 3; i++) {
            assertThat(api.http.get("/me/entitlements", token).status()).isEqualTo(200);
        }
        Http.Response limited = api.http.get("/me/entitlements", token);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.errorCode()).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        assertThat(api.http.get("/me/entitlements", api.token("user_other")).status())
                .isEqualTo(200);
        assertThat(api.http.get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void perIpRateLimitIs429ButHealthIsExempt() {
        api = TestApi.start(s -> s.ipRequestsPerMinute(2));
        api.http.get("/openapi.json", null);
        api.http.get("/openapi.json", null);
        Http.Response limited = api.http.get("/openapi.json", null);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotBlank();
        for (int i = 0; i < 5; i++) {
            assertThat(api.http.get("/health", null).status()).isEqualTo(200);
            assertThat(api.http.get("/health/ready", null).status()).isEqualTo(200);
        }
    }
}

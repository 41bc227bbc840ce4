package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.http.Http;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.DefaultHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The routes without path parameters are served on Jetty's handler API in front of Javalin ({@link DirectRoutes}),
 * with the answers Javalin gave them; routes with parameters, and a request the direct routes do not take exactly,
 * still reach Javalin.
 */
class DirectRoutesIT {
    /** What reached Javalin: a before-handler of the pages records every request Javalin routes. */
    final Queue<String> javalin = new ConcurrentLinkedQueue<>();

    TestApi api;
    Server bare;

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (bare != null) {
            bare.stop();
        }
    }

    TestApi startRecording() {
        return TestApi.start(
                s -> s,
                b -> b.pages(config ->
                        config.routes.before(ctx -> javalin.add(ctx.method().name() + " " + ctx.path()))));
    }

    FakeWebhookVerifier.Delivery signed(StripeEvent event) {
        return api.harness.verifier().sign(event, new EventObject.Other(event.objectType(), event.objectId()));
    }

    Http.Response post(String path, byte[] body, String signature) {
        HttpRequest.Builder b = api.http
                .request(path)
                .header("Content-Type", "application/json")
                .header("X-Request-Id", "trace-direct-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header("Stripe-Signature", signature);
        }
        return api.http.send(b);
    }

    @Test
    void routesWithoutParametersNeverReachJavalinAndTheOthersDo() {
        api = startRecording();
        assertThat(api.api.directRoutes())
                .contains(
                        "POST /webhooks/stripe",
                        "GET /me/entitlements",
                        "GET /stripe/products",
                        "POST /usage",
                        "GET /health")
                .noneMatch(r -> r.contains("{"));
        FakeWebhookVerifier.Delivery d = signed(Builders.anEvent()
                .withType("customer.discount.created")
                .forObject("discount", "di_d1")
                .build());
        assertThat(post("/webhooks/stripe", d.body(), d.signature()).status()).isEqualTo(200);
        Http.Response entitlements = api.http.get("/me/entitlements", api.token("user_direct"));
        assertThat(entitlements.status()).as(entitlements.body()).isEqualTo(200);
        assertThat(entitlements.json().path("tier").asText()).isNotEmpty();
        assertThat(api.http.get("/health", null).status()).isEqualTo(200);
        assertThat(javalin).isEmpty();

        Http.Response invoice = api.http.get("/stripe/invoices/in_1", api.token("user_direct"));
        assertThat(invoice.status()).as(invoice.body()).isEqualTo(404);
        assertThat(javalin).containsExactly("GET /stripe/invoices/in_1");
    }

    @Test
    void aDirectAnswerCarriesTheHeadersAndBodyOfEveryAnswer() {
        api = startRecording();
        FakeWebhookVerifier.Delivery d = signed(Builders.anEvent()
                .withType("customer.discount.created")
                .forObject("discount", "di_d2")
                .build());
        Http.Response ok = post("/webhooks/stripe", d.body(), d.signature());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("received").asBoolean()).isTrue();
        assertThat(ok.json().path("duplicate").asBoolean()).isFalse();
        assertThat(ok.header("Content-Type")).isEqualTo("application/json");
        assertThat(ok.header("Content-Length"))
                .isEqualTo(Integer.toString(ok.body().length()));
        assertThat(ok.header("X-Request-Id")).isEqualTo("trace-direct-1");
        assertThat(ok.header("Cache-Control")).isEqualTo("no-store");
        assertThat(ok.header("X-Content-Type-Options")).isEqualTo("nosniff");

        Http.Response unsigned = post("/webhooks/stripe", d.body(), null);
        assertThat(unsigned.status()).isEqualTo(400);
        assertThat(unsigned.errorCode()).isEqualTo("invalid_webhook");
        assertThat(unsigned.json().path("error").path("requestId").asText()).isEqualTo("trace-direct-1");

        assertThat(api.registry
                        .get(HttpApi.REQUEST_METRIC)
                        .tag("route", "/webhooks/stripe")
                        .tag("status", "200")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(api.registry
                        .get(HttpApi.REQUEST_METRIC)
                        .tag("route", "/webhooks/stripe")
                        .tag("status", "400")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(javalin).isEmpty();
    }

    @Test
    void aWebhookRequestNotTakenExactlyIsJavalinsAsBefore() {
        api = startRecording();
        FakeWebhookVerifier.Delivery d = signed(Builders.anEvent()
                .withType("customer.discount.created")
                .forObject("discount", "di_d3")
                .build());
        Http.Response slash = post("/webhooks/stripe/", d.body(), d.signature());
        assertThat(slash.status()).as(slash.body()).isEqualTo(200);
        assertThat(slash.json().path("received").asBoolean()).isTrue();
        Http.Response get = api.http.get("/webhooks/stripe", null);
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.errorCode()).isEqualTo("method_not_allowed");
        assertThat(javalin).containsExactly("POST /webhooks/stripe/", "GET /webhooks/stripe");
    }

    @Test
    void aLargeDirectAnswerIsGzippedForAClientThatAcceptsIt() throws Exception {
        api = startRecording();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<byte[]> zipped = client.send(
                api.http
                        .request("/openapi.json")
                        .header("Accept-Encoding", "br, GZip;q=0.8")
                        .GET()
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        java.net.http.HttpResponse<byte[]> plain = client.send(
                api.http
                        .request("/openapi.json")
                        .header("Accept-Encoding", "br")
                        .GET()
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        java.net.http.HttpResponse<byte[]> small = client.send(
                api.http
                        .request("/health")
                        .header("Accept-Encoding", "gzip")
                        .GET()
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("Content-Length")).hasValue(Integer.toString(zipped.body().length));
        assertThat(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body())).readAllBytes())
                .isEqualTo(plain.body());
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.body().length).isGreaterThanOrEqualTo(JettyExchange.MIN_COMPRESSED_BYTES);
        assertThat(small.headers().firstValue("Content-Encoding"))
                .as("under the minimum")
                .isEmpty();
        assertThat(javalin).isEmpty();
    }

    @Test
    void anErrorInADirectRouteIsA500InTheApisShapeAndANullAnswerA204() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ApiDispatcher dispatcher = ApiDispatcher.builder()
                .billing(BillingHarness.create().billing())
                .identities(token -> {
                    throw new IllegalStateException("no caller here");
                })
                .meterRegistry(registry)
                .build();
        ApiRoute boom = ApiRoute.post("/boom", Access.WEBHOOK, call -> {
            throw new StackOverflowError("deep");
        });
        ApiRoute nothing = ApiRoute.post("/nothing", Access.WEBHOOK, call -> null);
        DirectRoutes direct = new DirectRoutes(dispatcher, List.of(boom, nothing));
        direct.setHandler(new DefaultHandler());
        bare = new Server();
        ServerConnector connector = new ServerConnector(bare);
        connector.setHost("127.0.0.1");
        bare.addConnector(connector);
        bare.setHandler(direct);
        bare.start();
        Http http = Http.local(connector.getLocalPort());

        Http.Response r = http.send(http.request("/boom")
                .header("X-Request-Id", "trace-boom")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.errorCode()).isEqualTo("internal_error");
        assertThat(r.json().path("error").path("requestId").asText()).isEqualTo("trace-boom");
        assertThat(registry.get(HttpApi.REQUEST_METRIC)
                        .tag("route", "/boom")
                        .tag("status", "500")
                        .timer()
                        .count())
                .isEqualTo(1);
        Http.Response empty = http.send(http.request("/nothing").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(empty.status()).isEqualTo(204);
        assertThat(empty.body()).isEmpty();
        assertThat(empty.header("Content-Length")).as("none on a 204").isNull();
        assertThat(http.get("/elsewhere", null).status())
                .as("left to the wrapped handler")
                .isEqualTo(404);
    }

    @Test
    void aRefusalSentBeforeTheBodyArrivesSaysTheConnectionCloses() throws Exception {
        api = startRecording();
        for (String path : List.of("/stripe/checkout", "/stripe/subscriptions/sub_1/cancel")) {
            try (Socket socket = new Socket("127.0.0.1", api.api.port())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 30\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush(); // the body is held back: the 401 goes out before it
                InputStream in = socket.getInputStream();
                List<String> head = RawAnswer.head(in);
                assertThat(head.get(0)).as(path).startsWith("HTTP/1.1 401");
                assertThat(head)
                        .as(path + ": a client that is not told would reuse the connection")
                        .anyMatch(h -> h.equalsIgnoreCase("Connection: close"));
            }
        }
        assertThat(javalin).containsExactly("POST /stripe/subscriptions/sub_1/cancel");
    }

    @Test
    void aRefusalAfterTheWholeBodyKeepsTheConnection() throws Exception {
        api = startRecording();
        try (Socket socket = new Socket("127.0.0.1", api.api.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                out.write(("POST /stripe/checkout HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 2\r\n\r\n{}")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                List<String> head = RawAnswer.head(in);
                assertThat(head.get(0)).startsWith("HTTP/1.1 401");
                assertThat(head).noneMatch(h -> h.regionMatches(true, 0, "Connection:", 0, 11));
            }
        }
    }
}

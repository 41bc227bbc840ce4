package dev.billing.testkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client checks every exchange against the server's /openapi.json: a planted drift fails the test. */
class HttpContractTest {
    private static final String DOCUMENT = """
            {"openapi":"3.0.3","info":{"title":"t","version":"1"},
             "paths":{"/thing":{"get":{"operationId":"getThing","responses":{
               "200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}},
               "404":{"description":"not found","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}},
              "/things":{"post":{"operationId":"postThings",
               "requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}},
               "responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}}}}}},
             "components":{"schemas":{
               "Thing":{"type":"object","properties":{"quantity":{"type":"integer","minimum":1,"maximum":99},
                 "note":{"type":"string"}},"required":["quantity"],"additionalProperties":false},
               "Error":{"type":"object","properties":{"code":{"type":"string"}},"required":["code"],
                 "additionalProperties":false}}}}
            """;

    private HttpServer server;
    private final AtomicInteger documentFetches = new AtomicInteger();
    private volatile int status = 200;
    private volatile String answer = "{\"quantity\":3}";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/openapi.json", ex -> {
            documentFetches.incrementAndGet();
            reply(ex, 200, DOCUMENT);
        });
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            reply(ex, status, answer);
        });
        server.start();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Http http() {
        return Http.local(server.getAddress().getPort());
    }

    @Test
    void anAnswerTheDocumentDescribesPassesAndTheDocumentIsFetchedOnce() {
        Http http = http();
        assertThat(http.get("/thing", null).status()).isEqualTo(200);
        assertThat(http.get("/thing", null).json().path("quantity").asInt()).isEqualTo(3);
        assertThat(documentFetches).hasValue(1);
    }

    @Test
    void aFieldOfTheWrongTypeFails() {
        answer = "{\"quantity\":\"3\"}";
        assertThatThrownBy(() -> http().get("/thing", null))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /thing -> 200 breaks the server's /openapi.json")
                .hasMessageContaining("quantity");
    }

    @Test
    void aNullWhereTheDocumentHasNoneFails() {
        answer = "{\"quantity\":3,\"note\":null}";
        assertThatThrownBy(() -> http().get("/thing", null)).hasMessageContaining("note");
    }

    @Test
    void aValueOutOfItsRangeFails() {
        answer = "{\"quantity\":100}";
        assertThatThrownBy(() -> http().get("/thing", null)).hasMessageContaining("maximum");
    }

    @Test
    void aStatusTheOperationDoesNotListFails() {
        status = 409;
        answer = "{\"code\":\"conflict\"}";
        assertThatThrownBy(() -> http().get("/thing", null))
                .hasMessageContaining("validation.response.status.unknown")
                .hasMessageContaining("409");
    }

    @Test
    void anErrorBodyOfTheWrongShapeFails() {
        status = 404;
        answer = "{\"error\":\"nope\"}";
        assertThatThrownBy(() -> http().get("/thing", null)).hasMessageContaining("code");
    }

    @Test
    void aSuccessfulRequestTheDocumentRefusesFails() {
        assertThatThrownBy(() -> http().post("/things", null, "{\"quantity\":0}"))
                .hasMessageContaining("request:")
                .hasMessageContaining("minimum");
    }

    @Test
    void aRefusedRequestIsNotCheckedButItsAnswerIs() {
        status = 404;
        answer = "{\"code\":\"not_found\"}";
        assertThat(http().get("/thing?unknown=1", null).status()).isEqualTo(404);
    }

    @Test
    void aPathTheDocumentDoesNotListIsNoRouteOfItsAndIsNotChecked() {
        answer = "{\"anything\":true}";
        assertThat(http().get("/elsewhere", null).status()).isEqualTo(200);
    }

    @Test
    void uncheckedSkipsTheDocument() {
        answer = "{\"quantity\":\"3\"}";
        assertThat(http().unchecked().get("/thing", null).status()).isEqualTo(200);
        assertThat(documentFetches).hasValue(0);
    }
}

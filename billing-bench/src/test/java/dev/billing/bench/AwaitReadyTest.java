package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bench measures an external server only once it answers ready. */
class AwaitReadyTest {

    static HttpServer server(int notReadyAnswers, AtomicInteger asked) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health/ready", exchange -> {
            int n = asked.incrementAndGet();
            exchange.sendResponseHeaders(n <= notReadyAnswers ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void waitsUntilTheServerAnswersReady() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        HttpServer server = server(3, asked);
        try {
            BenchEnvironment.awaitReady(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(60));
            assertThat(asked.get()).isEqualTo(4);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServerThatNeverGetsReadyIsRefusedSayingSo() throws Exception {
        HttpServer server = server(Integer.MAX_VALUE, new AtomicInteger());
        try {
            assertThatThrownBy(() -> BenchEnvironment.awaitReady(
                            URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofMillis(500)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("HTTP 503")
                    .hasMessageContaining("nothing was measured");
        } finally {
            server.stop(0);
        }
    }
}

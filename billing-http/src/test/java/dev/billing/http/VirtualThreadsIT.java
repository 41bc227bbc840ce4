package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.billing.testkit.Await;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@link ApiSettings#virtualThreads()}: which threads serve requests, as the access log (written on the request's
 * thread) names them, for a fixed-path route (served on Jetty's handler API) and a route with a path parameter
 * (Javalin's). The JVM running the tests decides which half applies: before Java 21 starting must fail saying why;
 * from 21 both run on virtual threads. {@code ServerJarIT} runs the server on a newer JDK for the other half.
 */
class VirtualThreadsIT {
    static final boolean SUPPORTED = Runtime.version().feature() >= 21;

    private final ListAppender<ILoggingEvent> access = new ListAppender<>();
    private Logger logger;

    @BeforeEach
    void listen() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logger = context.getLogger("dev.billing.http.access");
        access.setContext(context);
        access.start();
        logger.addAppender(access);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(access);
    }

    private static TestApi start(boolean virtual) {
        return TestApi.start(s -> s.virtualThreads(virtual), b -> b);
    }

    /** The thread names of the access lines of one catalog request and one subscription request. */
    private List<String> servedBy(TestApi api) {
        assertThat(api.http.get("/stripe/products", null).status()).isEqualTo(401);
        assertThat(api.http
                        .post("/stripe/subscriptions/sub_none/cancel", null, "{}")
                        .status())
                .isEqualTo(401);
        Await.until("both access lines are written", () -> lines().size() >= 2);
        List<String> threads = new ArrayList<>();
        for (ILoggingEvent line : lines()) {
            threads.add(line.getFormattedMessage().split(" ")[1] + " " + line.getThreadName());
        }
        return threads;
    }

    private static void assertServedBy(List<String> lines, String thread) {
        assertThat(lines)
                .extracting(line -> line.split(" ")[0])
                .containsExactlyInAnyOrder("/stripe/products", "/stripe/subscriptions/sub_none/cancel");
        assertThat(lines).allMatch(line -> line.matches("\\S+ " + thread), "served by " + thread);
    }

    private List<ILoggingEvent> lines() {
        synchronized (access.list) {
            return access.list.stream() // less the test client's fetch of the document it checks exchanges against
                    .filter(e -> !e.getFormattedMessage().startsWith("GET /openapi.json "))
                    .toList();
        }
    }

    @Test
    void requestsRunOnPlatformThreadsByDefault() {
        try (TestApi api = start(false)) {
            assertServedBy(servedBy(api), "JettyServerThreadPool-\\d+");
        }
    }

    @Test
    void virtualThreadsServeRequestsFromJava21AndAreRefusedBefore() {
        if (!SUPPORTED) {
            assertThatThrownBy(() -> start(true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("ApiSettings.virtualThreads needs Java 21 or later; this JVM is Java "
                            + Runtime.version().feature() + " (run on a newer JDK, or leave virtual threads off)");
            return;
        }
        try (TestApi api = start(true)) {
            assertServedBy(servedBy(api), "billing-http-virtual-\\d+");
        }
    }
}

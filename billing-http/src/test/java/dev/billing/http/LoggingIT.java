package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.http.log.Slf4jRequestLog;
import dev.billing.testkit.Builders;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.http.Http;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One access-log line per request, with the request id; never a token, a secret or card data in any log line. The
 * SLF4J request log (MDC and key-values, what the server and the Spring starter use) and the default {@code
 * System.Logger} one, which reaches logback here through {@code slf4j-jdk-platform-logging} as it does in the server.
 */
class LoggingIT {
    TestApi api;
    ListAppender<ILoggingEvent> logs;
    Logger root;

    @BeforeEach
    void start() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs = new ListAppender<>();
        logs.setContext(context);
        logs.start();
        root.addAppender(logs);
        context.getLogger("dev.billing").setLevel(ch.qos.logback.classic.Level.DEBUG);
        api = TestApi.start(s -> s, b -> b.requestLog(new Slf4jRequestLog()));
    }

    @AfterEach
    void stop() {
        api.close();
        root.detachAppender(logs);
        ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger("dev.billing")
                .setLevel(ch.qos.logback.classic.Level.INFO);
    }

    static String everything(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(e.getFormattedMessage()).append(' ').append(e.getMDCPropertyMap());
        if (e.getKeyValuePairs() != null) {
            e.getKeyValuePairs()
                    .forEach(kv -> b.append(' ').append(kv.key).append('=').append(kv.value));
        }
        if (e.getThrowableProxy() != null) {
            b.append(' ').append(e.getThrowableProxy().getMessage());
        }
        return b.toString();
    }

    @Test
    void oneAccessLineWithTheRequestIdAndNoSecrets() {
        String token = api.token("user_log");
        String badToken = api.minter
                .token()
                .issuer("https://evil.example.com")
                .subject("user_log")
                .sign();
        Http.Response ok = api.http.send(api.http
                .request("/me/entitlements")
                .header("Authorization", "Bearer " + token)
                .header("X-Request-Id", "trace-log-1")
                .GET());
        api.http.get("/me/entitlements", badToken);
        api.http.send(api.http
                .request("/me/entitlements")
                .header("Cookie", "__session=" + token)
                .GET());
        api.http.get("/metrics", TestApi.ADMIN_TOKEN);
        api.http.get("/admin/webhook-events", "wrong-admin-token-value");
        StripeEvent event = Builders.anEvent().build();
        api.http.send(api.http
                .request("/webhooks/stripe")
                .header("Stripe-Signature", "t=1,v1=deadbeefsignature")
                .POST(HttpRequest.BodyPublishers.ofString(event.payload())));
        api.http.post(
                "/usage",
                token,
                "{\"meter\":\"api_calls\",\"amount\":1}",
                Map.of("Idempotency-Key", "idem-key-secretish"));
        assertThat(ok.status()).isEqualTo(200);

        List<ILoggingEvent> access = logs.list.stream()
                .filter(e -> e.getLoggerName().equals("dev.billing.http.access"))
                // the test client's one fetch of the document it checks every exchange against
                .filter(e -> !e.getFormattedMessage().startsWith("GET /openapi.json "))
                .toList();
        assertThat(access).hasSize(7);
        ILoggingEvent first = access.get(0);
        assertThat(first.getMDCPropertyMap())
                .containsEntry("requestId", "trace-log-1")
                .containsEntry("userId", "user_log");
        assertThat(everything(first)).contains("route=/me/entitlements").contains("status=200");
        for (ILoggingEvent e : logs.list) {
            assertThat(everything(e))
                    .doesNotContain(token)
                    .doesNotContain(badToken)
                    .doesNotContain(TestApi.ADMIN_TOKEN)
                    .doesNotContain("wrong-admin-token-value")
                    .doesNotContain("deadbeefsignature");
        }
    }

    @Test
    void aServiceKeyIsLoggedByItsIdOnlyNeverItsSecret() {
        Http.Response created = api.http.post(
                "/admin/service-keys", TestApi.ADMIN_TOKEN, "{\"name\":\"chat\",\"scopes\":[\"usage:write\"]}");
        String key = created.json().path("secret").asText();
        String id = created.json().path("id").asText();
        String wrong = key.substring(0, key.length() - 1) + (key.endsWith("0") ? "1" : "0");
        for (String credential : new String[] {key, wrong}) {
            api.http.send(api.http
                    .request("/usage")
                    .header("Authorization", "Bearer " + credential)
                    .header("Billing-Act-As", "user:user_log")
                    .header("Idempotency-Key", "log-" + credential.length())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"meter\":\"api_calls\",\"amount\":1}")));
        }
        api.http.get("/admin/audit", key);
        api.http.post("/admin/service-keys/" + id + "/rotate", TestApi.ADMIN_TOKEN, "{}");

        assertThat(logs.list.stream()
                        .filter(e -> e.getLoggerName().equals("dev.billing.http.access"))
                        .map(LoggingIT::everything))
                .anySatisfy(
                        line -> assertThat(line).contains("serviceKey=" + id).contains("route=/usage"));
        for (ILoggingEvent e : logs.list) {
            assertThat(everything(e)).doesNotContain(key.substring(21)).doesNotContain(wrong.substring(21));
        }
    }

    @Test
    void aWebhookAnsweredAfterItsBatchLogsOneLineWithItsOwnRequestId() {
        api.close();
        // No background permit: every delivery's answer waits until the drainer has processed its batch.
        api = TestApi.startedWithoutPermits(b -> b.requestLog(new Slf4jRequestLog()));
        for (int i = 1; i <= 3; i++) {
            StripeEvent event = Builders.anEvent()
                    .withType("customer.discount.created")
                    .forObject("discount", "di_" + i)
                    .build();
            FakeWebhookVerifier.Delivery d =
                    api.harness.verifier().sign(event, new EventObject.Other(event.objectType(), event.objectId()));
            Http.Response r = api.http.send(api.http
                    .request("/webhooks/stripe")
                    .header("Stripe-Signature", d.signature())
                    .header("X-Request-Id", "trace-hook-" + i)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.body())));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("X-Request-Id")).isEqualTo("trace-hook-" + i);
            assertThat(api.harness
                            .stores()
                            .inbox()
                            .find(event.id())
                            .orElseThrow()
                            .status())
                    .as("answered after its batch was processed")
                    .isNotEqualTo(InboxStatus.PENDING);
        }
        List<ILoggingEvent> hooks = logs.list.stream()
                .filter(e -> e.getLoggerName().equals("dev.billing.http.access"))
                .filter(e -> everything(e).contains("route=/webhooks/stripe"))
                .toList();
        assertThat(hooks).hasSize(3);
        for (int i = 1; i <= 3; i++) {
            ILoggingEvent line = hooks.get(i - 1);
            assertThat(line.getMDCPropertyMap()).containsEntry("requestId", "trace-hook-" + i);
            assertThat(everything(line)).contains("status=200");
        }
    }

    @Test
    void theDefaultRequestLogWritesOnePlainLineThroughSystemLoggerWithoutSecrets() {
        api.close();
        api = TestApi.start();
        String token = api.token("user_plain");
        api.http.send(api.http
                .request("/me/entitlements")
                .header("Authorization", "Bearer " + token)
                .header("X-Request-Id", "trace-plain-1")
                .GET());
        api.http.get("/me/entitlements", "not-a-real-token-value");

        List<ILoggingEvent> access = logs.list.stream()
                .filter(e -> e.getLoggerName().equals("dev.billing.http.access"))
                .filter(e -> e.getFormattedMessage().startsWith("GET /me/entitlements "))
                .toList();
        assertThat(access).hasSize(2);
        assertThat(access.get(0).getFormattedMessage())
                .startsWith("GET /me/entitlements 200 ")
                .contains("route=/me/entitlements")
                .contains("requestId=trace-plain-1")
                .contains("userId=user_plain");
        assertThat(access.get(0).getMDCPropertyMap()).doesNotContainKey("requestId");
        assertThat(access.get(1).getFormattedMessage())
                .startsWith("GET /me/entitlements 401 ")
                .doesNotContain("userId=");
        for (ILoggingEvent e : logs.list) {
            assertThat(everything(e)).doesNotContain(token).doesNotContain("not-a-real-token-value");
        }
    }
}

package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.Await;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.webhook.StripeSignature;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail end to end on local mode (embedded Postgres, the Stripe adapter's verifier): a signed webhook's
 * effect is recorded with the event's id as its cause, a user's request with its request id, and
 * {@code GET /admin/audit} answers them to the admin token only, refusing malformed filters.
 */
class AuditTrailIT {
    @TempDir
    Path dir;

    LocalMode local;
    Http http;

    @BeforeEach
    void start() {
        local = LocalModeIT.start(dir);
        http = Http.local(local.port());
    }

    @AfterEach
    void stop() {
        local.close();
    }

    @Test
    void aSignedWebhooksEffectIsAuditedWithItsEventIdAndAdminsReadIt() {
        byte[] body = ("{\"id\":\"evt_audit_link\",\"object\":\"event\",\"type\":\"customer.created\",\"created\":"
                        + local.emulator().now().getEpochSecond()
                        + ",\"livemode\":false,\"api_version\":\"2026-07-29.dahlia\","
                        + "\"data\":{\"object\":{\"id\":\"cus_audit_e2e\",\"object\":\"customer\","
                        + "\"metadata\":{\"user_id\":\"user_audit_e2e\"}}}}")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder delivery = http.request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .header(
                        "Stripe-Signature",
                        StripeSignature.header(
                                local.webhookSecret(), local.emulator().now(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        assertThat(http.send(delivery).status()).isEqualTo(200);
        assertThat(http.send(delivery).json().path("duplicate").asBoolean()).isTrue();

        Await.until(
                "the event's link is audited",
                () -> http.get("/admin/audit?customerId=cus_audit_e2e", local.adminToken())
                                .json()
                                .path("data")
                                .size()
                        > 0);
        JsonNode page = http.get("/admin/audit?userId=user_audit_e2e&type=customer.linked", local.adminToken())
                .json();
        assertThat(page.path("data")).hasSize(1);
        JsonNode entry = page.path("data").get(0);
        assertThat(entry.path("type").asText()).isEqualTo("customer.linked");
        assertThat(entry.path("entityId").asText()).isEqualTo("cus_audit_e2e");
        assertThat(entry.path("userId").asText()).isEqualTo("user_audit_e2e");
        assertThat(entry.path("cause").asText()).isEqualTo("event:evt_audit_link");
        assertThat(page.path("hasMore").asBoolean()).isFalse();
        assertThat(http.get(
                                "/admin/audit?customerId=cus_audit_e2e&from="
                                        + Instant.now().plusSeconds(3600),
                                local.adminToken())
                        .json()
                        .path("data"))
                .isEmpty();
    }

    @Test
    void aUsersRequestIsAuditedWithItsRequestId() {
        String token = LocalModeIT.token(http, "user_audit_request");
        Http.Response created = http.post("/stripe/customer", token, null, Map.of("X-Request-Id", "req_audit_e2e_1"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String customer = created.json().path("customerId").asText();

        JsonNode page = http.get(
                        "/admin/audit?userId=user_audit_request&type=customer.linked&limit=1", local.adminToken())
                .json();
        // The emulator's customer.created webhook may link first: the cause is whichever inserted the link.
        assertThat(page.path("data").get(0).path("entityId").asText()).isEqualTo(customer);
        assertThat(page.path("data").get(0).path("cause").asText()).matches("request:req_audit_e2e_1|event:evt_.+");
    }

    @Test
    void aWrongAdminTokenIs401AndMalformedFiltersAre400NamingTheFilter() {
        Http.Response wrong = http.get("/admin/audit", "x".repeat(40));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(http.get("/admin/audit", null).status()).isEqualTo(401);

        Map<String, String> malformed = Map.of(
                "/admin/audit?type=subscription.exploded",
                "invalid_type",
                "/admin/audit?cursor=nope",
                "invalid_cursor",
                "/admin/audit?from=yesterday",
                "invalid_from",
                "/admin/audit?to=2026-13-01",
                "invalid_to",
                "/admin/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                "invalid_range",
                "/admin/audit?limit=0",
                "invalid_limit",
                "/admin/audit?customerId=" + "c".repeat(300),
                "invalid_customer_id");
        malformed.forEach((path, code) -> {
            Http.Response r = http.get(path, local.adminToken());
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(400);
            assertThat(r.errorCode()).as(path).isEqualTo(code);
        });
        assertThat(http.get("/admin/audit?limit=100", local.adminToken()).status())
                .isEqualTo(200);
    }
}

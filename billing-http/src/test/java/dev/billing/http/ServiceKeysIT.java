package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.http.Http;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Service API keys over HTTP on the testkit's stores: created, listed, rotated and revoked on the admin routes; a key
 * acts for the user or organization it names in {@code Billing-Act-As} on the routes its scopes open, and for nothing
 * else; what it changes is audited with its id; its secret is in no answer but the one that issued it.
 */
class ServiceKeysIT {
    static final String USER = "user_chat_42";

    TestApi api;

    @BeforeEach
    void start() {
        api = TestApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    JsonNode create(String body) {
        Http.Response r = api.http.post("/admin/service-keys", TestApi.ADMIN_TOKEN, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    Http.Response call(String method, String path, String key, String actAs, String body, Map<String, String> more) {
        HttpRequest.Builder b = api.http.request(path).header("Authorization", "Bearer " + key);
        if (actAs != null) {
            b.header("Billing-Act-As", actAs);
        }
        more.forEach(b::header);
        if (method.equals("GET")) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body));
        }
        return api.http.send(b);
    }

    Http.Response recordUsage(String key, String actAs, String idempotencyKey) {
        return call(
                "POST",
                "/usage",
                key,
                actAs,
                "{\"meter\":\"api_calls\",\"amount\":1}",
                Map.of("Idempotency-Key", idempotencyKey));
    }

    @Test
    void aKeyWithUsageWriteRecordsUsageForTheUserItNames() {
        JsonNode issued = create("{\"name\":\"chat\",\"scopes\":[\"usage:write\",\"entitlements:read\"]}");
        String key = issued.path("secret").asText();
        assertThat(key).startsWith(issued.path("id").asText() + "_");

        Http.Response used = recordUsage(key, "user:" + USER, "chat-1");
        assertThat(used.status()).as(used.body()).isEqualTo(200);
        Http.Response usage = call("GET", "/usage", key, "user:" + USER, null, Map.of());
        assertThat(usage.status()).as(usage.body()).isEqualTo(200);
        assertThat(usage.body()).contains("api_calls");
        // The user's own view, with their session token, shows the use the service recorded.
        Http.Response mine = api.http.get("/usage", api.token(USER));
        assertThat(mine.body()).isEqualTo(usage.body());
    }

    @Test
    void theSameKeyIs403OnAnAdminRouteAndOnAScopeItLacks() {
        String key = create("{\"name\":\"chat\",\"scopes\":[\"usage:write\"]}")
                .path("secret")
                .asText();
        Http.Response admin = api.http.get("/admin/audit", key);
        assertThat(admin.status()).as(admin.body()).isEqualTo(403);
        assertThat(admin.errorCode()).isEqualTo("insufficient_scope");
        Http.Response adminWrite =
                api.http.post("/admin/service-keys", key, "{\"name\":\"x\",\"scopes\":[\"usage:write\"]}");
        assertThat(adminWrite.status()).isEqualTo(403);

        Http.Response lacking = call("GET", "/me/entitlements", key, "user:" + USER, null, Map.of());
        assertThat(lacking.status()).as(lacking.body()).isEqualTo(403);
        assertThat(lacking.errorCode()).isEqualTo("insufficient_scope");
        Http.Response noScopeAtAll = call("GET", "/me/export", key, "user:" + USER, null, Map.of());
        assertThat(noScopeAtAll.status()).isEqualTo(403);
        assertThat(noScopeAtAll.errorCode()).isEqualTo("insufficient_scope");
    }

    @Test
    void thePartyIsAlwaysNamedNeverImplicit() {
        String key = create("{\"name\":\"chat\",\"scopes\":[\"usage:write\"]}")
                .path("secret")
                .asText();
        for (String actAs : new String[] {null, "", "user_1", "user:", "org:user_1", "user:org_1", "user:a b"}) {
            Http.Response r = recordUsage(key, actAs, "k-" + actAs);
            assertThat(r.status()).as(actAs + " " + r.body()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_act_as");
        }
        Http.Response forOrg = recordUsage(key, "org:org_acme", "org-1");
        assertThat(forOrg.status()).as(forOrg.body()).isEqualTo(200);
    }

    @Test
    void aRevokedOrExpiredKeyIs401() {
        JsonNode revokedKey = create("{\"name\":\"old\",\"scopes\":[\"usage:write\"]}");
        String revoked = revokedKey.path("secret").asText();
        assertThat(recordUsage(revoked, "user:" + USER, "before").status()).isEqualTo(200);
        Http.Response revoke = api.http.post(
                "/admin/service-keys/" + revokedKey.path("id").asText() + "/revoke", TestApi.ADMIN_TOKEN, "{}");
        assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);
        assertThat(revoke.json().path("revokedAt").isMissingNode()).isFalse();
        Http.Response afterRevoke = recordUsage(revoked, "user:" + USER, "after");
        assertThat(afterRevoke.status()).isEqualTo(401);
        assertThat(afterRevoke.errorCode()).isEqualTo("service_key_revoked");
        assertThat(afterRevoke.header("WWW-Authenticate")).isEqualTo("Bearer");

        String expiresAt =
                api.harness.clock().instant().plus(Duration.ofDays(1)).toString();
        String expiring = create("{\"name\":\"temp\",\"scopes\":[\"usage:write\"],\"expiresAt\":\"" + expiresAt + "\"}")
                .path("secret")
                .asText();
        assertThat(recordUsage(expiring, "user:" + USER, "in-time").status()).isEqualTo(200);
        api.harness.clock().advance(Duration.ofDays(2));
        Http.Response expired = recordUsage(expiring, "user:" + USER, "too-late");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.errorCode()).isEqualTo("service_key_expired");

        String wrong = revoked.substring(0, revoked.length() - 1) + (revoked.endsWith("0") ? "1" : "0");
        Http.Response unknown = recordUsage(wrong, "user:" + USER, "wrong");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.errorCode()).isEqualTo("unauthenticated");
        for (Http.Response r : new Http.Response[] {afterRevoke, expired, unknown}) {
            assertThat(r.body()).doesNotContain(revoked.substring(21)).doesNotContain(expiring.substring(21));
        }
    }

    @Test
    void rotationReplacesTheSecretAndTheListShowsNoSecret() {
        JsonNode issued = create("{\"name\":\"chat\",\"scopes\":[\"usage:write\"]}");
        String id = issued.path("id").asText();
        String old = issued.path("secret").asText();
        Http.Response rotated = api.http.post("/admin/service-keys/" + id + "/rotate", TestApi.ADMIN_TOKEN, "{}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String fresh = rotated.json().path("secret").asText();
        assertThat(fresh).isNotEqualTo(old).startsWith(id + "_");
        assertThat(recordUsage(old, "user:" + USER, "old").status()).isEqualTo(401);
        assertThat(recordUsage(fresh, "user:" + USER, "fresh").status()).isEqualTo(200);

        Http.Response list = api.http.get("/admin/service-keys", TestApi.ADMIN_TOKEN);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("data").get(0).path("id").asText()).isEqualTo(id);
        assertThat(list.body()).doesNotContain(fresh.substring(21)).doesNotContain("secret");
        JsonNode trail = api.http
                .get("/admin/audit?type=service_key.rotated", TestApi.ADMIN_TOKEN)
                .json()
                .path("data");
        assertThat(trail).hasSize(1);
        assertThat(trail.get(0).path("entityId").asText()).isEqualTo(id);
        assertThat(trail.get(0).path("cause").asText()).startsWith("admin:");
        assertThat(api.http
                        .get("/admin/audit?type=service_key.created", TestApi.ADMIN_TOKEN)
                        .body())
                .contains(id)
                .doesNotContain(fresh.substring(21))
                .doesNotContain(old.substring(21));
        assertThat(api.http
                        .post("/admin/service-keys/bsk_ffffffffffffffff/rotate", TestApi.ADMIN_TOKEN, "{}")
                        .errorCode())
                .isEqualTo("service_key_not_found");
        Http.Response badScope =
                api.http.post("/admin/service-keys", TestApi.ADMIN_TOKEN, "{\"name\":\"x\",\"scopes\":[\"admin\"]}");
        assertThat(badScope.status()).isEqualTo(400);
        assertThat(badScope.errorCode()).isEqualTo("invalid_scopes");
    }

    @Test
    void whatAKeyChangesIsAuditedWithItsId() {
        JsonNode issued = create("{\"name\":\"signup\",\"scopes\":[\"customers:write\"]}");
        String id = issued.path("id").asText();
        Http.Response customer =
                call("POST", "/stripe/customer", issued.path("secret").asText(), "user:" + USER, null, Map.of());
        assertThat(customer.status()).as(customer.body()).isEqualTo(200);
        Http.Response audit = api.http.get("/admin/audit?userId=" + USER, TestApi.ADMIN_TOKEN);
        JsonNode entry = audit.json().path("data").get(0);
        assertThat(entry.path("type").asText()).isEqualTo("customer.linked");
        assertThat(entry.path("cause").asText()).startsWith("service:" + id + ":");
        assertThat(audit.body()).doesNotContain(issued.path("secret").asText().substring(21));
    }

    @Test
    void theAuditEntriesAKeyCausedStayItsAfterTheUserIsErased() {
        JsonNode issued = create("{\"name\":\"signup\",\"scopes\":[\"customers:write\"]}");
        String id = issued.path("id").asText();
        call("POST", "/stripe/customer", issued.path("secret").asText(), "user:" + USER, null, Map.of());
        Http.Response erased = api.http.delete("/admin/users/" + USER + "?confirm=true", TestApi.ADMIN_TOKEN);
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        String pseudonym = dev.billing.core.model.UserId.of(USER).pseudonym().value();
        JsonNode entries = api.http
                .get("/admin/audit?userId=" + pseudonym, TestApi.ADMIN_TOKEN)
                .json()
                .path("data");
        assertThat(entries).isNotEmpty();
        assertThat(entries.findValuesAsText("cause")).anyMatch(c -> c.startsWith("service:" + id + ":"));
        assertThat(api.http
                        .get("/admin/audit?userId=" + USER, TestApi.ADMIN_TOKEN)
                        .body())
                .doesNotContain(id);
        // The key itself names no user: the erasure leaves it as it was.
        assertThat(api.http.get("/admin/service-keys", TestApi.ADMIN_TOKEN).body())
                .contains(id)
                .doesNotContain(USER);
    }

    @Test
    void eachKeyHasItsOwnRateLimit() {
        api.close();
        api = TestApi.start(s -> s.serviceKeyRequestsPerMinute(2).userRequestsPerMinute(1000));
        String first = create("{\"name\":\"a\",\"scopes\":[\"usage:write\"]}")
                .path("secret")
                .asText();
        String second = create("{\"name\":\"b\",\"scopes\":[\"usage:write\"]}")
                .path("secret")
                .asText();
        assertThat(recordUsage(first, "user:u1", "r1").status()).isEqualTo(200);
        assertThat(recordUsage(first, "user:u2", "r2").status()).isEqualTo(200);
        Http.Response limited = recordUsage(first, "user:u3", "r3");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.errorCode()).isEqualTo("rate_limited");
        assertThat(limited.header("Retry-After")).isNotNull();
        assertThat(recordUsage(second, "user:u3", "r3").status()).isEqualTo(200);
    }
}

package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.UserId;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.http.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /me/entitlements and POST /usage for a member whose token names an active organization on a team plan. */
class OrgMemberEntitlementsIT {
    static final String ORG = "org_pool";

    TestApi api;

    @BeforeEach
    void start() {
        api = TestApi.start(BillingHarness.withPlans(SamplePlans.withTeam()));
        String admin = member("user_admin", "org:admin");
        Http.Response checkout = api.http.post(
                "/orgs/" + ORG + "/stripe/checkout", admin, "{\"tier\":\"team\",\"interval\":\"month\",\"seats\":3}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        api.harness.gateway().completeCheckout(checkout.json().path("sessionId").asText());
        api.harness.billing().useCases().reconcile().user(UserId.of(ORG));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    String member(String user, String role) {
        return api.minter
                .token()
                .subject(user)
                .session("sess_" + user)
                .claim("org_id", ORG)
                .claim("org_role", role)
                .sign();
    }

    static JsonNode quota(JsonNode entitlements, String meter) {
        for (JsonNode q : entitlements.path("quotas")) {
            if (q.path("meter").asText().equals(meter)) {
                return q;
            }
        }
        throw new AssertionError("no quota " + meter + " in " + entitlements);
    }

    @Test
    void aMemberSeesTheTeamPlanWithWhereEachPartComesFrom() {
        JsonNode seen = api.http
                .get("/me/entitlements", member("user_ada", "org:member"))
                .json();

        assertThat(seen.path("tier").asText()).isEqualTo("team");
        assertThat(seen.path("sources").path("organizationId").asText()).isEqualTo(ORG);
        assertThat(seen.path("sources").path("tier").asText()).isEqualTo("organization");
        assertThat(seen.path("sources").path("features").path("projects").asText())
                .isEqualTo("user");
        assertThat(seen.path("sources").path("features").path("sso").asText()).isEqualTo("organization");
        assertThat(seen.path("sources").path("quotas").path("api_calls").asText())
                .isEqualTo("organization");

        JsonNode alone = api.http.get("/me/entitlements", api.token("user_ada")).json();
        assertThat(alone.path("tier").asText()).isEqualTo("free");
        assertThat(alone.path("sources").isNull() || alone.path("sources").isMissingNode())
                .isTrue();
    }

    @Test
    void membersUsageOfASharedMeterFillsTheTeamsPool() {
        String ada = member("user_ada", "org:member");
        String bob = member("user_bob", "org:member");

        assertThat(api.http
                        .post("/usage", ada, "{\"meter\":\"api_calls\",\"amount\":30}", Map.of("Idempotency-Key", "k1"))
                        .status())
                .isEqualTo(200);
        assertThat(api.http
                        .post("/usage", bob, "{\"meter\":\"api_calls\",\"amount\":12}", Map.of("Idempotency-Key", "k1"))
                        .status())
                .isEqualTo(200);
        assertThat(api.http
                        .post("/usage", bob, "{\"meter\":\"exports\",\"amount\":3}", Map.of("Idempotency-Key", "k2"))
                        .status())
                .isEqualTo(200);

        assertThat(quota(api.http.get("/orgs/" + ORG + "/entitlements", ada).json(), "api_calls")
                        .path("used")
                        .asLong())
                .isEqualTo(42);
        assertThat(quota(api.http.get("/me/entitlements", ada).json(), "api_calls")
                        .path("used")
                        .asLong())
                .isEqualTo(42);
        assertThat(quota(api.http.get("/me/entitlements", ada).json(), "exports")
                        .path("used")
                        .asLong())
                .isZero();
        assertThat(quota(api.http.get("/me/entitlements", bob).json(), "exports")
                        .path("used")
                        .asLong())
                .isEqualTo(3);
    }
}

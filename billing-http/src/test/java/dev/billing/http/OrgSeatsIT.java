package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.UserId;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.http.Http;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A per-seat plan for an organization: bought with a number of seats, changed by managers, shown to members. */
class OrgSeatsIT {
    static final String ORG = "org_seats";

    TestApi api;
    String admin;
    String member;

    @BeforeEach
    void start() {
        api = TestApi.start(BillingHarness.withPlans(SamplePlans.withTeam()));
        admin = orgToken("user_admin", "org:admin");
        member = orgToken("user_member", "org:member");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    String orgToken(String user, String role) {
        return api.minter
                .token()
                .subject(user)
                .session("sess_" + user)
                .claim("org_id", ORG)
                .claim("org_role", role)
                .claim("org_permissions", List.of())
                .sign();
    }

    String buyTeam(long seats) {
        Http.Response checkout = api.http.post(
                "/orgs/" + ORG + "/stripe/checkout",
                admin,
                "{\"tier\":\"team\",\"interval\":\"month\",\"seats\":" + seats + "}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        String subscription = api.harness
                .gateway()
                .completeCheckout(checkout.json().path("sessionId").asText());
        api.harness.billing().useCases().reconcile().user(UserId.of(ORG));
        return subscription;
    }

    @Test
    void anAdminBuysFiveSeatsAndTheMembersSeeThem() {
        buyTeam(5);

        JsonNode entitlements =
                api.http.get("/orgs/" + ORG + "/entitlements", member).json();
        assertThat(entitlements.path("tier").asText()).isEqualTo("team");
        assertThat(entitlements.path("seats").path("seats").asLong()).isEqualTo(5);
        assertThat(entitlements.path("seats").path("overLimit").asBoolean()).isFalse();
    }

    @Test
    void managersChangeTheSeatsAndMembersCannot() {
        String subscription = buyTeam(5);

        Http.Response refused = api.http.post("/orgs/" + ORG + "/seats", member, "{\"seats\":8}");
        assertThat(refused.status()).isEqualTo(403);

        Http.Response changed = api.http.post("/orgs/" + ORG + "/seats", admin, "{\"seats\":8}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("id").asText()).isEqualTo(subscription);
        assertThat(api.harness
                        .gateway()
                        .getSubscription(subscription)
                        .orElseThrow()
                        .quantity())
                .isEqualTo(8);
        assertThat(api.http
                        .get("/orgs/" + ORG + "/entitlements", member)
                        .json()
                        .path("seats")
                        .path("seats")
                        .asLong())
                .isEqualTo(8);
    }

    @Test
    void seatsOutOfRangeOrOnAPlanNotSoldByTheSeatAreRefused() {
        Http.Response none = api.http.post("/orgs/" + ORG + "/seats", admin, "{\"seats\":3}");
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.errorCode()).isEqualTo("no_subscription");

        Http.Response proSeats = api.http.post(
                "/orgs/" + ORG + "/stripe/checkout", admin, "{\"tier\":\"pro\",\"interval\":\"month\",\"seats\":3}");
        assertThat(proSeats.status()).isEqualTo(400);
        assertThat(proSeats.errorCode()).isEqualTo("not_per_seat");

        buyTeam(2);
        for (String body : List.of("{\"seats\":0}", "{\"seats\":10001}", "{}", "{\"seats\":\"4\"}")) {
            Http.Response r = api.http.post("/orgs/" + ORG + "/seats", admin, body);
            assertThat(r.status()).as(body).isEqualTo(400);
        }
    }
}

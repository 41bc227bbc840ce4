package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.http.Http;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An organization's billing over HTTP: its own customer, Checkout, subscriptions, invoices, refunds and entitlements
 * under {@code /orgs/{orgId}}, reached only by members (the token's active organization), changed only by those who
 * manage its billing (role org:admin or permission org:billing:manage).
 */
class OrgRoutesIT {
    static final String ORG = "org_acme";

    TestApi api;
    String admin;
    String member;
    String biller;
    String outsider;

    @BeforeEach
    void start() {
        api = TestApi.start();
        admin = orgToken("user_admin", ORG, "org:admin", List.of());
        member = orgToken("user_member", ORG, "org:member", List.of());
        biller = orgToken("user_biller", ORG, "org:member", List.of("org:billing:manage"));
        outsider = orgToken("user_outsider", "org_other", "org:admin", List.of());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    String orgToken(String user, String org, String role, List<String> permissions) {
        return api.minter
                .token()
                .subject(user)
                .session("sess_" + user)
                .claim("org_id", org)
                .claim("org_role", role)
                .claim("org_permissions", permissions)
                .sign();
    }

    @Test
    void anAdminBuysAPlanForTheOrganizationWhichHasACustomerOfItsOwn() {
        Http.Response org = api.http.post("/orgs/" + ORG + "/stripe/customer", admin, null);
        assertThat(org.status()).as(org.body()).isEqualTo(200);
        Http.Response own = api.http.post("/stripe/customer", admin, null);
        assertThat(own.json().path("customerId").asText())
                .isNotEqualTo(org.json().path("customerId").asText());
        assertThat(api.harness.gateway().customersOf(UserId.of(ORG))).hasSize(1);

        Http.Response checkout =
                api.http.post("/orgs/" + ORG + "/stripe/checkout", admin, "{\"tier\":\"pro\",\"interval\":\"month\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        String subscription = api.harness
                .gateway()
                .completeCheckout(checkout.json().path("sessionId").asText());
        api.harness.billing().useCases().reconcile().user(UserId.of(ORG));

        JsonNode entitlements =
                api.http.get("/orgs/" + ORG + "/entitlements", member).json();
        assertThat(entitlements.path("tier").asText()).isEqualTo("pro");
        assertThat(entitlements.path("subscriptionId").asText()).isEqualTo(subscription);
        assertThat(api.http
                        .get("/orgs/" + ORG + "/stripe/subscriptions", member)
                        .json()
                        .path("data"))
                .hasSize(1);
        assertThat(api.http.get("/stripe/subscriptions", admin).json().path("data"))
                .as("the admin's own account is another one")
                .isEmpty();

        Http.Response again =
                api.http.post("/orgs/" + ORG + "/stripe/checkout", admin, "{\"tier\":\"pro\",\"interval\":\"year\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("error").path("message").asText())
                .contains("POST /orgs/" + ORG + "/stripe/portal");
    }

    @Test
    void aMemberWithoutTheBillingRightMayReadButNotBuy() {
        Http.Response checkout =
                api.http.post("/orgs/" + ORG + "/stripe/checkout", member, "{\"tier\":\"pro\",\"interval\":\"month\"}");
        assertThat(checkout.status()).isEqualTo(403);
        assertThat(checkout.errorCode()).isEqualTo("org_billing_forbidden");
        assertThat(checkout.json().path("error").path("message").asText())
                .contains("org:admin")
                .contains("org:billing:manage");
        assertThat(api.http
                        .post("/orgs/" + ORG + "/stripe/portal", member, null)
                        .status())
                .isEqualTo(403);
        assertThat(api.http
                        .get("/orgs/" + ORG + "/stripe/payment-methods", member)
                        .status())
                .isEqualTo(403);
        assertThat(api.http.get("/orgs/" + ORG + "/entitlements", member).status())
                .isEqualTo(200);
        assertThat(api.harness.gateway().customerCount()).isZero();
    }

    @Test
    void membersReadTheOrganizationsRefundsAndNotAnyoneElses() {
        Http.Response org = api.http.post("/orgs/" + ORG + "/stripe/customer", admin, null);
        assertThat(org.status()).as(org.body()).isEqualTo(200);
        CustomerId customer = CustomerId.of(org.json().path("customerId").asText());
        Instant now = api.harness.clock().instant();
        api.harness
                .stores()
                .subscriptions()
                .upsertRefund(new PaymentRefund(
                        "re_org_1",
                        customer,
                        "ch_org",
                        "pi_org",
                        700,
                        "usd",
                        "succeeded",
                        null,
                        now,
                        SourceVersion.snapshot(now)));

        JsonNode refunds =
                api.http.get("/orgs/" + ORG + "/stripe/refunds", member).json().path("data");
        assertThat(refunds).singleElement().satisfies(r -> {
            assertThat(r.path("id").asText()).isEqualTo("re_org_1");
            assertThat(r.path("amount").asLong()).isEqualTo(700);
        });
        assertThat(api.http.get("/stripe/refunds", member).json().path("data"))
                .as("the member's own")
                .isEmpty();
        assertThat(api.http.get("/orgs/" + ORG + "/stripe/refunds", outsider).status())
                .isEqualTo(404);
    }

    @Test
    void theBillingPermissionManagesWithoutTheAdminRole() {
        Http.Response checkout = api.http.post(
                "/orgs/" + ORG + "/stripe/checkout", biller, "{\"tier\":\"basic\",\"interval\":\"month\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
    }

    @Test
    void aNonMemberFindsNoOrganization() {
        for (Http.Response r : List.of(
                api.http.get("/orgs/" + ORG + "/stripe/invoices", outsider),
                api.http.get("/orgs/" + ORG + "/entitlements", outsider),
                api.http.post(
                        "/orgs/" + ORG + "/stripe/checkout", outsider, "{\"tier\":\"pro\",\"interval\":\"month\"}"),
                api.http.get("/orgs/" + ORG + "/entitlements", api.token("user_solo")),
                api.http.get("/orgs/not-an-org/entitlements", admin))) {
            assertThat(r.status()).as(r.body()).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("organization_not_found");
        }
        assertThat(api.http.get("/orgs/" + ORG + "/entitlements", null).status())
                .isEqualTo(401);
    }

    @Test
    void twentyConcurrentFirstCallsMakeOneCustomer() {
        List<String> ids = Race.run(
                20,
                i -> api.http
                        .post("/orgs/" + ORG + "/stripe/customer", admin, null)
                        .json()
                        .path("customerId")
                        .asText());

        assertThat(ids).containsOnly(ids.get(0));
        assertThat(api.harness.gateway().customerCount()).isEqualTo(1);
    }

    @Test
    void aTokenWhoseSubjectIsAnOrganizationIsRefused() {
        String forged = api.minter.token().subject(ORG).session("sess_x").sign();

        Http.Response r = api.http.get("/me/entitlements", forged);

        assertThat(r.status()).isEqualTo(401);
        assertThat(api.http.post("/stripe/customer", forged, null).status()).isEqualTo(401);
    }
}

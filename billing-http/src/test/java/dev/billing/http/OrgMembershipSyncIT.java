package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.clerk.ClerkWebhookVerifier;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.model.UserId;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.webhook.SvixSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Membership sync over HTTP: Clerk's membership webhooks, signed by Svix with the real verifier, keep the
 * organization's member count; entitlements report the seats used; seats never go below the members.
 */
class OrgMembershipSyncIT {
    static final String ORG = "org_team";

    TestApi api;
    String admin;

    @BeforeEach
    void start() {
        api = TestApi.start(BillingHarness.withPlans(
                SamplePlans.withTeam(),
                OrgOptions.defaults().withMembershipSync(true),
                ClerkWebhookVerifier.create(List.of(SvixSignature.SECRET))));
        admin = api.minter
                .token()
                .subject("user_admin")
                .session("sess_admin")
                .claim("org_id", ORG)
                .claim("org_role", "org:admin")
                .sign();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    Http.Response deliver(String svixId, String body, Instant signedAt, String signature) {
        return api.http.post(
                "/webhooks/clerk",
                null,
                body,
                Map.of(
                        "svix-id",
                        svixId,
                        "svix-timestamp",
                        Long.toString(signedAt.getEpochSecond()),
                        "svix-signature",
                        signature));
    }

    Http.Response deliver(String svixId, String action, String user, Instant at) {
        String body = SvixSignature.membershipEvent(action, ORG, user, "org:member", at);
        Instant now = api.harness.clock().instant();
        return deliver(
                svixId,
                body,
                now,
                SvixSignature.sign(SvixSignature.SECRET, svixId, now, body.getBytes(StandardCharsets.UTF_8)));
    }

    void buyTeam(long seats) {
        Http.Response checkout = api.http.post(
                "/orgs/" + ORG + "/stripe/checkout",
                admin,
                "{\"tier\":\"team\",\"interval\":\"month\",\"seats\":" + seats + "}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        api.harness.gateway().completeCheckout(checkout.json().path("sessionId").asText());
        api.harness.billing().useCases().reconcile().user(UserId.of(ORG));
    }

    JsonNode seats() {
        return api.http.get("/orgs/" + ORG + "/entitlements", admin).json().path("seats");
    }

    @Test
    void anAdminBuysFiveSeatsAndASixthMemberIsOverTheLimit() {
        buyTeam(5);
        Instant t = api.harness.clock().instant().minusSeconds(60);
        for (int u = 1; u <= 5; u++) {
            assertThat(deliver("msg_join_" + u, "created", "user_" + u, t.plusSeconds(u))
                            .status())
                    .isEqualTo(200);
        }
        assertThat(seats().path("seatsUsed").asLong()).isEqualTo(5);
        assertThat(seats().path("overLimit").asBoolean()).isFalse();

        assertThat(deliver("msg_join_6", "created", "user_6", t.plusSeconds(6)).status())
                .isEqualTo(200);

        assertThat(seats().path("seats").asLong()).isEqualTo(5);
        assertThat(seats().path("seatsUsed").asLong()).isEqualTo(6);
        assertThat(seats().path("overLimit").asBoolean()).isTrue();
        Http.Response below = api.http.post("/orgs/" + ORG + "/seats", admin, "{\"seats\":5}");
        assertThat(below.status()).isEqualTo(409);
        assertThat(below.errorCode()).isEqualTo("seats_below_members");
        assertThat(api.http
                        .post("/orgs/" + ORG + "/seats", admin, "{\"seats\":6}")
                        .status())
                .isEqualTo(200);
        assertThat(seats().path("overLimit").asBoolean()).isFalse();
    }

    @Test
    void duplicatedAndReorderedDeliveriesLeaveTheRightMemberCount() {
        buyTeam(20);
        Instant t = api.harness.clock().instant().minusSeconds(600);
        record Delivery(String id, String action, String user, Instant at) {}
        List<Delivery> changes = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            changes.add(new Delivery("msg_c" + u, "created", "user_" + u, t.plusSeconds(u)));
            if (u % 3 == 0) {
                changes.add(new Delivery("msg_d" + u, "deleted", "user_" + u, t.plusSeconds(100 + u)));
            }
        }
        List<Delivery> deliveries = new ArrayList<>(changes);
        deliveries.addAll(changes);
        Collections.shuffle(deliveries, new Random(3));

        List<Boolean> duplicates = new ArrayList<>();
        for (Delivery d : deliveries) {
            Http.Response r = deliver(d.id(), d.action(), d.user(), d.at());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            duplicates.add(r.json().path("duplicate").asBoolean());
        }

        assertThat(duplicates).filteredOn(b -> b).hasSize(changes.size());
        assertThat(seats().path("seatsUsed").asLong()).isEqualTo(6);
        assertThat(api.harness.stores().memberships().countActive(ORG)).isEqualTo(6);
    }

    @Test
    void aBadSignatureOrAStaleTimestampIs400AndStoresNothing() {
        String body = SvixSignature.membershipEvent(
                "created", ORG, "user_1", "org:member", api.harness.clock().instant());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Instant now = api.harness.clock().instant();
        String wrongSecret = "whsec_"
                + java.util.Base64.getEncoder()
                        .encodeToString("somebody-elses-signing-secret-01".getBytes(StandardCharsets.UTF_8));
        Instant stale = now.minusSeconds(301);

        List<Http.Response> refused = List.of(
                deliver("msg_1", body, now, SvixSignature.sign(wrongSecret, "msg_1", now, bytes)),
                deliver("msg_1", body, stale, SvixSignature.sign(SvixSignature.SECRET, "msg_1", stale, bytes)),
                deliver(
                        "msg_1",
                        body.replace("user_1", "user_2"),
                        now,
                        SvixSignature.sign(SvixSignature.SECRET, "msg_1", now, bytes)),
                api.http.post("/webhooks/clerk", null, body, Map.of()));

        assertThat(refused).allSatisfy(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_webhook");
        });
        assertThat(api.harness.stores().inbox().countByStatus().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isZero();
        assertThat(api.harness.stores().memberships().count()).isZero();
    }

    @Test
    void anErasedMembersRemovalLowersTheMemberCount() {
        buyTeam(10);
        Instant t = api.harness.clock().instant().minusSeconds(600);
        for (int u = 1; u <= 3; u++) {
            assertThat(deliver("msg_join_" + u, "created", "user_" + u, t.plusSeconds(u))
                            .status())
                    .isEqualTo(200);
        }
        assertThat(seats().path("seatsUsed").asLong()).isEqualTo(3);
        String member = api.minter.token().subject("user_2").session("sess_2").sign();
        JsonNode exported = api.http.get("/me/export", member).json().path("memberships");
        assertThat(exported).hasSize(1);
        assertThat(exported.get(0).path("organizationId").asText()).isEqualTo(ORG);
        assertThat(exported.get(0).path("membershipId").asText()).isEqualTo(SvixSignature.membershipId(ORG, "user_2"));

        Http.Response erased = api.http.delete("/me?confirm=true", member);
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(erased.json().path("memberships").asInt()).isEqualTo(1);
        assertThat(deliver("msg_leave_2", "deleted", "user_2", t.plusSeconds(60))
                        .status())
                .isEqualTo(200);

        assertThat(seats().path("seatsUsed").asLong()).isEqualTo(2);
        assertThat(api.harness.stores().memberships().ofUser(UserId.of("user_2")))
                .isEmpty();
        // A redelivery, or the joining arriving late, changes nothing.
        assertThat(deliver("msg_leave_2", "deleted", "user_2", t.plusSeconds(60))
                        .json()
                        .path("duplicate")
                        .asBoolean())
                .isTrue();
        assertThat(deliver("msg_join_2_late", "created", "user_2", t.plusSeconds(2))
                        .status())
                .isEqualTo(200);
        assertThat(seats().path("seatsUsed").asLong()).isEqualTo(2);
        assertThat(api.harness.stores().memberships().ofUser(UserId.of("user_2")))
                .isEmpty();
    }

    @Test
    void aBodyNamingAKeyTwiceOrAMembershipWithoutClerkIdsIs400AndStoresNothing() {
        Instant now = api.harness.clock().instant();
        String good = SvixSignature.membershipEvent("created", ORG, "user_1", "org:member", now);
        List<String> bodies = List.of(
                good.replace("\"organization\":{", "\"organization\":{\"id\":\"org_other\","),
                good.replace("\"type\":", "\"type\":\"organizationMembership.deleted\",\"type\":"),
                good.replace("\"" + ORG + "\"", "\"team\""),
                good.replace("\"user_1\"", "\"someone\""),
                good.replace("\"" + SvixSignature.membershipId(ORG, "user_1") + "\"", "\"mem_1\""));

        for (String body : bodies) {
            Http.Response r = deliver(
                    "msg_bad",
                    body,
                    now,
                    SvixSignature.sign(SvixSignature.SECRET, "msg_bad", now, body.getBytes(StandardCharsets.UTF_8)));
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_webhook");
            assertThat(r.json().path("error").path("message").asText())
                    .contains("Clerk event")
                    .doesNotContain("Stripe");
        }
        assertThat(api.harness.stores().inbox().countByStatus().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isZero();
        assertThat(api.harness.stores().memberships().count()).isZero();
    }

    @Test
    void aDeliveryWithoutTheSvixHeadersIsToldWhichHeadersItNeeds() {
        String body = SvixSignature.membershipEvent(
                "created", ORG, "user_1", "org:member", api.harness.clock().instant());

        Http.Response r = api.http.post("/webhooks/clerk", null, body, Map.of("Stripe-Signature", "t=1,v1=x"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_webhook");
        assertThat(r.json().path("error").path("message").asText())
                .contains("svix-id", "svix-timestamp", "svix-signature")
                .doesNotContain("Stripe-Signature");
    }

    @Test
    void withoutMembershipSyncThereIsNoClerkRoute() {
        try (TestApi off = TestApi.start(BillingHarness.withPlans(SamplePlans.withTeam()))) {
            assertThat(off.http.post("/webhooks/clerk", null, "{}", Map.of()).status())
                    .isEqualTo(404);
        }
    }
}

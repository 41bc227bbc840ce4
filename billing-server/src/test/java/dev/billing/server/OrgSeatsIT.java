package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.emulator.RecordedRequest;
import dev.billing.testkit.Await;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.webhook.SvixSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Organizations' seats following their members on the real server (local mode: embedded Postgres, the Stripe
 * emulator through stripe-java, Clerk's membership webhooks signed by Svix and checked by the real verifier):
 * concurrent joins send Stripe only the current count, in order; an erased member's later removal lowers the count
 * and the seats; and turning auto-seats on aligns the seats at start, without waiting for a membership event.
 */
class OrgSeatsIT {
    static final String PLANS = """
            tiers:
              free: {rank: 0}
              team:
                rank: 1
                perSeat: true
                prices: {month: {amount: 1000, currency: usd}}
            """;

    @TempDir
    static Path dir;

    static LocalFixture f;

    static Map<String, String> env(Path plans, boolean autoSeats) {
        return Map.of(
                "BILLING_PLANS_FILE",
                plans.toString(),
                "BILLING_MEMBERSHIP_SYNC",
                "true",
                "BILLING_AUTO_SEATS",
                Boolean.toString(autoSeats),
                "CLERK_WEBHOOK_SECRET",
                SvixSignature.SECRET);
    }

    static Path plans(Path under) throws IOException {
        return Files.writeString(Files.createDirectories(under.resolve("conf")).resolve("plans.yaml"), PLANS);
    }

    @BeforeAll
    static void start() throws IOException {
        f = LocalFixture.start(dir.resolve("data"), env(plans(dir), true));
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    static String adminToken(Http http, String org) {
        Http.Response r = http.post(
                "/local/token",
                null,
                "{\"userId\":\"user_owner" + org.substring(4) + "\",\"orgId\":\"" + org
                        + "\",\"orgRole\":\"org:admin\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("token").asText();
    }

    /** Checkout for {@code seats} seats of the team plan, paid in the emulator; the subscription's id once in force. */
    static String buyTeam(LocalFixture f, String org, String admin, long seats) {
        Http.Response checkout = f.http.post(
                "/orgs/" + org + "/stripe/checkout",
                admin,
                "{\"tier\":\"team\",\"interval\":\"month\",\"seats\":" + seats + "}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        String subscription = f.emulator
                .completeCheckoutSession(checkout.json().path("sessionId").asText())
                .subscriptionId();
        f.await(
                "/orgs/" + org + "/entitlements",
                admin,
                e -> e.path("tier").asText().equals("team"));
        return subscription;
    }

    /** Clerk's organizationMembership.{action} for the user, signed by Svix now, over HTTP. */
    static Http.Response deliver(LocalFixture f, String svixId, String action, String org, String user, Instant at) {
        byte[] body = SvixSignature.membershipEvent(action, org, user, "org:member", at)
                .getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.now();
        return f.http.post(
                "/webhooks/clerk",
                null,
                new String(body, StandardCharsets.UTF_8),
                Map.of(
                        "svix-id",
                        svixId,
                        "svix-timestamp",
                        Long.toString(now.getEpochSecond()),
                        "svix-signature",
                        SvixSignature.sign(SvixSignature.SECRET, svixId, now, body)));
    }

    static long quantityAtStripe(LocalFixture f, String subscription) {
        return f.stripeObject(subscription)
                .path("items")
                .path("data")
                .get(0)
                .path("quantity")
                .asLong();
    }

    static JsonNode seats(LocalFixture f, String org, String admin) {
        return f.http.get("/orgs/" + org + "/entitlements", admin).json().path("seats");
    }

    /** The quantities this server sent the subscription since the request log was cleared, in order. */
    static List<Long> quantitiesSent(LocalFixture f, String subscription) {
        return f.requests("POST", "/v1/subscriptions/" + subscription).stream()
                .map(OrgSeatsIT::quantity)
                .filter(q -> q != null)
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static Long quantity(RecordedRequest request) {
        Object items = request.params().get("items");
        Object first = items instanceof List<?> list && !list.isEmpty()
                ? list.get(0)
                : items instanceof Map<?, ?> map ? map.get("0") : null;
        Object quantity = first instanceof Map<?, ?> item ? ((Map<String, Object>) item).get("quantity") : null;
        return quantity == null ? null : Long.valueOf(quantity.toString());
    }

    @Test
    void twelveConcurrentJoinsSendStripeOnlyRisingCountsAndEndOnTwelveSeats() {
        String org = "org_race";
        String admin = adminToken(f.http, org);
        String subscription = buyTeam(f, org, admin, 1);
        f.awaitIdle();
        f.emulator.clearRequestLog();
        Instant at = Instant.now();

        List<Integer> statuses = Race.run(
                12,
                u -> deliver(f, "msg_race_" + u, "created", org, "user_r" + u, at.plusMillis(u))
                        .status());

        assertThat(statuses).containsOnly(200);
        // A join beyond the inline permits is answered once stored and applied by the worker: wait for the last one.
        f.awaitIdle();
        LocalFixture.eventually("twelve seats at Stripe", () -> quantityAtStripe(f, subscription) == 12);
        List<Long> sent = quantitiesSent(f, subscription);
        System.out.printf("12 concurrent joins: quantities sent to Stripe %s%n", sent);
        assertThat(sent)
                .as("only joins: the quantities sent never go down")
                .isSorted()
                .doesNotHaveDuplicates()
                .hasSizeBetween(1, 12)
                .endsWith(12L);
        assertThat(quantityAtStripe(f, subscription)).isEqualTo(12);
        assertThat(seats(f, org, admin).path("seatsUsed").asLong()).isEqualTo(12);
    }

    @Test
    void anErasedMembersRemovalLowersTheMemberCountAndTheSeats() {
        String org = "org_erase";
        String admin = adminToken(f.http, org);
        String subscription = buyTeam(f, org, admin, 1);
        Instant at = Instant.now();
        for (String user : List.of("user_ada", "user_bob", "user_cy")) {
            assertThat(deliver(f, "msg_join_" + user, "created", org, user, at).status())
                    .isEqualTo(200);
        }
        Await.until("three seats", () -> quantityAtStripe(f, subscription) == 3);

        // Ada erases herself, then an admin erases Bob; Clerk still has both, and later removes them.
        Http.Response mine = f.http.delete("/me?confirm=true", f.token("user_ada"));
        assertThat(mine.status()).as(mine.body()).isEqualTo(200);
        assertThat(mine.json().path("memberships").asInt()).isEqualTo(1);
        assertThat(deliver(f, "msg_leave_ada", "deleted", org, "user_ada", at.plusSeconds(5))
                        .status())
                .isEqualTo(200);

        assertThat(seats(f, org, admin).path("seatsUsed").asLong()).isEqualTo(2);
        Await.until("two seats", () -> quantityAtStripe(f, subscription) == 2);

        Http.Response theirs = f.http.delete("/admin/users/user_bob?confirm=true", f.local.adminToken());
        assertThat(theirs.status()).as(theirs.body()).isEqualTo(200);
        assertThat(deliver(f, "msg_leave_bob", "deleted", org, "user_bob", at.plusSeconds(6))
                        .status())
                .isEqualTo(200);

        assertThat(seats(f, org, admin).path("seatsUsed").asLong()).isEqualTo(1);
        Await.until("one seat", () -> quantityAtStripe(f, subscription) == 1);
        assertThat(f.stores().memberships().ofUser(dev.billing.core.model.UserId.of("user_ada")))
                .isEmpty();
        assertThat(f.stores().memberships().ofUser(dev.billing.core.model.UserId.of("user_bob")))
                .isEmpty();
    }

    @Test
    void turningAutoSeatsOnAlignsTheSeatsAtStartWithoutAMembershipEvent(@TempDir Path other) throws IOException {
        Path plans = plans(other);
        String org = "org_align";
        String subscription;
        Map<String, String> syncOnly = new HashMap<>(env(plans, false));
        try (LocalFixture first = LocalFixture.start(other.resolve("data"), syncOnly)) {
            String admin = adminToken(first.http, org);
            subscription = buyTeam(first, org, admin, 1);
            Instant at = Instant.now();
            for (int u = 0; u < 4; u++) {
                assertThat(deliver(first, "msg_align_" + u, "created", org, "user_a" + u, at)
                                .status())
                        .isEqualTo(200);
            }
            assertThat(seats(first, org, admin).path("seatsUsed").asLong()).isEqualTo(4);
            first.awaitIdle();
            assertThat(quantityAtStripe(first, subscription))
                    .as("auto-seats off: the seats stay")
                    .isEqualTo(1);
        }

        try (LocalFixture second = LocalFixture.start(other.resolve("data"), env(plans, true))) {
            Await.until(
                    "the seats follow the four members without a membership event",
                    () -> quantityAtStripe(second, subscription) == 4);
            assertThat(second.local.banner())
                    .contains("/webhooks/clerk verifies Svix signatures with")
                    .contains("(membership sync, auto-seats)");
        }
    }
}

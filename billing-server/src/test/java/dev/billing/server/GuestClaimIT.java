package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.emulator.CheckoutCompletion;
import dev.billing.testkit.http.Http;
import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest's purchase claimed by a user, on the real server (local mode): the guest pays through the emulator's
 * Checkout, the user with the buyer's verified email claims it, an admin refunds it. The claim moves the purchase, so
 * the user sees one purchase with its refund, analytics count it once, and the trail records it once.
 */
class GuestClaimIT {
    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() throws Exception {
        Path plans = dir.resolve("guest-plans.yaml");
        Files.writeString(plans, guestPlans());
        f = LocalFixture.start(dir.resolve("data"), Map.of("BILLING_PLANS_FILE", plans.toString()));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void aClaimedGuestPurchaseIsTheUsersOnceWithItsRefund() throws Exception {
        Http.Response checkout = f.http.post(
                "/guest/checkout", null, "{\"priceId\":\"price_credits_100\",\"email\":\"Visitor@Example.com\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        String session = checkout.json().path("sessionId").asText();
        CheckoutCompletion paid = f.emulator.completeCheckoutSession(session);
        f.awaitIdle();
        String user = verifiedToken("user_claimer", "visitor@example.com");

        Http.Response claimed = f.http.post("/me/guest-purchases/claim", user, null);
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
        assertThat(claimed.json().path("data"))
                .singleElement()
                .satisfies(p -> assertThat(p.path("sessionId").asText()).isEqualTo(session));
        // A retried claim answers the same and changes nothing.
        assertThat(f.http.post("/me/guest-purchases/claim", user, null).json().path("data"))
                .hasSize(1);

        Http.Response refund = f.http.post(
                "/admin/refunds",
                f.local.adminToken(),
                "{\"paymentIntentId\":\"" + paid.paymentIntentId() + "\",\"amount\":300}",
                Map.of("Idempotency-Key", "refund-claimed"));
        assertThat(refund.status()).as(refund.body()).isEqualTo(200);
        String refundId = refund.json().path("id").asText();
        f.awaitIdle();

        // Every webhook is processed now: the answers are final.
        JsonNode purchases = f.http.get("/stripe/purchases", user).json().path("data");
        assertThat(purchases).as(purchases.toString()).hasSize(1);
        assertThat(purchases.get(0).path("id").asText()).isEqualTo(session);
        assertThat(purchases.get(0).path("amountRefunded").asLong()).isEqualTo(300);
        assertThat(purchases.get(0).path("paymentIntentId").asText()).isEqualTo(paid.paymentIntentId());
        assertThat(purchases.get(0).path("amountTotal").asLong()).isEqualTo(1000);
        assertThat(f.http.get("/stripe/refunds", user).json().path("data"))
                .singleElement()
                .satisfies(r -> assertThat(r.path("id").asText()).isEqualTo(refundId));
        assertThat(f.entitlements(user).path("ownedItems").toString()).isEqualTo("[\"credits_100\"]");

        JsonNode revenue = f.http.get("/admin/analytics/revenue?fresh=true", f.local.adminToken())
                .json();
        long count = 0;
        long amount = 0;
        for (JsonNode month : revenue.path("purchases")) {
            count += month.path("count").asLong();
            amount += month.path("amountTotal").asLong();
        }
        assertThat(count).as(revenue.toString()).isEqualTo(1);
        assertThat(amount).isEqualTo(1000);
        assertThat(trail("purchase.recorded")).as("recorded once").containsExactly(session);
        assertThat(trail("purchase.claimed")).as("moved once").containsExactly(session);
        assertThat(trail("refund.created")).containsExactly(refundId);
    }

    /** The entity ids of the trail's entries of one type. */
    private static List<String> trail(String type) {
        Http.Response r = f.http.get("/admin/audit?type=" + type + "&limit=100", f.local.adminToken());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().path("data").forEach(e -> ids.add(e.path("entityId").asText()));
        return ids;
    }

    /** A session token with a verified email, signed with local mode's key (its own tokens carry no email). */
    private static String verifiedToken(String user, String email) throws Exception {
        String pem = Files.readString(
                        dir.resolve("data").resolve("keys").resolve("local-signing-key.pem"), StandardCharsets.US_ASCII)
                .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        Instant now = Instant.now();
        return Jwts.builder()
                .header()
                .type("JWT")
                .keyId(LocalKeys.KID)
                .and()
                .issuer(LocalMode.LOCAL_ISSUER)
                .subject(user)
                .claim("sid", "sess_" + user)
                .claim("email", email)
                .claim("email_verified", true)
                .issuedAt(Date.from(now))
                .notBefore(Date.from(now.minusSeconds(5)))
                .expiration(Date.from(now.plusSeconds(600)))
                .signWith(key, Jwts.SIG.RS256)
                .compact();
    }

    /** The sample catalog with its credits item (10.00 USD) open to guests. */
    private static String guestPlans() throws Exception {
        String sample = new String(
                GuestClaimIT.class
                        .getResourceAsStream("/dev/billing/plans/sample-plans.yaml")
                        .readAllBytes(),
                StandardCharsets.UTF_8);
        String open = sample.replace(
                "priceId: \"${STRIPE_PRICE_CREDITS_100:-price_credits_100}\"}",
                "priceId: \"${STRIPE_PRICE_CREDITS_100:-price_credits_100}\", guests: true}");
        assertThat(open).as("the sample catalog's credits item").isNotEqualTo(sample);
        return open;
    }
}

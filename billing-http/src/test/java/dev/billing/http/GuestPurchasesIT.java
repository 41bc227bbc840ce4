package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.http.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A visitor buys without a session token; the user who signs in with that verified email claims it, once. */
class GuestPurchasesIT {
    TestApi api;

    @BeforeEach
    void start() {
        api = TestApi.start(BillingHarness.withPlans(SamplePlans.withGuests()), s -> s.guestCheckoutsPerMinute(3));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    String user(String id, String email, boolean verified) {
        return api.minter
                .token()
                .subject(id)
                .session("sess_" + id)
                .claim("email", email)
                .claim("email_verified", verified)
                .sign();
    }

    String guestBuys(String email) {
        Http.Response checkout = api.http.post("/guest/checkout", null, "{\"priceId\":\"price_credits_100\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        assertThat(checkout.json().path("url").asText()).isNotBlank();
        String session = checkout.json().path("sessionId").asText();
        api.harness.gateway().completeCheckout(session, email);
        CheckoutSession paid = api.harness.gateway().getCheckoutSession(session).orElseThrow();
        api.harness.deliver(
                Builders.anEvent()
                        .withType("checkout.session.completed")
                        .forObject("checkout.session", session)
                        .build(),
                new EventObject.OfCheckoutSession(paid));
        return session;
    }

    @Test
    void aGuestBuysAndTheVerifiedUserClaimsItOnce() {
        String session = guestBuys("visitor@example.com");
        String ada = user("user_ada", "Visitor@example.com", true);

        Http.Response claimed = api.http.post("/me/guest-purchases/claim", ada, null);

        assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
        assertThat(claimed.json().path("data")).singleElement().satisfies(p -> {
            assertThat(p.path("sessionId").asText()).isEqualTo(session);
            assertThat(p.path("item").asText()).isEqualTo("credits_100");
        });
        assertThat(api.http
                        .get("/me/entitlements", ada)
                        .json()
                        .path("ownedItems")
                        .get(0)
                        .asText())
                .isEqualTo("credits_100");
        assertThat(api.http.post("/me/guest-purchases/claim", ada, null).json().path("data"))
                .hasSize(1);
        assertThat(api.http.get("/stripe/purchases", ada).json().path("data")).hasSize(1);
        String bob = user("user_bob", "visitor@example.com", true);
        assertThat(api.http.post("/me/guest-purchases/claim", bob, null).json().path("data"))
                .isEmpty();
    }

    @Test
    void theGuestPurchasesOfAVerifiedOrGivenEmailAreExportedAndErasedWithTheAccount() {
        String session = guestBuys("visitor@example.com");
        String unverified = user("user_eve", "visitor@example.com", false);
        assertThat(api.http.get("/me/export", unverified).json().path("guestPurchases"))
                .isEmpty();
        String ada = user("user_ada", "Visitor@example.com", true);
        assertThat(api.http.get("/me/export", ada).json().path("guestPurchases"))
                .singleElement()
                .satisfies(p -> assertThat(p.path("sessionId").asText()).isEqualTo(session));
        assertThat(api.http
                        .get("/admin/users/user_ada/export", TestApi.ADMIN_TOKEN)
                        .json()
                        .path("guestPurchases"))
                .isEmpty();
        assertThat(api.http
                        .get("/admin/users/user_ada/export?email=visitor%40example.com", TestApi.ADMIN_TOKEN)
                        .json()
                        .path("guestPurchases"))
                .hasSize(1);
        Http.Response bad = api.http.get("/admin/users/user_ada/export?email=not-an-address", TestApi.ADMIN_TOKEN);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("invalid_email");

        Http.Response erased = api.http.delete("/me?confirm=true", ada);

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(erased.json().path("guestPurchases").asInt()).isEqualTo(1);
        assertThat(api.harness.stores().guests().ofEmail("visitor@example.com")).isEmpty();
    }

    @Test
    void anUnverifiedEmailIsRefusedAndClaimsNothing() {
        guestBuys("visitor@example.com");

        Http.Response refused =
                api.http.post("/me/guest-purchases/claim", user("user_eve", "visitor@example.com", false), null);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("email_not_verified");
        assertThat(api.harness.stores().guests().ofEmail("visitor@example.com"))
                .singleElement()
                .satisfies(p -> assertThat(p.claimedBy()).isNull());
    }

    @Test
    void guestCheckoutsAreLimitedPerIpAndOnlyForItemsOpenToGuests() {
        Http.Response closed = api.http.post("/guest/checkout", null, "{\"priceId\":\"price_pro_monthly\"}");
        assertThat(closed.status()).isEqualTo(400);
        assertThat(closed.errorCode()).isEqualTo("unknown_item");
        for (int i = 0; i < 2; i++) {
            assertThat(api.http
                            .post("/guest/checkout", null, "{\"priceId\":\"price_credits_100\"}")
                            .status())
                    .isEqualTo(200);
        }
        Http.Response limited = api.http.post("/guest/checkout", null, "{\"priceId\":\"price_credits_100\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.errorCode()).isNotBlank();
        assertThat(api.http
                        .post("/guest/checkout", null, "{\"priceId\":\"price_credits_100\"}", Map.of())
                        .status())
                .isEqualTo(429);
    }
}

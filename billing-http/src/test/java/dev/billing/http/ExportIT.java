package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.testkit.Builders;
import dev.billing.testkit.http.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /me/export and GET /admin/users/{userId}/export: everything the store holds about one account. */
class ExportIT {
    TestApi api;
    String ada;
    String bob;

    @BeforeEach
    void start() {
        api = TestApi.start();
        ada = api.minter
                .token()
                .subject("user_ada")
                .session("sess_ada")
                .claim("email", "ada@example.com")
                .sign();
        bob = api.token("user_bob");
        Http.Response checkout = api.http.post("/stripe/checkout", ada, "{\"tier\":\"pro\",\"interval\":\"month\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        String subscription = api.harness
                .gateway()
                .completeCheckout(checkout.json().path("sessionId").asText());
        api.harness.billing().useCases().reconcile().user(UserId.of("user_ada"));
        Subscription sub = api.harness.gateway().getSubscription(subscription).orElseThrow();
        StripeEvent event = Builders.anEvent()
                .withType("customer.subscription.updated")
                .forObject("subscription", subscription)
                .withPayload("{\"id\":\"evt_export\",\"type\":\"customer.subscription.updated\",\"data\":{\"object\":"
                        + "{\"id\":\"" + subscription + "\",\"customer\":\""
                        + sub.customerId().value() + "\"}}}")
                .build();
        api.harness.deliver(event, new EventObject.OfSubscription(sub));
        assertThat(api.http
                        .post("/usage", ada, "{\"meter\":\"api_calls\",\"amount\":3}", Map.of("Idempotency-Key", "u1"))
                        .status())
                .isEqualTo(200);
        api.http.post("/stripe/customer", bob, null);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aUserGetsEverythingTheStoreHoldsAboutThemAndNothingOfAnyoneElse() {
        Http.Response r = api.http.get("/me/export", ada);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode data = r.json();
        assertThat(data.path("userId").asText()).isEqualTo("user_ada");
        assertThat(data.path("customer").path("email").asText()).isEqualTo("ada@example.com");
        String customer = data.path("customer").path("customerId").asText();
        assertThat(data.path("subscriptions")).hasSize(1);
        assertThat(data.path("subscriptions").get(0).path("tier").asText()).isEqualTo("pro");
        assertThat(data.path("usage")).anySatisfy(u -> {
            assertThat(u.path("meter").asText()).isEqualTo("api_calls");
            assertThat(u.path("used").asLong()).isEqualTo(3);
        });
        assertThat(data.path("events")).anySatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("customer.subscription.updated");
            assertThat(e.path("payload")
                            .path("data")
                            .path("object")
                            .path("customer")
                            .asText())
                    .isEqualTo(customer);
        });
        assertThat(data.path("eventsTruncated").asBoolean()).isFalse();
        assertThat(r.body()).doesNotContain("user_bob");
    }

    @Test
    void anAdminExportsAnyUserAndOthersCannot() {
        Http.Response asAdmin = api.http.get("/admin/users/user_ada/export", TestApi.ADMIN_TOKEN);
        assertThat(asAdmin.status()).as(asAdmin.body()).isEqualTo(200);
        assertThat(asAdmin.json().path("subscriptions")).hasSize(1);
        assertThat(asAdmin.json().path("customer").path("email").asText()).isEqualTo("ada@example.com");

        assertThat(api.http.get("/admin/users/user_ada/export", bob).status()).isEqualTo(401);
        assertThat(api.http.get("/me/export", null).status()).isEqualTo(401);
        Http.Response nobody = api.http.get("/admin/users/user_nobody/export", TestApi.ADMIN_TOKEN);
        assertThat(nobody.status()).isEqualTo(200);
        assertThat(nobody.json().path("subscriptions")).isEmpty();
        assertThat(nobody.json().path("customer").isMissingNode()
                        || nobody.json().path("customer").isNull())
                .isTrue();
    }

    @Test
    void aUserErasesTheirDataAfterConfirmingAndTheExportIsThenEmpty() {
        Http.Response unconfirmed = api.http.delete("/me", ada);
        assertThat(unconfirmed.status()).isEqualTo(400);
        assertThat(unconfirmed.errorCode()).isEqualTo("confirmation_required");
        assertThat(api.http.get("/me/export", ada).json().path("subscriptions")).hasSize(1);

        Http.Response erased = api.http.delete("/me?confirm=true", ada);

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        String pseudonym = erased.json().path("pseudonym").asText();
        assertThat(pseudonym).startsWith("erased_");
        assertThat(erased.json().path("linkErased").asBoolean()).isTrue();
        JsonNode after = api.http.get("/me/export", ada).json();
        assertThat(after.path("subscriptions")).isEmpty();
        assertThat(after.path("events")).isEmpty();
        Http.Response kept = api.http.get("/admin/users/" + pseudonym + "/export", TestApi.ADMIN_TOKEN);
        assertThat(kept.json().path("subscriptions")).hasSize(1);
        assertThat(kept.body()).doesNotContain("ada@example.com").doesNotContain("user_ada");
        assertThat(api.http
                        .delete("/me?confirm=true", ada)
                        .json()
                        .path("linkErased")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void onlyAnAdminErasesAnotherAccount() {
        assertThat(api.http.delete("/admin/users/user_ada?confirm=true", bob).status())
                .isEqualTo(401);
        assertThat(api.http.get("/me/export", ada).json().path("subscriptions")).hasSize(1);

        Http.Response erased = api.http.delete("/admin/users/user_ada?confirm=true", TestApi.ADMIN_TOKEN);

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(api.http.get("/me/export", ada).json().path("subscriptions")).isEmpty();
        assertThat(api.http
                        .get("/me/export", bob)
                        .json()
                        .path("customer")
                        .path("customerId")
                        .asText())
                .startsWith("cus_");
    }
}

package dev.billing.http;

import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.event.EventObject;
import dev.billing.testkit.Builders;
import dev.billing.testkit.http.Http;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** GET /admin/notices over HTTP: the notice log the processed webhooks wrote, filtered and paged; bad input 400. */
class NoticeRoutesIT {
    TestApi api;

    @BeforeEach
    void start() {
        api = TestApi.start();
        // Notices caused the usual way: webhook events processed by the core, sent to the harness' notifier.
        for (String user : List.of("user_a", "user_b")) {
            CustomerId customer = api.harness
                    .billing()
                    .ensureCustomer(api.harness.identity(user))
                    .customerId();
            api.harness.deliver(
                    anEvent()
                            .withType("customer.subscription.created")
                            .createdAt(Builders.T0)
                            .build(),
                    new EventObject.OfSubscription(
                            aSubscription().withCustomer(customer.value()).build()));
            api.harness.deliver(
                    anEvent().withType("charge.refunded").createdAt(Builders.T0).build(),
                    new EventObject.OfCharge("ch_" + user, customer, new Money(500, "usd"), null));
        }
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    @DisplayName("lists every notice newest first, with kind, user, customer, cause, status and time")
    void listsTheLog() {
        Http.Response r = api.http.get("/admin/notices", TestApi.ADMIN_TOKEN);

        assertThat(r.status()).isEqualTo(200);
        JsonNode data = r.json().path("data");
        assertThat(data).hasSize(4);
        assertThat(data.get(0).path("kind").asText()).isEqualTo("refund-issued");
        assertThat(data.get(0).path("userId").asText()).isEqualTo("user_b");
        assertThat(data.get(0).path("status").asText()).isEqualTo("sent");
        assertThat(data.get(0).path("eventId").asText()).startsWith("evt_");
        assertThat(data.get(0).path("customerId").asText()).startsWith("cus_");
        assertThat(data.get(0).has("at")).isTrue();
        assertThat(r.body()).doesNotContain("@example.com");
    }

    @Test
    @DisplayName("filters by user, kind and status")
    void filters() {
        JsonNode mine = api.http
                .get("/admin/notices?userId=user_a&kind=subscription-started", TestApi.ADMIN_TOKEN)
                .json()
                .path("data");
        assertThat(mine).singleElement().satisfies(n -> {
            assertThat(n.path("userId").asText()).isEqualTo("user_a");
            assertThat(n.path("kind").asText()).isEqualTo("subscription-started");
        });
        assertThat(api.http
                        .get("/admin/notices?status=failed", TestApi.ADMIN_TOKEN)
                        .json()
                        .path("data"))
                .isEmpty();
    }

    @Test
    @DisplayName("the cursor pages through every notice once")
    void pages() {
        List<String> ids = new ArrayList<>();
        String path = "/admin/notices?limit=3";
        JsonNode page;
        do {
            page = api.http.get(path, TestApi.ADMIN_TOKEN).json();
            page.path("data").forEach(n -> ids.add(n.path("id").asText()));
            path = "/admin/notices?limit=3&cursor=" + page.path("nextCursor").asText();
        } while (page.path("hasMore").asBoolean());

        assertThat(ids).hasSize(4).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("an export carries the account's notices; after an erasure none is listed under its id")
    void exportAndErasure() {
        JsonNode export =
                api.http.get("/admin/users/user_a/export", TestApi.ADMIN_TOKEN).json();
        assertThat(export.path("notices"))
                .hasSize(2)
                .allSatisfy(n -> assertThat(n.path("userId").asText()).isEqualTo("user_a"));

        assertThat(api.http
                        .delete("/admin/users/user_a?confirm=true", TestApi.ADMIN_TOKEN)
                        .status())
                .isEqualTo(200);

        assertThat(api.http
                        .get("/admin/notices?userId=user_a", TestApi.ADMIN_TOKEN)
                        .json()
                        .path("data"))
                .isEmpty();
        assertThat(api.http.get("/admin/notices", TestApi.ADMIN_TOKEN).json().path("data"))
                .hasSize(4);
    }

    @Test
    @DisplayName("a wrong or missing admin token is 401")
    void needsTheAdminToken() {
        Http.Response wrong = api.http.get("/admin/notices", "not-the-admin-token-0123456789");

        assertThat(api.http.get("/admin/notices", null).status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("error").path("code").asText()).isEqualTo("unauthenticated");
        assertThat(wrong.body()).doesNotContain("user_a");
    }

    @Test
    @DisplayName("a bad filter is 400 with a stable code and a message naming what is allowed")
    void badFiltersAre400() {
        Http.Response kind = api.http.get("/admin/notices?kind=reciept", TestApi.ADMIN_TOKEN);
        assertThat(kind.status()).isEqualTo(400);
        assertThat(kind.json().path("error").path("code").asText()).isEqualTo("invalid_kind");
        assertThat(kind.json().path("error").path("message").asText()).contains("receipt", "refund-issued");

        Http.Response status = api.http.get("/admin/notices?status=lost", TestApi.ADMIN_TOKEN);
        assertThat(status.status()).isEqualTo(400);
        assertThat(status.json().path("error").path("code").asText()).isEqualTo("invalid_status");

        Http.Response cursor = api.http.get("/admin/notices?cursor=au_12", TestApi.ADMIN_TOKEN);
        assertThat(cursor.json().path("error").path("code").asText()).isEqualTo("invalid_cursor");

        Http.Response limit = api.http.get("/admin/notices?limit=0", TestApi.ADMIN_TOKEN);
        assertThat(limit.status()).isEqualTo(400);
    }
}

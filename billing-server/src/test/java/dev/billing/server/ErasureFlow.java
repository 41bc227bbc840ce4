package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import com.stripe.param.CustomerUpdateParams;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.Await;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PersonalDataScan;
import dev.billing.testkit.webhook.StripeSignature;
import dev.billing.testkit.webhook.SvixSignature;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Export, erase, export against a running server and its real store, shared by the Postgres and Supabase tests. The
 * account subscribes through Checkout (so a subscription-mode {@code checkout.session.completed} carrying
 * {@code customer_details.email} is stored), joins an organization (Clerk membership events carrying the member's
 * {@code identifier} and name, signed as Svix signs them) and records usage. Then the store itself is scanned
 * ({@link PersonalDataScan}): before the erasure every row naming the account, its customer or its email is in the
 * export; after it no row names the user, the email or the name, and still none after an admin replays the old
 * Checkout event, Stripe redelivers it, a later Checkout event about the customer arrives (its subscription re-read
 * from Stripe, whose metadata still names the user), Clerk redelivers a membership event, and the customer changes
 * at Stripe.
 */
final class ErasureFlow {
    static final String USER = "user_erase";
    static final String EMAIL = "erase.me@example.com";
    static final String LAST_NAME = "Lovelace";

    private final Http http;
    private final StripeEmulator emulator;
    private final String adminToken;
    private final String stripeSecret;
    private final PersonalDataScan scan;

    /**
     * @param store        the store's database (the Supabase fixture's, under PostgREST, for Supabase)
     * @param schema       its schema: {@code billing} (Postgres store) or {@code public} (Supabase)
     * @param changesTable the store's short-lived record of changed customers, exempt from the export check
     */
    private ErasureFlow(
            Http http,
            StripeEmulator emulator,
            String adminToken,
            String stripeSecret,
            javax.sql.DataSource store,
            String schema,
            String changesTable) {
        this.http = http;
        this.emulator = emulator;
        this.adminToken = adminToken;
        this.stripeSecret = stripeSecret;
        this.scan = PersonalDataScan.of(store, schema)
                .exempting(
                        changesTable,
                        "which customers' projection changed "
                                + "lately, for other instances' caches: ids only, pruned after ten minutes, not an account's data");
    }

    static void run(
            Http http,
            StripeEmulator emulator,
            TokenMinter minter,
            String adminToken,
            String stripeSecret,
            javax.sql.DataSource store,
            String schema,
            String changesTable)
            throws Exception {
        new ErasureFlow(http, emulator, adminToken, stripeSecret, store, schema, changesTable).run(minter);
    }

    private void run(TokenMinter minter) throws Exception {
        String token = minter.token().subject(USER).claim("email", EMAIL).sign();
        Http.Response checkout = http.post("/stripe/checkout", token, "{\"tier\":\"pro\",\"interval\":\"month\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        emulator.completeCheckoutSession(checkout.json().path("sessionId").asText());
        LocalModeIT.await(
                http, "/me/entitlements", token, m -> m.path("tier").asText().equals("pro"));
        assertThat(http.post(
                                "/usage",
                                token,
                                "{\"meter\":\"exports\",\"amount\":2}",
                                Map.of("Idempotency-Key", "erase-1"))
                        .status())
                .isEqualTo(200);
        String joined = membership("created", Instant.now().minusSeconds(60));
        assertThat(deliverClerk("msg_erase_joined", joined).status()).isEqualTo(200);
        assertThat(deliverClerk("msg_erase_role", membership("updated", Instant.now()))
                        .status())
                .isEqualTo(200);
        awaitInboxSettled();

        JsonNode before = http.get("/me/export", token).json();
        String customer = before.path("customer").path("customerId").asText();
        assertThat(before.path("memberships")).hasSize(1);
        assertThat(before.path("usageKeys").findValuesAsText("idempotencyKey")).containsExactly("erase-1");
        assertThat(before.path("audit")).isNotEmpty();
        List<String> types = new ArrayList<>();
        before.path("events").forEach(e -> types.add(e.path("type").asText()));
        assertThat(types)
                .contains(
                        "checkout.session.completed",
                        "clerk.organizationMembership.created",
                        "clerk.organizationMembership.updated");
        // Export completeness: every row naming the account, its customer or its email is in the export.
        List<PersonalDataScan.Finding> rows = scan.find(USER, customer, EMAIL);
        assertThat(rows).isNotEmpty();
        String exported = before.toString();
        assertThat(rows.stream().filter(f -> !f.representedIn(exported)).map(Object::toString))
                .as("rows of the store missing from the export")
                .isEmpty();
        JsonNode checkoutEvent = eventOfType(before, "checkout.session.completed");

        Http.Response erased = http.delete("/admin/users/" + USER + "?confirm=true", adminToken);

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        String pseudonym = erased.json().path("pseudonym").asText();
        assertThat(erased.json().path("events").asInt()).isGreaterThanOrEqualTo(types.size());
        assertNothingNamesThePerson("after the erasure");
        JsonNode after = http.get("/me/export", token).json();
        assertThat(after.path("subscriptions")).isEmpty();
        assertThat(after.path("usage")).isEmpty();
        assertThat(after.path("events")).isEmpty();
        assertThat(after.toString()).doesNotContain(EMAIL);
        JsonNode kept =
                http.get("/admin/users/" + pseudonym + "/export", adminToken).json();
        assertThat(kept.path("customer").path("customerId").asText()).isEqualTo(customer);
        assertThat(kept.path("subscriptions")).hasSize(1);
        assertThat(kept.path("usage")).hasSize(1);
        assertThat(kept.toString()).doesNotContain(EMAIL).doesNotContain(USER);

        // An admin replays the old Checkout event: it is redacted, so its session is read from Stripe, whose metadata
        // still names the user, and applied under the pseudonym (checked below with the redeliveries).
        String checkoutId = checkoutEvent.path("id").asText();
        Http.Response replay = http.post("/admin/webhook-events/" + checkoutId + "/replay", adminToken, null);
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        assertThat(replay.json().path("status").asText()).isEqualTo("processed");
        Http.Response clerkReplay = http.post("/admin/webhook-events/msg_erase_joined/replay", adminToken, null);
        assertThat(clerkReplay.status()).as(clerkReplay.body()).isEqualTo(200);
        assertThat(clerkReplay.json().path("status").asText())
                .as(clerkReplay.body())
                .isEqualTo("ignored");
        // Stripe redelivers it (a duplicate), then a later Checkout event about the customer arrives: its
        // subscription is re-read from Stripe, whose metadata still names the user (the erasure was local only).
        String original = LocalFixture.JSON.writeValueAsString(checkoutEvent.path("payload"));
        assertThat(deliverStripe(original).json().path("duplicate").asBoolean()).isTrue();
        ObjectNode later = (ObjectNode) LocalFixture.JSON.readTree(original);
        later.put("id", checkoutId + "_later");
        assertThat(deliverStripe(LocalFixture.JSON.writeValueAsString(later)).status())
                .isEqualTo(200);
        assertThat(deliverClerk("msg_erase_joined", joined).status()).isEqualTo(200);
        awaitInboxSettled();
        assertNothingNamesThePerson("after a replay and redeliveries");
        assertThat(http.get("/admin/users/" + pseudonym + "/export", adminToken)
                        .json()
                        .path("subscriptions")
                        .get(0)
                        .toString())
                .doesNotContain(USER);

        // Stripe still has the customer: a change there sends its email again, in an event applied then redacted.
        StripeClient stripe = StripeClient.builder()
                .setApiKey(emulator.apiKey())
                .setApiBase(emulator.baseUrl())
                .build();
        stripe.v1()
                .customers()
                .update(
                        customer,
                        CustomerUpdateParams.builder().setName("Ada Erased").build());
        // Redacted, it is no one's any more: found in the inbox's listing, not in an export.
        Await.until(
                "the customer.updated event is processed",
                () -> http.get("/admin/webhook-events?status=" + "processed&limit=100", adminToken)
                        .json()
                        .path("data")
                        .findValuesAsText("type")
                        .contains("customer.updated"));
        awaitInboxSettled();
        assertNothingNamesThePerson("after a later event about the customer");
        assertThat(scan.find("Ada Erased")).isEmpty();
        JsonNode finally_ =
                http.get("/admin/users/" + pseudonym + "/export", adminToken).json();
        assertThat(finally_.path("customer").path("email").isMissingNode()
                        || finally_.path("customer").path("email").isNull())
                .isTrue();
        assertThat(http.get("/me/export", token)
                        .json()
                        .path("customer")
                        .path("customerId")
                        .isMissingNode())
                .isTrue();
    }

    private void assertNothingNamesThePerson(String when) {
        assertThat(scan.find(USER, EMAIL, LAST_NAME).stream().map(Object::toString))
                .as("rows naming the person " + when)
                .isEmpty();
    }

    /**
     * A Clerk membership event for the account's one membership, with what Clerk sends of the member: identifier,
     * names, image.
     */
    private static String membership(String action, Instant at) {
        long millis = at.toEpochMilli();
        return """
                {"data":{"object":"organization_membership","id":"orgmem_erase1","role":"org:member","permissions":[],\
                "created_at":%d,"updated_at":%d,"organization":{"object":"organization","id":"org_erase",\
                "name":"Acme","slug":"acme"},"public_user_data":{"user_id":"%s","identifier":"%s",\
                "first_name":"Ada","last_name":"%s","image_url":"https://img.clerk.com/%s.png","has_image":true}},\
                "object":"event","type":"organizationMembership.%s","timestamp":%d,"instance_id":"ins_test"}""".formatted(millis, millis, USER, EMAIL, LAST_NAME, USER, action, millis);
    }

    private Http.Response deliverClerk(String svixId, String body) {
        Instant now = Instant.now();
        return http.post(
                "/webhooks/clerk",
                null,
                body,
                Map.of(
                        "svix-id",
                        svixId,
                        "svix-timestamp",
                        Long.toString(now.getEpochSecond()),
                        "svix-signature",
                        SvixSignature.sign(SvixSignature.SECRET, svixId, now, body.getBytes(StandardCharsets.UTF_8))));
    }

    private Http.Response deliverStripe(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Http.Response answer = http.send(http.request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", StripeSignature.header(stripeSecret, Instant.now(), bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer;
    }

    /** Every delivery the emulator has made is answered, and the inbox has processed everything it recorded. */
    private void awaitInboxSettled() {
        assertThat(emulator.awaitDeliveries(Await.DEFAULT))
                .as("webhook deliveries settle")
                .isTrue();
        Await.until(
                "the inbox has nothing pending",
                () -> http.get("/admin/webhook-events?status=pending", adminToken)
                        .json()
                        .path("data")
                        .isEmpty());
    }

    private static JsonNode eventOfType(JsonNode export, String type) {
        List<JsonNode> found = new ArrayList<>();
        export.path("events").forEach(e -> {
            if (e.path("type").asText().equals(type)) {
                found.add(e);
            }
        });
        assertThat(found).as(type + " events in the export").isNotEmpty();
        return found.get(0);
    }
}

package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import com.stripe.param.CustomerUpdateParams;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PersonalDataScan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /me} in local mode (embedded Postgres, the emulator's real signed webhooks): after an account that
 * subscribed through Checkout erases itself, no row of the store names its user id, email or name, and neither an
 * admin's replay of its old Checkout event, Stripe's redelivery of it, nor a later Checkout event about the customer
 * (its subscription re-read from Stripe, which still names the user) writes them again. The same flow with Clerk's
 * events, on both stores, is {@link ErasureFlow}.
 */
class LocalErasureIT {
    static final String USER = "user_local_erase";
    static final String EMAIL = "local.erase@example.com";

    @TempDir
    Path dir;

    @Test
    void deleteMeLeavesNoCopyOfThePersonAndItsOldEventsCannotBringItBack() throws Exception {
        try (LocalFixture f = LocalFixture.start(dir, Map.of())) {
            String token = f.token(USER);
            String customer = f.customer(token);
            StripeClient stripe = f.stripe();
            stripe.v1()
                    .customers()
                    .update(
                            customer,
                            CustomerUpdateParams.builder()
                                    .setEmail(EMAIL)
                                    .setName("Ada Lovelace")
                                    .build());
            f.subscribe(token, "pro", "month");
            assertThat(f.usage(token, "exports", "1", "local-1").status()).isEqualTo(200);
            f.awaitIdle();
            PersonalDataScan scan = PersonalDataScan.of(f.local.storeDatabase(), "billing")
                    .exempting(
                            "projection_changes",
                            "which customers' projection changed lately, for other instances' caches: "
                                    + "ids only, pruned after ten minutes, not an account's data");

            JsonNode before = f.http.get("/me/export", token).json();
            String exported = before.toString();
            List<PersonalDataScan.Finding> rows = scan.find(USER, customer, EMAIL);
            assertThat(rows).isNotEmpty();
            assertThat(rows.stream().filter(r -> !r.representedIn(exported)).map(Object::toString))
                    .as("rows of the store missing from the export")
                    .isEmpty();
            JsonNode checkout = null;
            for (JsonNode event : before.path("events")) {
                if (event.path("type").asText().equals("checkout.session.completed")) {
                    checkout = event;
                }
            }
            assertThat(checkout)
                    .as("the subscription's Checkout completion is exported")
                    .isNotNull();
            String original = LocalFixture.JSON.writeValueAsString(checkout.path("payload"));

            Http.Response erased = f.http.delete("/me?confirm=true", token);

            assertThat(erased.status()).as(erased.body()).isEqualTo(200);
            f.awaitIdle();
            assertThat(scan.find(USER, EMAIL, "Lovelace").stream().map(Object::toString))
                    .as("after DELETE /me")
                    .isEmpty();
            Http.Response replay = f.http.post(
                    "/admin/webhook-events/" + checkout.path("id").asText() + "/replay", f.local.adminToken(), null);
            assertThat(replay.status()).as(replay.body()).isEqualTo(200);
            // Redacted, the event's session is read from Stripe and applied under the pseudonym: checked below.
            assertThat(replay.json().path("status").asText()).isEqualTo("processed");
            assertThat(f.deliverSigned(original).json().path("duplicate").asBoolean())
                    .isTrue();
            ObjectNode later = (ObjectNode) LocalFixture.JSON.readTree(original);
            later.put("id", checkout.path("id").asText() + "_later");
            assertThat(f.deliverSigned(LocalFixture.JSON.writeValueAsString(later))
                            .status())
                    .isEqualTo(200);
            f.awaitIdle();
            assertThat(scan.find(USER, EMAIL, "Lovelace").stream().map(Object::toString))
                    .as("after a replay, a redelivery and a later event")
                    .isEmpty();
        }
    }
}

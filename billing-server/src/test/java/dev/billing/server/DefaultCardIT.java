package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.http.Http;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The card a user makes default is the card that pays, through the real adapter and the emulator: a past-due user
 * whose renewal failed on the card Checkout saved adds a new card, makes it default and pays the open invoice; the
 * new card is charged, renewals will use it, and the list marks it, and only it, as the default.
 */
class DefaultCardIT {
    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() {
        f = LocalFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** A Stripe object through the emulator's API, as a dashboard would read it. */
    static JsonNode stripe(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(f.emulator.baseUrl() + path))
                                .header("Authorization", "Bearer " + f.emulator.apiKey())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return LocalFixture.JSON.readTree(r.body());
    }

    @Test
    void theCardMadeDefaultPaysTheOpenInvoiceAndTheRenewalsAndIsListedAsDefault() throws Exception {
        String token = f.token("user_card");
        String customer = f.customer(token);
        String subscription = f.subscribe(token, "pro", "month");
        String firstCard = stripe("/v1/subscriptions/" + subscription)
                .path("default_payment_method")
                .asText();
        assertThat(firstCard).startsWith("pm_");
        assertThat(f.http.get("/stripe/payment-methods", token).json().path("data"))
                .singleElement()
                .satisfies(card -> assertThat(card.path("isDefault").asBoolean())
                        .as("the card Checkout saved pays the subscription: it is the default")
                        .isTrue());

        // The renewal fails on the first card: past due, with an open invoice.
        f.emulator.failNextPayment(customer);
        f.emulator.advanceClock(Duration.ofDays(45));
        JsonNode pastDue = f.await(
                "/stripe/subscriptions",
                token,
                s -> s.path("data").path(0).path("status").asText().equals("past_due"));
        assertThat(pastDue.path("data").path(0).path("id").asText()).isEqualTo(subscription);
        String invoice = f
                .await(
                        "/stripe/invoices",
                        token,
                        i -> i.path("data").findValuesAsText("status").contains("open"))
                .path("data")
                .findParents("status")
                .stream()
                .filter(n -> n.path("status").asText().equals("open"))
                .findFirst()
                .orElseThrow()
                .path("id")
                .asText();

        // The user tries the first card again: declined again.
        f.emulator.failNextPayment(customer, "insufficient_funds");
        Http.Response declined = f.http.post("/stripe/invoices/" + invoice + "/pay", token, null);
        assertThat(declined.status()).as(declined.body()).isEqualTo(402);
        assertThat(declined.json().path("error").path("code").asText()).isEqualTo("card_declined");

        // A new card, made the default.
        Http.Response intent = f.http.post("/stripe/payment-methods/setup-intent", token, null);
        assertThat(intent.status()).as(intent.body()).isEqualTo(200);
        String newCard = f.emulator.confirmSetupIntent(
                intent.json().path("setupIntentId").asText());
        Http.Response makeDefault = f.http.post("/stripe/payment-methods/" + newCard + "/default", token, null);
        assertThat(makeDefault.status()).as(makeDefault.body()).isEqualTo(200);

        JsonNode cards = f.http.get("/stripe/payment-methods", token).json().path("data");
        assertThat(cards)
                .hasSize(2)
                .allSatisfy(card -> assertThat(card.path("isDefault").asBoolean())
                        .as(card.toString())
                        .isEqualTo(card.path("id").asText().equals(newCard)));

        // Paying again tries the new card: never Stripe's replay of the decline under the same idempotency key.
        Http.Response paid = f.http.post("/stripe/invoices/" + invoice + "/pay", token, null);
        assertThat(paid.status()).as(paid.body()).isEqualTo(200);
        JsonNode payment =
                stripe("/v1/invoice_payments?invoice=" + invoice).path("data").path(0);
        String intentId = payment.path("payment").path("payment_intent").asText();
        assertThat(stripe("/v1/payment_intents/" + intentId)
                        .path("payment_method")
                        .asText())
                .as("the card the user made default was charged")
                .isEqualTo(newCard);
        assertThat(stripe("/v1/subscriptions/" + subscription)
                        .path("default_payment_method")
                        .asText())
                .as("and pays the renewals")
                .isEqualTo(newCard);
    }
}

package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.Await;
import dev.billing.testkit.http.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripe's mobile PaymentSheet on the real server (local mode) over HTTP: what the app presents the sheet with, the
 * app's confirmation played by the emulator with test cards (success, decline, 3-D Secure), and the webhooks that
 * grant what was paid for. Enterprise has no trial and 25 % off items; pro has a 30-day trial (sample plans).
 */
class PaymentSheetIT {
    private static final String DECLINED = "4000000000000002";
    private static final String THREE_D_SECURE = "4000002500003155";

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

    private static JsonNode sheet(String token, String route, String body) {
        Http.Response r = f.http.post("/stripe/sheet/" + route, token, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode subscribeSheet(String token, String tier) {
        return sheet(token, "subscription", "{\"tier\":\"" + tier + "\",\"interval\":\"month\"}");
    }

    /** The party's subscriptions at Stripe that have not ended. */
    private static List<JsonNode> openAtStripe(String customer) {
        List<JsonNode> open = new ArrayList<>();
        for (JsonNode s : stripeList("/v1/subscriptions?customer=" + customer + "&status=all")) {
            String status = s.path("status").asText();
            if (!status.equals("canceled") && !status.equals("incomplete_expired")) {
                open.add(s);
            }
        }
        return open;
    }

    /** A list read from the emulator's API as stripe-java would read it. */
    private static JsonNode stripeList(String pathAndQuery) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(f.emulator.baseUrl() + pathAndQuery))
                                    .header("Authorization", "Bearer " + f.emulator.apiKey())
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return LocalFixture.JSON.readTree(r.body()).path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPlanWithoutTrialIsPaidInTheSheetAndGrantedByTheWebhook() {
        String token = f.token("user_sheet_paid");
        JsonNode sheet = subscribeSheet(token, "enterprise");
        assertThat(sheet.path("paymentIntent").asText())
                .startsWith(sheet.path("intentId").asText() + "_secret_");
        assertThat(sheet.has("setupIntent")).isFalse();
        assertThat(sheet.path("ephemeralKey").asText()).startsWith("ek_test_");
        assertThat(sheet.path("customer").asText()).startsWith("cus_");
        assertThat(sheet.path("publishableKey").asText()).startsWith("pk_test_");
        assertThat(sheet.path("status").asText()).isEqualTo("requires_payment_method");
        assertThat(sheet.path("reused").asBoolean()).isFalse();
        String subscription = sheet.path("subscriptionId").asText();
        assertThat(f.stripeObject(subscription).path("status").asText()).isEqualTo("incomplete");
        assertThat(f.entitlements(token).path("tier").asText())
                .as("nothing is granted before payment")
                .isEqualTo("free");
        assertThat(f.requests("POST", "/v1/ephemeral_keys")).isNotEmpty();

        assertThat(f.emulator.confirmPaymentIntent(sheet.path("intentId").asText(), "4242424242424242"))
                .isEqualTo("succeeded");
        f.await(
                "/me/entitlements",
                token,
                m -> m.path("tier").asText().equals("enterprise")
                        && m.path("subscriptionId").asText().equals(subscription));

        Http.Response again =
                f.http.post("/stripe/sheet/subscription", token, "{\"tier\":\"pro\",\"interval\":\"year\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().at("/error/code").asText()).isEqualTo("already_subscribed");
        assertThat(openAtStripe(sheet.path("customer").asText())).hasSize(1);
    }

    @Test
    void aTrialStartsAtOnceAndTheSheetSavesTheCardThatWillPayIt() {
        String token = f.token("user_sheet_trial");
        JsonNode sheet = subscribeSheet(token, "pro");
        assertThat(sheet.path("setupIntent").asText()).startsWith("seti_");
        assertThat(sheet.has("paymentIntent")).isFalse();
        String subscription = sheet.path("subscriptionId").asText();
        assertThat(f.stripeObject(subscription).path("status").asText()).isEqualTo("trialing");
        assertThat(f.stripeObject(subscription).path("trial_end").isNull()).isFalse();
        f.await("/me/entitlements", token, m -> m.path("tier").asText().equals("pro"));

        String card = f.emulator.confirmSetupIntent(sheet.path("intentId").asText());
        assertThat(f.stripeObject(subscription).path("default_payment_method").asText())
                .isEqualTo(card);
    }

    @Test
    void anItemIsSoldAtTheTiersDiscountAndRecordedByPaymentIntentSucceeded() {
        String token = f.token("user_sheet_item");
        JsonNode plan = subscribeSheet(token, "enterprise");
        f.emulator.confirmPaymentIntent(plan.path("intentId").asText(), null);
        f.await("/me/entitlements", token, m -> m.path("tier").asText().equals("enterprise"));

        JsonNode sheet = sheet(token, "purchase", "{\"priceId\":\"price_credits_100\",\"quantity\":3}");
        String intent = sheet.path("intentId").asText();
        assertThat(sheet.has("subscriptionId")).isFalse();
        JsonNode pi = f.stripeObject(intent);
        assertThat(pi.path("amount").asLong()).as("3 x $10 at 25 % off").isEqualTo(2250);
        assertThat(pi.path("metadata").path("discount_percent").asText()).isEqualTo("25");

        assertThat(f.emulator.confirmPaymentIntent(intent, null)).isEqualTo("succeeded");
        JsonNode purchases = f.await(
                        "/stripe/purchases", token, p -> p.path("data").size() == 1)
                .path("data");
        assertThat(purchases.get(0).path("id").asText()).isEqualTo(intent);
        assertThat(purchases.get(0).path("paymentIntentId").asText()).isEqualTo(intent);
        assertThat(purchases.get(0).path("quantity").asLong()).isEqualTo(3);
        assertThat(purchases.get(0).path("amountTotal").asLong()).isEqualTo(2250);
        assertThat(f.entitlements(token).path("ownedItems").toString()).isEqualTo("[\"credits_100\"]");
    }

    @Test
    void theSameItemAfterATierChangeWithinAMinuteIsANewIntentNotA502() {
        String token = f.token("user_sheet_tier_change");
        // Both purchases in one minute of billing's clock (the emulator's), or the minute in the key alone would
        // tell them apart and the test would pass without the tier in it; a slower machine can only pass wrongly.
        Await.until("the first half of a minute", () -> f.emulator.now().getEpochSecond() % 60 < 30);
        JsonNode asFree = sheet(token, "purchase", "{\"priceId\":\"price_credits_100\"}");
        subscribeSheet(token, "basic"); // a trial: basic at once, and no discount on items either
        f.await("/me/entitlements", token, m -> m.path("tier").asText().equals("basic"));

        Http.Response asBasic = f.http.post("/stripe/sheet/purchase", token, "{\"priceId\":\"price_credits_100\"}");
        assertThat(asBasic.status()).as(asBasic.body()).isEqualTo(200);
        String intent = asBasic.json().path("intentId").asText();
        assertThat(intent).isNotEqualTo(asFree.path("intentId").asText());
        assertThat(f.stripeObject(intent).path("metadata").path("tier").asText())
                .isEqualTo("basic");
    }

    @Test
    void aSheetOpenedAgainAfterItsCustomerWasDeletedWithinAMinuteIsANewSubscriptionNotA502() throws Exception {
        String token = f.token("user_sheet_customer_deleted");
        // Both sheets in one minute of billing's clock, or the minute in the key alone would tell them apart.
        Await.until("the first half of a minute", () -> f.emulator.now().getEpochSecond() % 60 < 30);
        JsonNode first = subscribeSheet(token, "enterprise");
        String deleted = first.path("customer").asText();
        f.stripe().v1().customers().delete(deleted); // an operator, in Stripe's Dashboard
        f.awaitIdle();

        Http.Response again =
                f.http.post("/stripe/sheet/subscription", token, "{\"tier\":\"enterprise\",\"interval\":\"month\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        String customer = again.json().path("customer").asText();
        assertThat(customer).isNotEqualTo(deleted);
        assertThat(again.json().path("subscriptionId").asText())
                .isNotEqualTo(first.path("subscriptionId").asText());
        assertThat(openAtStripe(customer)).hasSize(1);
    }

    @Test
    void aDeclineGrantsNothingAndTheNextSheetHandsBackTheSameSubscription() {
        String token = f.token("user_sheet_decline");
        JsonNode first = subscribeSheet(token, "enterprise");
        String intent = first.path("intentId").asText();
        assertThat(f.emulator.confirmPaymentIntent(intent, DECLINED)).isEqualTo("requires_payment_method");
        f.awaitIdle();
        assertThat(f.entitlements(token).path("tier").asText()).isEqualTo("free");

        JsonNode second = subscribeSheet(token, "enterprise");
        assertThat(second.path("subscriptionId").asText())
                .isEqualTo(first.path("subscriptionId").asText());
        assertThat(second.path("intentId").asText()).isEqualTo(intent);
        assertThat(second.path("reused").asBoolean()).isTrue();

        f.emulator.confirmPaymentIntent(intent, null);
        f.await("/me/entitlements", token, m -> m.path("tier").asText().equals("enterprise"));
        assertThat(openAtStripe(first.path("customer").asText())).hasSize(1);

        Http.Response item = f.http.post("/stripe/sheet/purchase", token, "{\"priceId\":\"price_template_pack\"}");
        assertThat(f.emulator.confirmPaymentIntent(item.json().path("intentId").asText(), DECLINED))
                .isEqualTo("requires_payment_method");
        f.awaitIdle();
        assertThat(f.http.get("/stripe/purchases", token).json().path("data")).isEmpty();
    }

    @Test
    void threeDSecureIsReportedAndCompletesAfterTheAppsConfirmation() {
        String token = f.token("user_sheet_3ds");
        JsonNode first = subscribeSheet(token, "enterprise");
        String intent = first.path("intentId").asText();
        assertThat(f.emulator.confirmPaymentIntent(intent, THREE_D_SECURE)).isEqualTo("requires_action");

        JsonNode again = subscribeSheet(token, "enterprise");
        assertThat(again.path("status").asText()).isEqualTo("requires_action");
        assertThat(again.path("intentId").asText()).isEqualTo(intent);
        assertThat(f.entitlements(token).path("tier").asText()).isEqualTo("free");

        assertThat(f.emulator.authenticatePaymentIntent(intent, true)).isEqualTo("succeeded");
        f.await("/me/entitlements", token, m -> m.path("tier").asText().equals("enterprise"));
    }

    @Test
    void sheetsOpenedTogetherMakeOneSubscription() throws Exception {
        String token = f.token("user_sheet_race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(pool.submit(() -> f.http.post(
                        "/stripe/sheet/subscription", token, "{\"tier\":\"enterprise\",\"interval\":\"month\"}")));
            }
            List<String> subscriptions = new ArrayList<>();
            String customer = null;
            for (Future<Http.Response> answer : answers) {
                Http.Response r = answer.get();
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                subscriptions.add(r.json().path("subscriptionId").asText());
                customer = r.json().path("customer").asText();
            }
            assertThat(subscriptions).containsOnly(subscriptions.get(0));
            assertThat(openAtStripe(customer)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anotherPlanEndsTheIncompleteSubscriptionAndAnAbandonedOneExpiresGrantingNothing() {
        String token = f.token("user_sheet_abandon");
        JsonNode monthly = subscribeSheet(token, "enterprise");
        JsonNode yearly = sheet(token, "subscription", "{\"tier\":\"enterprise\",\"interval\":\"year\"}");
        assertThat(yearly.path("subscriptionId").asText())
                .isNotEqualTo(monthly.path("subscriptionId").asText());
        String customer = yearly.path("customer").asText();
        assertThat(openAtStripe(customer))
                .singleElement()
                .satisfies(s -> assertThat(s.path("id").asText())
                        .isEqualTo(yearly.path("subscriptionId").asText()));

        f.emulator.advanceClock(Duration.ofHours(24));
        assertThat(f.stripeObject(yearly.path("subscriptionId").asText())
                        .path("status")
                        .asText())
                .isEqualTo("incomplete_expired");
        f.awaitIdle();
        f.await("/stripe/subscriptions", token, list -> {
            for (JsonNode s : list.path("data")) {
                if (s.path("id").asText().equals(yearly.path("subscriptionId").asText())) {
                    return s.path("status").asText().equals("incomplete_expired");
                }
            }
            return false;
        });
        assertThat(f.entitlements(token).path("tier").asText()).isEqualTo("free");
        JsonNode fresh = subscribeSheet(token, "enterprise");
        assertThat(fresh.path("reused").asBoolean()).isFalse();
        assertThat(openAtStripe(customer)).hasSize(1);
    }

    @Test
    void goingBackToAPlanWithinAMinuteMakesALiveSheetNotTheReplayOfAnEndedOne() {
        String token = f.token("user_sheet_back");
        JsonNode first = subscribeSheet(token, "enterprise");
        sheet(token, "subscription", "{\"tier\":\"enterprise\",\"interval\":\"year\"}");
        JsonNode back = subscribeSheet(token, "enterprise");
        assertThat(back.path("subscriptionId").asText())
                .isNotEqualTo(first.path("subscriptionId").asText());
        assertThat(f.stripeObject(back.path("subscriptionId").asText())
                        .path("status")
                        .asText())
                .isEqualTo("incomplete");
        assertThat(openAtStripe(back.path("customer").asText())).hasSize(1);
    }

    @Test
    void aSavedCardBecomesTheDefault() {
        String token = f.token("user_sheet_card");
        JsonNode sheet = sheet(token, "setup", null);
        assertThat(sheet.path("setupIntent").asText()).contains("_secret_");
        String card = f.emulator.confirmSetupIntent(sheet.path("intentId").asText(), "5555555555554444");
        JsonNode cards = f.await("/stripe/payment-methods", token, list -> {
            for (JsonNode pm : list.path("data")) {
                if (pm.path("id").asText().equals(card) && pm.path("isDefault").asBoolean()) {
                    return true;
                }
            }
            return false;
        });
        assertThat(cards.path("data")).hasSize(1);
    }

    @Test
    void anOrganizationsManagerPaysItsPlanInTheSheetAndAMemberMayNot() {
        String org = "org_sheet1";
        String admin = LocalModeIT.tokenFor(
                f.http, "{\"userId\":\"user_sheet_admin\",\"orgId\":\"" + org + "\",\"orgRole\":\"org:admin\"}");
        String member = LocalModeIT.tokenFor(
                f.http, "{\"userId\":\"user_sheet_member\",\"orgId\":\"" + org + "\",\"orgRole\":\"org:member\"}");
        String body = "{\"tier\":\"enterprise\",\"interval\":\"month\"}";
        Http.Response refused = f.http.post("/orgs/" + org + "/stripe/sheet/subscription", member, body);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("org_billing_forbidden");

        Http.Response sheet = f.http.post("/orgs/" + org + "/stripe/sheet/subscription", admin, body);
        assertThat(sheet.status()).as(sheet.body()).isEqualTo(200);
        JsonNode customer = f.stripeObject(sheet.json().path("customer").asText());
        assertThat(customer.path("metadata").path("org_id").asText()).isEqualTo(org);
        f.emulator.confirmPaymentIntent(sheet.json().path("intentId").asText(), null);
        f.await(
                "/orgs/" + org + "/entitlements",
                member,
                m -> m.path("tier").asText().equals("enterprise"));
        assertThat(f.http.get("/stripe/subscriptions", admin).json().path("data"))
                .as("the organization's subscription, not the admin's own")
                .isEmpty();
    }

    @Test
    void anErasureEndsTheSheetLeftUnpaidSoItCannotBePaidAfterwards() {
        String token = f.token("user_sheet_erased");
        JsonNode sheet = subscribeSheet(token, "enterprise");
        Http.Response erased = f.http.delete("/me?confirm=true", token);
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(f.stripeObject(sheet.path("subscriptionId").asText())
                        .path("status")
                        .asText())
                .isIn("canceled", "incomplete_expired");
        assertThat(openAtStripe(sheet.path("customer").asText())).isEmpty();
    }

    @Test
    void badRequestsAreRefusedBeforeStripeIsAsked() {
        String token = f.token("user_sheet_bad");
        f.emulator.clearRequestLog();
        Http.Response unknownPlan =
                f.http.post("/stripe/sheet/subscription", token, "{\"tier\":\"gold\",\"interval\":\"month\"}");
        assertThat(unknownPlan.status()).isEqualTo(400);
        assertThat(unknownPlan.json().at("/error/code").asText()).isEqualTo("unknown_plan");
        Http.Response version = f.http.post("/stripe/sheet/setup", token, "{\"stripeVersion\":\"yesterday\"}");
        assertThat(version.status()).isEqualTo(400);
        assertThat(version.json().at("/error/code").asText()).isEqualTo("invalid_stripe_version");
        Http.Response amount =
                f.http.post("/stripe/sheet/purchase", token, "{\"priceId\":\"price_credits_100\",\"amount\":1}");
        assertThat(amount.status()).isEqualTo(400);
        assertThat(amount.json().at("/error/code").asText()).isEqualTo("unknown_field");
        Http.Response item = f.http.post("/stripe/sheet/purchase", token, "{\"priceId\":\"price_pro_monthly\"}");
        assertThat(item.status()).isEqualTo(400);
        assertThat(item.json().at("/error/code").asText()).isEqualTo("unknown_item");
        assertThat(f.requests("POST", "/v1/")).isEmpty();
    }
}

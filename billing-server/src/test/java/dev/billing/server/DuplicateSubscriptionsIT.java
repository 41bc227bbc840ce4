package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.emulator.CheckoutCompletion;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.testkit.http.Http;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One live subscription per party, on the real server (local mode: embedded Postgres, the Stripe emulator through
 * stripe-java, signed webhooks): a second Checkout expires the first one's session at Stripe, so it cannot be paid;
 * two sessions paid before either could be expired leave the newer subscription canceled and refunded at the
 * emulator ({@code cancel}, the default) or kept and flagged ({@code flag}), audited once, listed by
 * {@code GET /admin/subscriptions/duplicates} and counted on {@code /metrics}, whatever the redeliveries.
 */
class DuplicateSubscriptionsIT {
    @TempDir
    static Path cancelDir;

    @TempDir
    static Path flagDir;

    static LocalFixture cancel;
    static LocalFixture flag;

    @BeforeAll
    static void start() {
        cancel = LocalFixture.start(cancelDir, Map.of());
        flag = LocalFixture.start(flagDir, Map.of("BILLING_DUPLICATE_SUBSCRIPTIONS", "flag"));
    }

    @AfterAll
    static void stop() {
        if (cancel != null) {
            cancel.close();
        }
        if (flag != null) {
            flag.close();
        }
    }

    private static String startCheckout(LocalFixture f, String token, String tier) {
        Http.Response checkout =
                f.http.post("/stripe/checkout", token, "{\"tier\":\"" + tier + "\",\"interval\":\"month\"}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        return checkout.json().path("sessionId").asText();
    }

    /**
     * Two sessions left open: Stripe's session list fails while the second Checkout would expire the first (the
     * user still gets a session), then both pages are paid before the server hears of either.
     */
    private static List<CheckoutCompletion> twoPaidSessions(LocalFixture f, String token) {
        String first = startCheckout(f, token, "enterprise");
        f.emulator.advanceClock(Duration.ofMinutes(5));
        f.emulator.addFault(
                Fault.of(FaultKind.ERROR_500, "GET", "/v1/checkout/sessions").times(10));
        String second;
        try {
            second = startCheckout(f, token, "enterprise");
        } finally {
            f.emulator.clearFaults();
        }
        assertThat(second).isNotEqualTo(first);
        assertThat(f.stripeObject(first).path("status").asText()).isEqualTo("open");
        f.emulator.webhooks().pause();
        try {
            CheckoutCompletion older = f.emulator.completeCheckoutSession(first);
            f.emulator.advanceClock(Duration.ofMinutes(1));
            CheckoutCompletion newer = f.emulator.completeCheckoutSession(second);
            assertThat(older.completed()).isTrue();
            assertThat(newer.completed()).isTrue();
            f.emulator.webhooks().duplicate(2); // every event delivered twice: still one refund, one entry
            return List.of(older, newer);
        } finally {
            f.emulator.webhooks().resume();
        }
    }

    private static JsonNode duplicateEntries(LocalFixture f, String subscription) {
        Http.Response audit = f.http.get("/admin/audit?type=subscription.duplicate&limit=100", f.local.adminToken());
        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        List<JsonNode> mine = new java.util.ArrayList<>();
        audit.json().path("data").forEach(e -> {
            if (e.path("entityId").asText().equals(subscription)) {
                mine.add(e);
            }
        });
        return LocalFixture.JSON.valueToTree(mine);
    }

    private static JsonNode listed(LocalFixture f, String subscription) {
        Http.Response list = f.http.get("/admin/subscriptions/duplicates", f.local.adminToken());
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        for (JsonNode d : list.json().path("data")) {
            if (d.path("subscriptionId").asText().equals(subscription)) {
                return d;
            }
        }
        throw new AssertionError(subscription + " is not listed: " + list.body());
    }

    private static double duplicatesCounted(LocalFixture f, String handling) {
        String metrics = f.http.get("/metrics", f.local.adminToken()).body();
        return metrics.lines()
                .filter(l -> l.startsWith("billing_subscriptions_duplicates_total{")
                        && l.contains("handling=\"" + handling + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static String status(LocalFixture f, String stripeId) {
        return f.stripeObject(stripeId).path("status").asText();
    }

    @Test
    void startingCheckoutAgainExpiresTheFirstSessionSoOnlyTheSecondCanBePaid() {
        LocalFixture f = cancel;
        String token = f.token("user_dup_two_tabs");
        String first = startCheckout(f, token, "enterprise");
        f.emulator.advanceClock(Duration.ofMinutes(5));
        String second = startCheckout(f, token, "enterprise");

        assertThat(second).isNotEqualTo(first);
        assertThat(status(f, first)).isEqualTo("expired");
        assertThat(status(f, second)).isEqualTo("open");
        assertThatThrownBy(() -> f.emulator.completeCheckoutSession(first))
                .as("Stripe refuses to pay it")
                .hasMessageContaining("no longer open");
        String subscription = f.emulator.completeCheckoutSession(second).subscriptionId();
        f.await(
                "/me/entitlements",
                token,
                e -> e.path("subscriptionId").asText().equals(subscription));
        f.awaitIdle();
        assertThat(f.emulator.events().stream()
                        .filter(e -> e.type().equals("checkout.session.expired")
                                && e.objectId().equals(first)))
                .as("Stripe says so")
                .hasSize(1);
    }

    @Test
    void goingBackToAPlanWithinTheMinuteGetsAnOpenSessionNotTheExpiredReplay() {
        LocalFixture f = cancel;
        String token = f.token("user_dup_back_and_forth");
        String pro = startCheckout(f, token, "pro");
        String enterprise = startCheckout(f, token, "enterprise");
        assertThat(status(f, pro)).isEqualTo("expired");

        String proAgain = startCheckout(f, token, "pro");

        assertThat(proAgain).isNotIn(pro, enterprise);
        assertThat(status(f, proAgain)).isEqualTo("open");
        assertThat(status(f, enterprise)).isEqualTo("expired");
        assertThat(startCheckout(f, token, "pro")).as("a double click").isEqualTo(proAgain);
        String subscription = f.emulator.completeCheckoutSession(proAgain).subscriptionId();
        f.await(
                "/me/entitlements",
                token,
                e -> e.path("subscriptionId").asText().equals(subscription));
    }

    @Test
    void aSecondPaidSessionIsCanceledAndRefundedOnceAndListed() {
        LocalFixture f = cancel;
        String token = f.token("user_dup_cancel");
        double countedBefore = duplicatesCounted(f, "cancel");
        List<CheckoutCompletion> paid = twoPaidSessions(f, token);
        String older = paid.get(0).subscriptionId();
        String newer = paid.get(1).subscriptionId();

        LocalFixture.eventually(
                "the newer subscription canceled at Stripe",
                () -> status(f, newer).equals("canceled"));
        f.awaitIdle();
        f.emulator.webhooks().reset();

        assertThat(status(f, older)).isEqualTo("active");
        String charge = f.stripeObject(paid.get(1).paymentIntentId())
                .path("latest_charge")
                .asText();
        assertThat(f.stripeObject(charge).path("amount_refunded").asLong())
                .as("refunded at Stripe")
                .isEqualTo(f.stripeObject(charge).path("amount").asLong())
                .isPositive();
        String olderCharge = f.stripeObject(paid.get(0).paymentIntentId())
                .path("latest_charge")
                .asText();
        assertThat(f.stripeObject(olderCharge).path("amount_refunded").asLong()).isZero();
        JsonNode entitlements = f.await(
                "/me/entitlements",
                token,
                e -> e.path("subscriptionId").asText().equals(older));
        assertThat(entitlements.path("tier").asText()).isEqualTo("enterprise");
        JsonNode refunds = f.await("/stripe/refunds", token, r -> r.path("data").size() == 1)
                .path("data");
        assertThat(refunds.get(0).path("paymentIntentId").asText())
                .isEqualTo(paid.get(1).paymentIntentId());

        JsonNode entries = duplicateEntries(f, newer);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).path("detail").path("kept_subscription_id").asText())
                .isEqualTo(older);
        assertThat(entries.get(0).path("detail").path("handling").asText()).isEqualTo("cancel");
        JsonNode duplicate = listed(f, newer);
        assertThat(duplicate.path("userId").asText()).isEqualTo("user_dup_cancel");
        assertThat(duplicate.path("keptSubscriptionId").asText()).isEqualTo(older);
        assertThat(duplicate.path("status").asText()).isEqualTo("canceled");
        assertThat(duplicate.path("live").asBoolean()).isFalse();
        assertThat(duplicatesCounted(f, "cancel") - countedBefore).isEqualTo(1.0);
        assertThat(f.stores().inbox().countByStatus().getOrDefault(InboxStatus.FAILED, 0L))
                .isZero();
    }

    @Test
    void withFlagBothStayAndTheNewerIsFlaggedOnceAndListedAsLive() {
        LocalFixture f = flag;
        String token = f.token("user_dup_flag");
        List<CheckoutCompletion> paid = twoPaidSessions(f, token);
        String older = paid.get(0).subscriptionId();
        String newer = paid.get(1).subscriptionId();

        LocalFixture.eventually(
                "the duplicate flagged", () -> duplicateEntries(f, newer).size() == 1);
        f.awaitIdle();
        f.emulator.webhooks().reset();

        assertThat(status(f, older)).isEqualTo("active");
        assertThat(status(f, newer)).isEqualTo("active");
        String charge = f.stripeObject(paid.get(1).paymentIntentId())
                .path("latest_charge")
                .asText();
        assertThat(f.stripeObject(charge).path("amount_refunded").asLong()).isZero();
        assertThat(f.http.get("/stripe/refunds", token).json().path("data")).isEmpty();
        assertThat(duplicateEntries(f, newer)).hasSize(1);
        JsonNode duplicate = listed(f, newer);
        assertThat(duplicate.path("handling").asText()).isEqualTo("flag");
        assertThat(duplicate.path("live").asBoolean()).isTrue();
        assertThat(duplicate.path("status").asText()).isEqualTo("active");
        assertThat(duplicatesCounted(f, "flag")).isEqualTo(1.0);
    }
}

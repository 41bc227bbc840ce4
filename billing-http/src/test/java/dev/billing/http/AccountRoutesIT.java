package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import dev.billing.testkit.http.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The user routes over HTTP on the testkit fakes: customer, checkout, subscriptions, cards, invoices, portal,
 * purchases; object-level authorization; redirect URLs; mass assignment.
 */
class AccountRoutesIT {
    static final String ORIGIN = BillingHarness.ORIGIN;

    TestApi api;
    String alice;
    String bob;

    @BeforeEach
    void start() {
        api = TestApi.start();
        alice = api.token("user_alice");
        bob = api.token("user_bob");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    String customerOf(String token) {
        Http.Response r = api.http.post("/stripe/customer", token, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("customerId").asText();
    }

    @Test
    void customerIsCreatedOnceAndThenReturned() {
        Http.Response first = api.http.post("/stripe/customer", alice, "{}");
        Http.Response second = api.http.post("/stripe/customer", alice, null);
        assertThat(first.json().path("created").asBoolean()).isTrue();
        assertThat(second.json().path("created").asBoolean()).isFalse();
        assertThat(second.json().path("customerId").asText())
                .isEqualTo(first.json().path("customerId").asText());
        assertThat(api.harness.gateway().customerCount()).isEqualTo(1);
    }

    @Test
    void subscriptionCheckoutStartsASessionAndTheSubscriptionShowsUpAfterCompletion() {
        Http.Response r = api.http.post(
                "/stripe/checkout",
                alice,
                "{\"tier\":\"pro\",\"interval\":\"month\",\"successUrl\":\"" + ORIGIN + "/ok\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String session = r.json().path("sessionId").asText();
        assertThat(r.json().path("url").asText()).isNotBlank();
        String subscription = api.harness.gateway().completeCheckout(session);
        // no webhook in this test: reconcile brings Stripe's state into the projection
        Http.Response reconciled =
                api.http.post("/admin/reconcile", TestApi.ADMIN_TOKEN, "{\"userId\":\"user_alice\"}");
        assertThat(reconciled.status()).as(reconciled.body()).isEqualTo(200);
        assertThat(reconciled.json().path("subscriptionsApplied").asInt()).isEqualTo(1);
        JsonNode subs = api.http.get("/stripe/subscriptions", alice).json().path("data");
        assertThat(subs).hasSize(1);
        assertThat(subs.get(0).path("id").asText()).isEqualTo(subscription);
        assertThat(subs.get(0).path("tier").asText()).isEqualTo("pro");
        assertThat(subs.get(0).path("status").asText()).isEqualTo("trialing");
        JsonNode me = api.http.get("/me/entitlements", alice).json();
        assertThat(me.path("tier").asText()).isEqualTo("pro");
        assertThat(me.path("subscriptionId").asText()).isEqualTo(subscription);
        assertThat(me.path("features").toString()).contains("sso");
    }

    @Test
    void alreadySubscribedIs409PointingAtThePortal() {
        api.harness
                .gateway()
                .subscribe(CustomerId.of(customerOf(alice)), "price_basic_monthly", SubscriptionStatus.ACTIVE);
        Http.Response r = api.http.post("/stripe/checkout", alice, "{\"tier\":\"pro\",\"interval\":\"year\"}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("already_subscribed");
        assertThat(r.json().path("error").path("message").asText()).contains("POST /stripe/portal");
    }

    @Test
    void oneTimeItemCheckout() {
        Http.Response r =
                api.http.post("/stripe/checkout", alice, "{\"priceId\":\"price_credits_100\",\"quantity\":2}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("sessionId").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"customerId", "amount", "trialDays", "mode", "metadata", "customer", "unitAmount"})
    void massAssignmentFieldsAreRefused(String field) {
        String value = field.equals("metadata") ? "{\"user_id\":\"user_bob\"}" : "\"x\"";
        Http.Response r = api.http.post(
                "/stripe/checkout", alice, "{\"tier\":\"pro\",\"interval\":\"month\",\"" + field + "\":" + value + "}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("unknown_field");
        assertThat(api.harness.gateway().calls(Operation.CREATE_CHECKOUT)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.example.com/ok",
                "http://app.example.com/ok",
                "//evil.example.com/x",
                "javascript:alert(1)",
                "https://app.example.com.evil.com/ok",
                "https://user@app.example.com/ok"
            })
    void redirectUrlsOutsideTheAllowedOriginsAre400BeforeAnyStripeCall(String url) {
        Http.Response r = api.http.post(
                "/stripe/checkout", alice, "{\"tier\":\"pro\",\"interval\":\"month\",\"successUrl\":\"" + url + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_redirect_url");
        assertThat(api.harness.gateway().calls()).isEmpty();
        Http.Response portal = api.http.post("/stripe/portal", alice, "{\"returnUrl\":\"" + url + "\"}");
        assertThat(portal.status()).isEqualTo(400);
        assertThat(api.harness.gateway().calls(Operation.CREATE_PORTAL)).isEmpty();
    }

    @Test
    void checkoutNeedsEitherAPlanOrAnItem() {
        assertThat(api.http.post("/stripe/checkout", alice, "{}").errorCode()).isEqualTo("invalid_checkout");
        assertThat(api.http
                        .post(
                                "/stripe/checkout",
                                alice,
                                "{\"tier\":\"pro\",\"interval\":\"month\",\"priceId\":\"price_credits_100\"}")
                        .errorCode())
                .isEqualTo("invalid_checkout");
        assertThat(api.http
                        .post("/stripe/checkout", alice, "{\"tier\":\"pro\"}")
                        .errorCode())
                .isEqualTo("missing_field");
        for (String interval : List.of("fortnight", "week", "day", "monthly", "yearly", "annual", "Month", " month")) {
            Http.Response refused =
                    api.http.post("/stripe/checkout", alice, "{\"tier\":\"pro\",\"interval\":\"" + interval + "\"}");
            assertThat(refused.errorCode()).as(interval).isEqualTo("invalid_interval");
            assertThat(refused.json().path("error").path("message").asText())
                    .isEqualTo("interval must be month or year.");
        }
        assertThat(api.harness.gateway().calls(Operation.CREATE_CHECKOUT)).isEmpty();
        assertThat(api.http
                        .post("/stripe/checkout", alice, "{\"tier\":\"gold\",\"interval\":\"month\"}")
                        .errorCode())
                .isEqualTo("unknown_plan");
        assertThat(api.http
                        .post("/stripe/checkout", alice, "{\"priceId\":\"price_credits_100\",\"quantity\":\"2\"}")
                        .errorCode())
                .isEqualTo("invalid_quantity");
    }

    @Test
    void anotherUsersSubscriptionIsNotFound() {
        String bobsCustomer = customerOf(bob);
        customerOf(alice);
        String bobsSub = api.harness
                .gateway()
                .subscribe(CustomerId.of(bobsCustomer), "price_pro_monthly", SubscriptionStatus.ACTIVE)
                .id();
        for (String action : new String[] {"cancel", "resume", "update"}) {
            String body = action.equals("update") ? "{\"tier\":\"basic\",\"interval\":\"month\"}" : "{}";
            Http.Response r = api.http.post("/stripe/subscriptions/" + bobsSub + "/" + action, alice, body);
            assertThat(r.status()).as(action + ": " + r.body()).isEqualTo(404);
            assertThat(r.body()).doesNotContain("price_pro_monthly");
        }
        assertThat(api.http
                        .post("/stripe/subscriptions/" + bobsSub + "/cancel", bob, "{}")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void anotherUsersInvoiceIsNotFound() {
        String bobsCustomer = customerOf(bob);
        customerOf(alice);
        api.harness.gateway().subscribe(CustomerId.of(bobsCustomer), "price_pro_monthly", SubscriptionStatus.PAST_DUE);
        CustomerId bobs = CustomerId.of(bobsCustomer);
        api.harness
                .gateway()
                .setDefaultPaymentMethod(bobs, api.harness.gateway().attachCard(bobs)); // the card that pays
        JsonNode bobsInvoices = api.http.get("/stripe/invoices", bob).json().path("data");
        assertThat(bobsInvoices).hasSize(1);
        String invoice = bobsInvoices.get(0).path("id").asText();
        assertThat(bobsInvoices.get(0).path("hostedInvoiceUrl").isMissingNode()).isFalse();
        assertThat(api.http.get("/stripe/invoices/" + invoice, alice).status()).isEqualTo(404);
        assertThat(api.http
                        .post("/stripe/invoices/" + invoice + "/pay", alice, null)
                        .status())
                .isEqualTo(404);
        assertThat(api.http.get("/stripe/invoices", alice).json().path("data")).isEmpty();
        assertThat(api.http.get("/stripe/invoices/" + invoice, bob).status()).isEqualTo(200);
        Http.Response paid = api.http.post("/stripe/invoices/" + invoice + "/pay", bob, null);
        assertThat(paid.status()).as(paid.body()).isEqualTo(200);
        assertThat(paid.json().path("status").asText()).isEqualTo("paid");
    }

    @Test
    void aCursorStripeDoesNotKnowIsABadRequestNotANotFound() {
        String bobsCustomer = customerOf(bob);
        api.harness.gateway().subscribe(CustomerId.of(bobsCustomer), "price_pro_monthly", SubscriptionStatus.ACTIVE);
        Http.Response unknown = api.http.get("/stripe/invoices?startingAfter=in_unknown", bob);
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
        assertThat(unknown.errorCode()).isEqualTo("invalid_cursor");
    }

    @Test
    void invoicesShowWhatWentBackOfTheirPayment() {
        String bobsCustomer = customerOf(bob);
        api.harness.gateway().subscribe(CustomerId.of(bobsCustomer), "price_pro_monthly", SubscriptionStatus.ACTIVE);
        JsonNode listed =
                api.http.get("/stripe/invoices", bob).json().path("data").get(0);
        String invoice = listed.path("id").asText();
        assertThat(listed.path("amountRefunded").isNumber())
                .as(listed.toString())
                .isTrue();
        assertThat(listed.path("amountRefunded").asLong())
                .as("no refund recorded")
                .isZero();

        // What the webhooks would have projected: the invoice's payment and two refunds of it, one failed.
        api.harness.stores().subscriptions().recordInvoicePayment(new InvoicePayment(invoice, "pi_bobs"));
        for (String[] refund : new String[][] {{"re_bobs_1", "succeeded"}, {"re_bobs_2", "failed"}}) {
            api.harness
                    .stores()
                    .subscriptions()
                    .upsertRefund(new PaymentRefund(
                            refund[0],
                            CustomerId.of(bobsCustomer),
                            "ch_bobs",
                            "pi_bobs",
                            900,
                            "usd",
                            refund[1],
                            null,
                            java.time.Instant.parse("2026-11-01T00:00:00Z"),
                            SourceVersion.snapshot(java.time.Instant.parse("2026-11-01T00:00:00Z"))));
        }

        assertThat(api.http
                        .get("/stripe/invoices", bob)
                        .json()
                        .path("data")
                        .get(0)
                        .path("amountRefunded")
                        .asLong())
                .isEqualTo(900);
        assertThat(api.http
                        .get("/stripe/invoices/" + invoice, bob)
                        .json()
                        .path("amountRefunded")
                        .asLong())
                .isEqualTo(900);
        JsonNode exported = api.http.get("/me/export", bob).json().path("invoices");
        assertThat(exported.findValues("amountRefunded"))
                .allSatisfy(v -> assertThat(v.isNumber()).isTrue());
    }

    @Test
    void anotherUsersPaymentMethodIsNotFound() {
        String bobsCustomer = customerOf(bob);
        customerOf(alice);
        String card = api.harness.gateway().attachCard(CustomerId.of(bobsCustomer));
        assertThat(api.http
                        .post("/stripe/payment-methods/" + card + "/default", alice, null)
                        .status())
                .isEqualTo(404);
        assertThat(api.http.delete("/stripe/payment-methods/" + card, alice).status())
                .isEqualTo(404);
        assertThat(api.http.get("/stripe/payment-methods", alice).json().path("data"))
                .isEmpty();
        JsonNode cards = api.http.get("/stripe/payment-methods", bob).json().path("data");
        assertThat(cards).hasSize(1);
        assertThat(cards.get(0).path("last4").asText()).isEqualTo("4242");
        assertThat(api.http
                        .post("/stripe/payment-methods/" + card + "/default", bob, null)
                        .json()
                        .path("isDefault")
                        .asBoolean())
                .isTrue();
        assertThat(api.http
                        .delete("/stripe/payment-methods/" + card, bob)
                        .json()
                        .path("deleted")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void malformedIdsAreNotFound() {
        customerOf(alice);
        assertThat(api.http
                        .post("/stripe/subscriptions/sub%27%20OR%201=1/cancel", alice, "{}")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void thePortalOfAUserWithoutACustomerSaysSoWithoutCallingTheUserACustomer() {
        Http.Response portal = api.http.post("/stripe/portal", bob, "{\"returnUrl\":\"" + ORIGIN + "/account\"}");

        assertThat(portal.status()).isEqualTo(404);
        assertThat(portal.errorCode()).isEqualTo("customer_not_found");
        assertThat(portal.json().path("error").path("message").asText())
                .isEqualTo("This user has no billing customer yet; create one first.")
                .doesNotContain("user_bob");
        assertThat(api.harness.gateway().calls(Operation.CREATE_PORTAL)).isEmpty();
    }

    @Test
    void setupIntentAndPortal() {
        Http.Response intent = api.http.post("/stripe/payment-methods/setup-intent", alice, null);
        assertThat(intent.status()).as(intent.body()).isEqualTo(200);
        assertThat(intent.json().path("clientSecret").asText()).isNotBlank();
        Http.Response portal = api.http.post("/stripe/portal", alice, "{\"returnUrl\":\"" + ORIGIN + "/account\"}");
        assertThat(portal.status()).as(portal.body()).isEqualTo(200);
        assertThat(portal.json().path("url").asText()).isNotBlank();
    }

    @Test
    void cancelAtPeriodEndAndResume() {
        String sub = api.harness
                .gateway()
                .subscribe(CustomerId.of(customerOf(alice)), "price_pro_monthly", SubscriptionStatus.ACTIVE)
                .id();
        Http.Response cancelled = api.http.post("/stripe/subscriptions/" + sub + "/cancel", alice, null);
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().path("cancelAtPeriodEnd").asBoolean()).isTrue();
        Http.Response resumed = api.http.post("/stripe/subscriptions/" + sub + "/resume", alice, null);
        assertThat(resumed.json().path("cancelAtPeriodEnd").asBoolean()).isFalse();
        Http.Response changed = api.http.post(
                "/stripe/subscriptions/" + sub + "/update",
                alice,
                "{\"tier\":\"enterprise\",\"interval\":\"month\",\"prorationBehavior\":\"none\"}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("tier").asText()).isEqualTo("enterprise");
        assertThat(api.http
                        .post(
                                "/stripe/subscriptions/" + sub + "/update",
                                alice,
                                "{\"tier\":\"pro\",\"interval\":\"month\",\"prorationBehavior\":\"sometimes\"}")
                        .errorCode())
                .isEqualTo("invalid_proration_behavior");
    }

    @Test
    void catalogIsServedToSignedInUsersOnly() {
        assertThat(api.http.get("/stripe/prices", null).status()).isEqualTo(401);
        Http.Response prices = api.http.get("/stripe/prices?type=recurring&limit=3", alice);
        assertThat(prices.status()).as(prices.body()).isEqualTo(200);
        assertThat(prices.json().path("data")).hasSize(3);
        assertThat(prices.json().path("hasMore").asBoolean()).isTrue();
        assertThat(api.http.get("/stripe/prices?limit=101", alice).errorCode()).isEqualTo("invalid_limit");
        assertThat(api.http.get("/stripe/prices?type=weird", alice).errorCode()).isEqualTo("invalid_type");
        assertThat(api.http.get("/stripe/products", alice).json().path("data").size())
                .isGreaterThan(0);
    }

    @Test
    void catalogCanBePublic() {
        api.close();
        api = TestApi.start(s -> s.publicCatalog(true));
        assertThat(api.http.get("/stripe/products", null).status()).isEqualTo(200);
        assertThat(api.http.get("/me/entitlements", null).status()).isEqualTo(401);
    }

    @Test
    void stripeOutageIs503WithRetryAfterAndDeclinesAre402() {
        customerOf(alice);
        api.harness
                .gateway()
                .failNext(Operation.CREATE_CHECKOUT, 5, dev.billing.testkit.fake.FakePaymentGateway.Failure.NOT_DONE);
        Http.Response r = api.http.post("/stripe/checkout", alice, "{\"tier\":\"pro\",\"interval\":\"month\"}");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("stripe_unavailable");
        assertThat(r.header("Retry-After")).isNotBlank();
    }

    @Test
    void adminRefundsAPaymentOncePerIdempotencyKey() {
        Http.Response checkout = api.http.post("/stripe/checkout", alice, "{\"priceId\":\"price_credits_100\"}");
        String paymentIntent = api.harness
                .gateway()
                .completeCheckout(checkout.json().path("sessionId").asText());
        String body =
                "{\"paymentIntentId\":\"" + paymentIntent + "\",\"amount\":500,\"reason\":\"requested_by_customer\"}";
        Http.Response first =
                api.http.post("/admin/refunds", TestApi.ADMIN_TOKEN, body, Map.of("Idempotency-Key", "refund-1"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("amount").asLong()).isEqualTo(500);
        Http.Response again =
                api.http.post("/admin/refunds", TestApi.ADMIN_TOKEN, body, Map.of("Idempotency-Key", "refund-1"));
        assertThat(again.json().path("id").asText())
                .isEqualTo(first.json().path("id").asText());
        assertThat(api.harness.gateway().refunds()).hasSize(1);
        assertThat(api.http
                        .post("/admin/refunds", alice, body, Map.of("Idempotency-Key", "refund-2"))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void purchasesListsOneTimeBuys() {
        Http.Response r = api.http.get("/stripe/purchases", alice);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("data")).isEmpty();
    }

    @Test
    void storeOutageIs503StoreUnavailable() {
        api.harness.stores().storeSwitch().down();
        Http.Response r = api.http.get("/me/entitlements", alice);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("store_unavailable");
        assertThat(r.header("Retry-After")).isNotBlank();
        assertThat(r.body()).doesNotContainIgnoringCase("select").doesNotContain("Exception");
        api.harness.stores().storeSwitch().up();
        assertThat(api.http.get("/me/entitlements", alice).status()).isEqualTo(200);
    }
}

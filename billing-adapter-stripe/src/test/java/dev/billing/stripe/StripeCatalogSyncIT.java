package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.Price;
import com.stripe.model.WebhookEndpoint;
import com.stripe.model.billingportal.Configuration;
import com.stripe.param.PriceListParams;
import com.stripe.param.ProductListParams;
import com.stripe.param.WebhookEndpointCreateParams;
import com.stripe.param.WebhookEndpointListParams;
import com.stripe.param.billing.MeterListParams;
import com.stripe.param.billingportal.ConfigurationListParams;
import dev.billing.core.error.GatewayException;
import dev.billing.core.usecase.ProcessInboxEvent;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.StripeEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link StripeCatalogSync} against the emulator over HTTP through stripe-java. */
class StripeCatalogSyncIT {
    private static final String URL = "https://billing.example.com/webhooks/stripe";
    private static StripeEmulator emulator;
    private static StripeClient stripe;

    @BeforeAll
    static void startEmulator() {
        // No seed: the counts below are the sync's own objects.
        emulator = StripeEmulator.start(EmulatorOptions.defaults());
        stripe = StripeClient.builder().setApiKey(emulator.apiKey()).setApiBase(emulator.baseUrl()).build();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
        emulator.clearFaults();
        emulator.removeWebhookEndpoints();
    }

    /** No stripe-java retries: an injected failure reaches the sync. */
    private static StripeCatalogSync sync() {
        return StripeCatalogSync.create(StripeConfig.of(emulator.apiKey()).withApiBase(emulator.baseUrl())
                .withMaxNetworkRetries(0).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5)));
    }

    private static StripeCatalogSpec spec(long proMonthly) {
        List<StripeCatalogSpec.Price> prices = List.of(
                new StripeCatalogSpec.Price("billing:tier:pro:month", "billing_tier_pro", proMonthly, "usd", "month"),
                new StripeCatalogSpec.Price("billing:tier:pro:year", "billing_tier_pro", 19_000, "usd", "year"),
                new StripeCatalogSpec.Price("billing:item:credits", "billing_item_credits", 500, "usd", null));
        return new StripeCatalogSpec(
                List.of(new StripeCatalogSpec.Product("billing_tier_pro", "Pro"),
                        new StripeCatalogSpec.Product("billing_item_credits", "Credits")),
                prices, List.of(new StripeCatalogSpec.Meter("api_calls", "api_calls")),
                new StripeCatalogSpec.Portal(List.of(), List.of("billing:tier:pro:month", "billing:tier:pro:year")),
                new StripeCatalogSpec.WebhookEndpoint(URL, StripeCatalogSpec.eventTypes(
                        ProcessInboxEvent::handlesEventType), StripePaymentGateway.API_VERSION));
    }

    private static List<String> lines(StripeCatalogSync.Result result) {
        return result.changes().stream().map(StripeCatalogSync.Change::line).toList();
    }

    @Test
    void aSecondApplyChangesNothing() throws Exception {
        List<StripeCatalogSync.Change> told = new ArrayList<>();
        StripeCatalogSync.Result first = sync().apply(spec(1900), told::add);
        assertThat(told).isEqualTo(first.changes());
        assertThat(lines(first)).contains(
                "create   product billing_tier_pro: \"Pro\"",
                "create   price billing:tier:pro:month: usd 19.00 / month (product billing_tier_pro)",
                "create   price billing:item:credits: usd 5.00 once (product billing_item_credits)");
        assertThat(first.notes()).singleElement().asString().contains("STRIPE_WEBHOOK_SECRET=whsec_");
        emulator.clearRequestLog();

        StripeCatalogSync.Result second = sync().apply(spec(1900), c -> { });
        assertThat(second.noChanges()).as(lines(second).toString()).isTrue();
        assertThat(emulator.requestLog()).extracting(RecordedRequest::method).containsOnly("GET");
        assertCounts(2, 3, 1);
    }

    @Test
    void whatApplyMadeIsWhatTheSpecSays() throws Exception {
        sync().apply(spec(1900), c -> { });
        Map<String, String> ids = sync().priceIdsByLookupKey(List.of("billing:tier:pro:month",
                "billing:tier:pro:year", "billing:item:credits", "billing:unknown"));
        assertThat(ids).containsOnlyKeys("billing:tier:pro:month", "billing:tier:pro:year", "billing:item:credits");
        Price monthly = stripe.v1().prices().retrieve(ids.get("billing:tier:pro:month"));
        assertThat(monthly.getProduct()).isEqualTo("billing_tier_pro");
        assertThat(monthly.getUnitAmount()).isEqualTo(1900);
        assertThat(monthly.getRecurring().getInterval()).isEqualTo("month");
        assertThat(stripe.v1().prices().retrieve(ids.get("billing:item:credits")).getRecurring()).isNull();
        assertThat(stripe.v1().billing().meters().list(MeterListParams.builder().build()).getData())
                .extracting(m -> m.getEventName()).containsExactly("api_calls");

        Configuration portal = stripe.v1().billingPortal().configurations().list(ConfigurationListParams.builder()
                .setIsDefault(true).build()).getData().get(0);
        assertThat(portal.getFeatures().getSubscriptionUpdate().getProducts()).singleElement().satisfies(p -> {
            assertThat(p.getProduct()).isEqualTo("billing_tier_pro");
            assertThat(p.getPrices()).containsExactlyInAnyOrder(ids.get("billing:tier:pro:month"),
                    ids.get("billing:tier:pro:year"));
        });
        assertThat(portal.getFeatures().getSubscriptionCancel().getMode()).isEqualTo("at_period_end");

        List<StripeCatalogSync.Endpoint> endpoints = sync().webhookEndpoints(URL);
        assertThat(endpoints).singleElement().satisfies(e -> {
            assertThat(e.apiVersion()).isEqualTo(com.stripe.Stripe.API_VERSION);
            assertThat(e.enabledEvents()).containsExactlyInAnyOrderElementsOf(
                    StripeCatalogSpec.eventTypes(ProcessInboxEvent::handlesEventType));
        });
        assertThat(endpoints.get(0).enabledEvents()).contains("invoice.paid", "customer.subscription.updated",
                "checkout.session.completed", "customer.created", "price.updated", "invoice.upcoming",
                "charge.refunded", "refund.created", "refund.updated", "invoice_payment.paid",
                "promotion_code.updated", "coupon.deleted")
                .doesNotContain("charge.succeeded", "checkout.session.expired");
    }

    @Test
    void aChangedAmountArchivesTheOldPriceAndMovesTheLookupKey() throws Exception {
        sync().apply(spec(1900), c -> { });
        String old = sync().priceIdsByLookupKey(List.of("billing:tier:pro:month")).get("billing:tier:pro:month");

        StripeCatalogSync.Result planned = sync().plan(spec(2900));
        assertThat(lines(planned)).contains("create   price billing:tier:pro:month: usd 29.00 / month (product "
                + "billing_tier_pro), replacing " + old + " (usd 19.00 / month): the lookup key moves to the new price",
                "archive  price " + old + ": usd 19.00 / month (product billing_tier_pro, lookup key "
                        + "billing:tier:pro:month): not in the plan file any more");
        assertThat(lines(planned)).anyMatch(l -> l.startsWith("update   portal configuration"));

        sync().apply(spec(2900), c -> { });
        String now = sync().priceIdsByLookupKey(List.of("billing:tier:pro:month")).get("billing:tier:pro:month");
        assertThat(now).isNotEqualTo(old);
        assertThat(stripe.v1().prices().retrieve(now).getUnitAmount()).isEqualTo(2900);
        Price archived = stripe.v1().prices().retrieve(old);
        assertThat(archived.getActive()).isFalse();
        assertThat(archived.getLookupKey()).isNull();
        assertThat(sync().plan(spec(2900)).noChanges()).isTrue();
        assertCounts(2, 4, 1);
    }

    @Test
    void anInterruptedApplyFinishesOnTheNextRunWithoutDuplicates() throws Exception {
        // The first price is created, but the answer is lost: the run stops there.
        emulator.addFault(Fault.of(FaultKind.ERROR_500_AFTER_APPLY, "POST", "/v1/prices"));
        assertThatThrownBy(() -> sync().apply(spec(1900), c -> { })).isInstanceOf(GatewayException.class);
        // The portal configuration is made, and its answer lost too.
        emulator.addFault(Fault.of(FaultKind.ERROR_500_AFTER_APPLY, "POST", "/v1/billing_portal/configurations"));
        assertThatThrownBy(() -> sync().apply(spec(1900), c -> { })).isInstanceOf(GatewayException.class);
        // A plain outage on the webhook endpoint.
        emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/webhook_endpoints"));
        assertThatThrownBy(() -> sync().apply(spec(1900), c -> { })).isInstanceOf(GatewayException.class);

        StripeCatalogSync.Result finished = sync().apply(spec(1900), c -> { });
        assertThat(lines(finished)).singleElement().asString().startsWith("create   webhook endpoint " + URL);
        assertThat(sync().apply(spec(1900), c -> { }).noChanges()).isTrue();
        assertCounts(2, 3, 1);
        assertThat(stripe.v1().billingPortal().configurations().list(ConfigurationListParams.builder().build())
                .getData()).hasSize(1);
    }

    @Test
    void aReplacementInterruptedBeforeTheArchiveIsFinishedByTheNextRun() throws Exception {
        sync().apply(spec(1900), c -> { });
        String old = sync().priceIdsByLookupKey(List.of("billing:tier:pro:month")).get("billing:tier:pro:month");
        emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/prices/" + old));
        assertThatThrownBy(() -> sync().apply(spec(2900), c -> { })).isInstanceOf(GatewayException.class);
        assertThat(stripe.v1().prices().retrieve(old).getActive()).isTrue();

        StripeCatalogSync.Result finished = sync().apply(spec(2900), c -> { });
        assertThat(lines(finished)).anyMatch(l -> l.startsWith("archive  price " + old))
                .noneMatch(l -> l.startsWith("create   price"));
        assertThat(stripe.v1().prices().retrieve(old).getActive()).isFalse();
        assertCounts(2, 4, 1);
    }

    @Test
    void planOnlyReads() {
        emulator.clearRequestLog();
        StripeCatalogSync.Result planned = sync().plan(spec(1900));
        assertThat(planned.noChanges()).isFalse();
        assertThat(lines(planned)).contains("create   meter api_calls: \"api_calls\", sum of payload[value] per "
                + "payload[stripe_customer_id]");
        assertThat(emulator.requestLog()).isNotEmpty().extracting(RecordedRequest::method).containsOnly("GET");
        assertThat(sync().plan(spec(1900)).changes()).isEqualTo(planned.changes());
    }

    @Test
    void anEndpointOfAnotherApiVersionIsAWarningUntilItsReplacementIsAskedFor() throws Exception {
        WebhookEndpoint old = stripe.v1().webhookEndpoints().create(WebhookEndpointCreateParams.builder().setUrl(URL)
                .addEnabledEvent(WebhookEndpointCreateParams.EnabledEvent.INVOICE__PAID)
                .putExtraParam("api_version", "2024-06-20").build());
        StripeCatalogSync.Result applied = sync().apply(spec(1900), c -> { });
        assertThat(lines(applied)).contains("warn     webhook endpoint " + old.getId() + ": api_version 2024-06-20, "
                + "not " + StripePaymentGateway.API_VERSION + "; Stripe cannot change it: apply "
                + "--replace-webhook-endpoint creates a new endpoint (a new signing secret) and deletes this one");
        assertThat(lines(applied)).anyMatch(l -> l.startsWith("update   webhook endpoint " + old.getId()
                + ": enabled_events +["));
        StripeCatalogSync.Result again = sync().plan(spec(1900));
        assertThat(again.noChanges()).isTrue();
        assertThat(again.changes()).singleElement().extracting(StripeCatalogSync.Change::kind)
                .isEqualTo(StripeCatalogSync.Kind.WARN);

        StripeCatalogSync.Result replaced = sync().apply(spec(1900), true, c -> { });
        assertThat(lines(replaced)).containsExactly(
                "create   webhook endpoint " + URL + ": api_version " + StripePaymentGateway.API_VERSION + ", "
                        + spec(1900).webhookEndpoint().enabledEvents().size() + " event types",
                "delete   webhook endpoint " + old.getId() + ": api_version 2024-06-20, replaced");
        assertThat(replaced.notes()).singleElement().asString().contains("<new>,<old>");
        assertThat(sync().webhookEndpoints(URL)).singleElement()
                .extracting(StripeCatalogSync.Endpoint::apiVersion).isEqualTo(StripePaymentGateway.API_VERSION);
        assertThat(sync().plan(spec(1900)).changes()).isEmpty();
    }

    private static void assertCounts(int products, int prices, int endpoints) throws Exception {
        assertThat(stripe.v1().products().list(ProductListParams.builder().setLimit(100L).build()).getData())
                .hasSize(products);
        assertThat(stripe.v1().prices().list(PriceListParams.builder().setLimit(100L).build()).getData())
                .hasSize(prices);
        assertThat(stripe.v1().webhookEndpoints().list(WebhookEndpointListParams.builder().setLimit(100L).build())
                .getData()).hasSize(endpoints);
    }
}

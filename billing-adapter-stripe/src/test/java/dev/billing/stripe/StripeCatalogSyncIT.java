package dev.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.model.Price;
import com.stripe.model.WebhookEndpoint;
import com.stripe.model.billingportal.Configuration;
import com.stripe.param.PriceCreateParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.ProductCreateParams;
import com.stripe.param.ProductListParams;
import com.stripe.param.WebhookEndpointCreateParams;
import com.stripe.param.WebhookEndpointListParams;
import com.stripe.param.billing.MeterCreateParams;
import com.stripe.param.billing.MeterListParams;
import com.stripe.param.billingportal.ConfigurationListParams;
import dev.billing.core.error.GatewayException;
import dev.billing.core.webhook.ProcessInboxEvent;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.StripeEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link StripeCatalogSync} against the emulator over HTTP through stripe-java. */
class StripeCatalogSyncIT {
    private static final String URL = "https://billing.example.com/webhooks/stripe";
    private static StripeEmulator emulator;
    private static StripeClient stripe;

    @BeforeAll
    static void startEmulator() {
        // No seed: the counts below are the sync's own objects.
        emulator = StripeEmulator.start(EmulatorOptions.defaults());
        stripe = EmulatorClients.stripe(emulator);
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
        return StripeCatalogSync.create(StripeConfig.of(emulator.apiKey())
                .withApiBase(emulator.baseUrl())
                .withMaxNetworkRetries(0)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5)));
    }

    private static StripeCatalogSpec spec(long proMonthly) {
        List<StripeCatalogSpec.Price> prices = List.of(
                new StripeCatalogSpec.Price("billing:tier:pro:month", "billing_tier_pro", proMonthly, "usd", "month"),
                new StripeCatalogSpec.Price("billing:tier:pro:year", "billing_tier_pro", 19_000, "usd", "year"),
                new StripeCatalogSpec.Price("billing:item:credits", "billing_item_credits", 500, "usd", null));
        return new StripeCatalogSpec(
                List.of(
                        new StripeCatalogSpec.Product("billing_tier_pro", "Pro"),
                        new StripeCatalogSpec.Product("billing_item_credits", "Credits")),
                prices,
                List.of(new StripeCatalogSpec.Meter("api_calls", "api_calls")),
                new StripeCatalogSpec.Portal(List.of(), List.of("billing:tier:pro:month", "billing:tier:pro:year")),
                new StripeCatalogSpec.WebhookEndpoint(
                        URL,
                        StripeCatalogSpec.eventTypes(ProcessInboxEvent::handlesEventType),
                        StripePaymentGateway.API_VERSION));
    }

    /** The spec with a second tier, team, at usd 49.00 a month, switchable in the portal. */
    private static StripeCatalogSpec withTeam(StripeCatalogSpec base) {
        List<StripeCatalogSpec.Product> products = new ArrayList<>(base.products());
        products.add(new StripeCatalogSpec.Product("billing_tier_team", "Team"));
        List<StripeCatalogSpec.Price> prices = new ArrayList<>(base.prices());
        prices.add(new StripeCatalogSpec.Price("billing:tier:team:month", "billing_tier_team", 4900, "usd", "month"));
        List<String> portal = new ArrayList<>(base.portal().lookupKeys());
        portal.add("billing:tier:team:month");
        return new StripeCatalogSpec(
                products,
                prices,
                base.meters(),
                new StripeCatalogSpec.Portal(List.of(), portal),
                base.webhookEndpoint(),
                base.priceIdsInUse());
    }

    private static final String METERED = "billing:metered:pro:api_calls:month";

    /** The spec with a metered price on the api_calls meter, {@code unitAmount} cents per call, on pro's product. */
    private static StripeCatalogSpec withMetered(StripeCatalogSpec base, long unitAmount) {
        List<StripeCatalogSpec.Price> prices = new ArrayList<>(base.prices());
        prices.add(new StripeCatalogSpec.Price(METERED, "billing_tier_pro", unitAmount, "usd", "month", "api_calls"));
        return new StripeCatalogSpec(
                base.products(), prices, base.meters(), base.portal(), base.webhookEndpoint(), base.priceIdsInUse());
    }

    private static StripeCatalogSpec withMeters(StripeCatalogSpec base, StripeCatalogSpec.Meter... meters) {
        return new StripeCatalogSpec(
                base.products(),
                base.prices(),
                List.of(meters),
                base.portal(),
                base.webhookEndpoint(),
                base.priceIdsInUse());
    }

    private static StripeCatalogSpec withPricesInUse(StripeCatalogSpec base, String... priceIds) {
        return new StripeCatalogSpec(
                base.products(),
                base.prices(),
                base.meters(),
                base.portal(),
                base.webhookEndpoint(),
                List.of(priceIds));
    }

    private static List<String> lines(StripeCatalogSync.Result result) {
        return result.changes().stream().map(StripeCatalogSync.Change::line).toList();
    }

    @Test
    void aSecondApplyChangesNothing() throws Exception {
        List<StripeCatalogSync.Change> told = new ArrayList<>();
        StripeCatalogSync.Result first = sync().apply(spec(1900), told::add);
        assertThat(told).isEqualTo(first.changes());
        assertThat(lines(first))
                .contains(
                        "create   product billing_tier_pro: \"Pro\"",
                        "create   price billing:tier:pro:month: usd 19.00 / month (product billing_tier_pro)",
                        "create   price billing:item:credits: usd 5.00 once (product billing_item_credits)");
        assertThat(first.notes()).singleElement().asString().contains("STRIPE_WEBHOOK_SECRET=whsec_");
        emulator.clearRequestLog();

        StripeCatalogSync.Result second = sync().apply(spec(1900), c -> {});
        assertThat(second.noChanges()).as(lines(second).toString()).isTrue();
        assertThat(emulator.requestLog()).extracting(RecordedRequest::method).containsOnly("GET");
        assertCounts(2, 3, 1);
    }

    @Test
    void whatApplyMadeIsWhatTheSpecSays() throws Exception {
        sync().apply(spec(1900), c -> {});
        Map<String, String> ids = sync().priceIdsByLookupKey(List.of(
                "billing:tier:pro:month", "billing:tier:pro:year", "billing:item:credits", "billing:unknown"));
        assertThat(ids).containsOnlyKeys("billing:tier:pro:month", "billing:tier:pro:year", "billing:item:credits");
        Price monthly = stripe.v1().prices().retrieve(ids.get("billing:tier:pro:month"));
        assertThat(monthly.getProduct()).isEqualTo("billing_tier_pro");
        assertThat(monthly.getUnitAmount()).isEqualTo(1900);
        assertThat(monthly.getRecurring().getInterval()).isEqualTo("month");
        assertThat(stripe.v1()
                        .prices()
                        .retrieve(ids.get("billing:item:credits"))
                        .getRecurring())
                .isNull();
        assertThat(stripe.v1()
                        .billing()
                        .meters()
                        .list(MeterListParams.builder().build())
                        .getData())
                .extracting(m -> m.getEventName())
                .containsExactly("api_calls");

        Configuration portal = stripe.v1()
                .billingPortal()
                .configurations()
                .list(ConfigurationListParams.builder().setIsDefault(true).build())
                .getData()
                .get(0);
        assertThat(portal.getFeatures().getSubscriptionUpdate().getProducts())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.getProduct()).isEqualTo("billing_tier_pro");
                    assertThat(p.getPrices())
                            .containsExactlyInAnyOrder(
                                    ids.get("billing:tier:pro:month"), ids.get("billing:tier:pro:year"));
                });
        assertThat(portal.getFeatures().getSubscriptionCancel().getMode()).isEqualTo("at_period_end");

        List<StripeCatalogSync.Endpoint> endpoints = sync().webhookEndpoints(URL);
        assertThat(endpoints).singleElement().satisfies(e -> {
            assertThat(e.apiVersion()).isEqualTo(com.stripe.Stripe.API_VERSION);
            assertThat(e.enabledEvents())
                    .containsExactlyInAnyOrderElementsOf(
                            StripeCatalogSpec.eventTypes(ProcessInboxEvent::handlesEventType));
        });
        assertThat(endpoints.get(0).enabledEvents())
                .contains(
                        "invoice.paid",
                        "customer.subscription.updated",
                        "checkout.session.completed",
                        "customer.created",
                        "price.updated",
                        "invoice.upcoming",
                        "charge.refunded",
                        "refund.created",
                        "refund.updated",
                        "invoice_payment.paid",
                        "promotion_code.updated",
                        "coupon.deleted")
                .doesNotContain("charge.succeeded", "checkout.session.expired");
    }

    @Test
    void aMeteredPriceIsMadeOnItsMeterWithItsLookupKeyAndASecondApplyChangesNothing() throws Exception {
        StripeCatalogSync.Result first = sync().apply(withMetered(spec(1900), 1), c -> {});
        // the meter is created in the same run, before the price that needs its id
        assertThat(lines(first))
                .containsSubsequence(
                        "create   meter api_calls: \"api_calls\", sum of payload[value] per payload[stripe_customer_id]",
                        "create   price " + METERED + ": usd 0.01 / month per unit of meter api_calls (product "
                                + "billing_tier_pro)");
        String meter = stripe.v1()
                .billing()
                .meters()
                .list(MeterListParams.builder().build())
                .getData()
                .get(0)
                .getId();
        String id = sync().priceIdsByLookupKey(List.of(METERED)).get(METERED);
        Price metered = stripe.v1().prices().retrieve(id);
        assertThat(metered.getProduct()).isEqualTo("billing_tier_pro");
        assertThat(metered.getUnitAmount()).isEqualTo(1);
        assertThat(metered.getLookupKey()).isEqualTo(METERED);
        assertThat(metered.getMetadata()).containsEntry("managed_by", "billing");
        assertThat(metered.getRecurring().getInterval()).isEqualTo("month");
        assertThat(metered.getRecurring().getUsageType()).isEqualTo("metered");
        assertThat(metered.getRecurring().getMeter()).isEqualTo(meter);
        // customers switch plans in the portal, not metered prices
        Configuration portal = stripe.v1()
                .billingPortal()
                .configurations()
                .list(ConfigurationListParams.builder().setIsDefault(true).build())
                .getData()
                .get(0);
        assertThat(portal.getFeatures().getSubscriptionUpdate().getProducts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPrices()).hasSize(2).doesNotContain(id));
        emulator.clearRequestLog();

        StripeCatalogSync.Result second = sync().apply(withMetered(spec(1900), 1), c -> {});
        assertThat(second.noChanges()).as(lines(second).toString()).isTrue();
        assertThat(emulator.requestLog()).extracting(RecordedRequest::method).containsOnly("GET");
        assertCounts(2, 4, 1);
    }

    @Test
    void aChangedMeteredAmountMovesTheLookupKeyAndArchivesTheOldPrice() throws Exception {
        sync().apply(withMetered(spec(1900), 1), c -> {});
        String old = sync().priceIdsByLookupKey(List.of(METERED)).get(METERED);
        String meter = stripe.v1().prices().retrieve(old).getRecurring().getMeter();

        StripeCatalogSync.Result planned = sync().plan(withMetered(spec(1900), 2));
        assertThat(lines(planned))
                .containsExactly(
                        "create   price " + METERED + ": usd 0.02 / month per unit of meter api_calls (product "
                                + "billing_tier_pro), replacing " + old + " (usd 0.01 / month per unit of meter "
                                + meter
                                + "): the lookup key moves to the new price",
                        "archive  price " + old + ": usd 0.01 / month per unit of meter " + meter + " (product "
                                + "billing_tier_pro, lookup key " + METERED + "): not in the plan file any more");

        assertThat(lines(sync().apply(withMetered(spec(1900), 2), c -> {}))).isEqualTo(lines(planned));
        String now = sync().priceIdsByLookupKey(List.of(METERED)).get(METERED);
        assertThat(now).isNotEqualTo(old);
        Price moved = stripe.v1().prices().retrieve(now);
        assertThat(moved.getUnitAmount()).isEqualTo(2);
        assertThat(moved.getRecurring().getMeter()).isEqualTo(meter);
        Price archived = stripe.v1().prices().retrieve(old);
        assertThat(archived.getActive()).isFalse();
        assertThat(archived.getLookupKey()).isNull();
        assertThat(sync().plan(withMetered(spec(1900), 2)).noChanges()).isTrue();
        assertCounts(2, 5, 1);
    }

    @Test
    void aChangedAmountArchivesTheOldPriceAndMovesTheLookupKey() throws Exception {
        sync().apply(spec(1900), c -> {});
        String old =
                sync().priceIdsByLookupKey(List.of("billing:tier:pro:month")).get("billing:tier:pro:month");

        StripeCatalogSync.Result planned = sync().plan(spec(2900));
        assertThat(lines(planned))
                .contains(
                        "create   price billing:tier:pro:month: usd 29.00 / month (product "
                                + "billing_tier_pro), replacing " + old
                                + " (usd 19.00 / month): the lookup key moves to the new price",
                        "archive  price " + old + ": usd 19.00 / month (product billing_tier_pro, lookup key "
                                + "billing:tier:pro:month): not in the plan file any more");
        assertThat(lines(planned)).anyMatch(l -> l.startsWith("update   portal configuration"));

        sync().apply(spec(2900), c -> {});
        String now =
                sync().priceIdsByLookupKey(List.of("billing:tier:pro:month")).get("billing:tier:pro:month");
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
        assertThatThrownBy(() -> sync().apply(spec(1900), c -> {})).isInstanceOf(GatewayException.class);
        // The portal configuration is made, and its answer lost too.
        emulator.addFault(Fault.of(FaultKind.ERROR_500_AFTER_APPLY, "POST", "/v1/billing_portal/configurations"));
        assertThatThrownBy(() -> sync().apply(spec(1900), c -> {})).isInstanceOf(GatewayException.class);
        // A plain outage on the webhook endpoint.
        emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/webhook_endpoints"));
        assertThatThrownBy(() -> sync().apply(spec(1900), c -> {})).isInstanceOf(GatewayException.class);

        StripeCatalogSync.Result finished = sync().apply(spec(1900), c -> {});
        assertThat(lines(finished)).singleElement().asString().startsWith("create   webhook endpoint " + URL);
        assertThat(sync().apply(spec(1900), c -> {}).noChanges()).isTrue();
        assertCounts(2, 3, 1);
        assertThat(stripe.v1()
                        .billingPortal()
                        .configurations()
                        .list(ConfigurationListParams.builder().build())
                        .getData())
                .hasSize(1);
    }

    @Test
    void anEndpointDeletedByHandIsMadeAgainByTheNextRun() throws Exception {
        sync().apply(spec(1900), c -> {});
        String first = sync().webhookEndpoints(URL).get(0).id();
        stripe.v1().webhookEndpoints().delete(first);

        StripeCatalogSync.Result again = sync().apply(spec(1900), c -> {});
        assertThat(lines(again)).singleElement().asString().startsWith("create   webhook endpoint " + URL);
        assertThat(sync().webhookEndpoints(URL))
                .as("made at Stripe, not answered by the first run's replay")
                .singleElement()
                .satisfies(e -> assertThat(e.id()).isNotEqualTo(first));
        assertThat(again.notes()).singleElement().asString().doesNotContain(first);
        assertThat(sync().plan(spec(1900)).noChanges()).isTrue();
    }

    @Test
    void aReplacementInterruptedBeforeTheArchiveIsFinishedByTheNextRun() throws Exception {
        sync().apply(spec(1900), c -> {});
        String old =
                sync().priceIdsByLookupKey(List.of("billing:tier:pro:month")).get("billing:tier:pro:month");
        emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/prices/" + old));
        assertThatThrownBy(() -> sync().apply(spec(2900), c -> {})).isInstanceOf(GatewayException.class);
        assertThat(stripe.v1().prices().retrieve(old).getActive()).isTrue();

        StripeCatalogSync.Result finished = sync().apply(spec(2900), c -> {});
        assertThat(lines(finished))
                .anyMatch(l -> l.startsWith("archive  price " + old))
                .noneMatch(l -> l.startsWith("create   price"));
        assertThat(stripe.v1().prices().retrieve(old).getActive()).isFalse();
        assertCounts(2, 4, 1);
    }

    @Test
    void planOnlyReads() {
        emulator.clearRequestLog();
        StripeCatalogSync.Result planned = sync().plan(spec(1900));
        assertThat(planned.noChanges()).isFalse();
        assertThat(lines(planned))
                .contains("create   meter api_calls: \"api_calls\", sum of payload[value] per "
                        + "payload[stripe_customer_id]");
        assertThat(emulator.requestLog())
                .isNotEmpty()
                .extracting(RecordedRequest::method)
                .containsOnly("GET");
        assertThat(sync().plan(spec(1900)).changes()).isEqualTo(planned.changes());
    }

    @Test
    void anEndpointOfAnotherApiVersionIsAWarningUntilItsReplacementIsAskedFor() throws Exception {
        WebhookEndpoint old = stripe.v1()
                .webhookEndpoints()
                .create(WebhookEndpointCreateParams.builder()
                        .setUrl(URL)
                        .addEnabledEvent(WebhookEndpointCreateParams.EnabledEvent.INVOICE__PAID)
                        .putExtraParam("api_version", "2024-06-20")
                        .build());
        StripeCatalogSync.Result applied = sync().apply(spec(1900), c -> {});
        assertThat(lines(applied))
                .contains(
                        "warn     webhook endpoint " + old.getId() + ": api_version 2024-06-20, "
                                + "not " + StripePaymentGateway.API_VERSION + "; Stripe cannot change it: apply "
                                + "--replace-webhook-endpoint creates a new endpoint (a new signing secret) and deletes this one");
        assertThat(lines(applied))
                .anyMatch(l -> l.startsWith("update   webhook endpoint " + old.getId() + ": enabled_events +["));
        StripeCatalogSync.Result again = sync().plan(spec(1900));
        assertThat(again.noChanges()).isTrue();
        assertThat(again.changes())
                .singleElement()
                .extracting(StripeCatalogSync.Change::kind)
                .isEqualTo(StripeCatalogSync.Kind.WARN);

        StripeCatalogSync.Result replaced = sync().apply(spec(1900), true, c -> {});
        assertThat(lines(replaced))
                .containsExactly(
                        "create   webhook endpoint " + URL + ": api_version " + StripePaymentGateway.API_VERSION + ", "
                                + spec(1900).webhookEndpoint().enabledEvents().size() + " event types",
                        "delete   webhook endpoint " + old.getId() + ": api_version 2024-06-20, replaced");
        assertThat(replaced.notes()).singleElement().asString().contains("<new>,<old>");
        assertThat(sync().webhookEndpoints(URL))
                .singleElement()
                .extracting(StripeCatalogSync.Endpoint::apiVersion)
                .isEqualTo(StripePaymentGateway.API_VERSION);
        assertThat(sync().plan(spec(1900)).changes()).isEmpty();
    }

    @Test
    void aTierRemovedFromTheSpecIsArchivedWithItsPricesAndASecondApplyChangesNothing() throws Exception {
        sync().apply(withTeam(spec(1900)), c -> {});
        String team =
                sync().priceIdsByLookupKey(List.of("billing:tier:team:month")).get("billing:tier:team:month");

        StripeCatalogSync.Result planned = sync().plan(spec(1900));
        assertThat(lines(planned))
                .containsSubsequence(
                        "archive  price " + team + ": usd 49.00 / month (product billing_tier_team, lookup key "
                                + "billing:tier:team:month): its product is not in the plan file any more",
                        "archive  product billing_tier_team: \"Team\": not in the plan file any more");
        assertThat(lines(planned)).anyMatch(l -> l.startsWith("update   portal configuration"));
        List<StripeCatalogSync.Change> told = new ArrayList<>();
        StripeCatalogSync.Result applied = sync().apply(spec(1900), told::add);
        assertThat(applied.changes()).isEqualTo(told);
        assertThat(lines(applied)).containsAll(lines(planned));

        assertThat(stripe.v1().products().retrieve("billing_tier_team").getActive())
                .isFalse();
        Price archived = stripe.v1().prices().retrieve(team);
        assertThat(archived.getActive()).isFalse();
        assertThat(archived.getLookupKey()).isEqualTo("billing:tier:team:month");
        assertThat(stripe.v1().products().retrieve("billing_tier_pro").getActive())
                .isTrue();
        assertThat(sync().priceIdsByLookupKey(List.of("billing:tier:pro:month", "billing:tier:team:month")))
                .containsOnlyKeys("billing:tier:pro:month");
        Configuration portal = stripe.v1()
                .billingPortal()
                .configurations()
                .list(ConfigurationListParams.builder().setIsDefault(true).build())
                .getData()
                .get(0);
        assertThat(portal.getFeatures().getSubscriptionUpdate().getProducts())
                .extracting(Configuration.Features.SubscriptionUpdate.Product::getProduct)
                .containsExactly("billing_tier_pro");

        emulator.clearRequestLog();
        StripeCatalogSync.Result second = sync().apply(spec(1900), c -> {});
        assertThat(second.changes()).as(lines(second).toString()).isEmpty();
        assertThat(emulator.requestLog()).extracting(RecordedRequest::method).containsOnly("GET");
    }

    @Test
    void aTierAddedBackIsReactivatedWithItsPriceEachTimeItReturns() throws Exception {
        sync().apply(withTeam(spec(1900)), c -> {});
        String team =
                sync().priceIdsByLookupKey(List.of("billing:tier:team:month")).get("billing:tier:team:month");
        // Twice round: a flip back must never be answered by the replay of an earlier run's request.
        for (int round = 1; round <= 2; round++) {
            sync().apply(spec(1900), c -> {});
            assertThat(stripe.v1().products().retrieve("billing_tier_team").getActive())
                    .as("round %d", round)
                    .isFalse();

            StripeCatalogSync.Result back = sync().apply(withTeam(spec(1900)), c -> {});
            assertThat(lines(back))
                    .as("round %d", round)
                    .contains(
                            "update   product billing_tier_team: reactivate",
                            "update   price billing:tier:team:month: reactivate " + team)
                    .noneMatch(l -> l.startsWith("create   "));
            assertThat(stripe.v1().products().retrieve("billing_tier_team").getActive())
                    .as("round %d", round)
                    .isTrue();
            assertThat(sync().priceIdsByLookupKey(List.of("billing:tier:team:month")))
                    .containsEntry("billing:tier:team:month", team);
            assertThat(sync().plan(withTeam(spec(1900))).changes())
                    .as("round %d", round)
                    .isEmpty();
        }
        assertCounts(3, 4, 1);
    }

    @Test
    void settingsSetBackWithinTheSameSecondAreSetEachTime() throws Exception {
        // A frozen clock keeps every object's updated on one second, as two quick runs on Stripe can see it.
        try (StripeEmulator frozen =
                StripeEmulator.start(EmulatorOptions.defaults().withFrozenClock(true))) {
            StripeCatalogSync sync = StripeCatalogSync.create(StripeConfig.of(frozen.apiKey())
                    .withApiBase(frozen.baseUrl())
                    .withMaxNetworkRetries(0));
            StripeCatalogSpec wide = withTeam(spec(1900));
            StripeCatalogSpec narrow = withoutLastEvent(spec(1900));
            sync.apply(wide, c -> {});
            for (int round = 1; round <= 2; round++) {
                assertThat(lines(sync.apply(narrow, c -> {})))
                        .as("round %d", round)
                        .anyMatch(l -> l.startsWith("update   portal configuration"))
                        .anyMatch(l -> l.startsWith("update   webhook endpoint"));
                assertThat(sync.plan(narrow).changes()).as("round %d", round).isEmpty();
                assertThat(lines(sync.apply(wide, c -> {})))
                        .as("round %d", round)
                        .anyMatch(l -> l.startsWith("update   portal configuration"))
                        .anyMatch(l -> l.startsWith("update   webhook endpoint"));
                assertThat(sync.plan(wide).changes()).as("round %d", round).isEmpty();
            }
        }
    }

    private static StripeCatalogSpec withoutLastEvent(StripeCatalogSpec base) {
        List<String> events = base.webhookEndpoint().enabledEvents();
        return new StripeCatalogSpec(
                base.products(),
                base.prices(),
                base.meters(),
                base.portal(),
                new StripeCatalogSpec.WebhookEndpoint(
                        URL,
                        events.subList(0, events.size() - 1),
                        base.webhookEndpoint().apiVersion()),
                base.priceIdsInUse());
    }

    @Test
    void productsTheSyncDidNotCreateAreNeverArchived() throws Exception {
        // Another product line's product, and one made by hand with the sync's id scheme: neither has the marker.
        stripe.v1()
                .products()
                .create(ProductCreateParams.builder()
                        .setId("prod_shop_mug")
                        .setName("Mug")
                        .putMetadata("managed_by", "shop")
                        .build());
        stripe.v1()
                .products()
                .create(ProductCreateParams.builder()
                        .setId("billing_tier_team")
                        .setName("Team")
                        .build());
        Price mug = stripe.v1()
                .prices()
                .create(PriceCreateParams.builder()
                        .setProduct("prod_shop_mug")
                        .setUnitAmount(1200L)
                        .setCurrency("usd")
                        .build());
        // The spec adopts the hand-made product while it lists it (its price is created on it) ...
        sync().apply(withTeam(spec(1900)), c -> {});
        String team =
                sync().priceIdsByLookupKey(List.of("billing:tier:team:month")).get("billing:tier:team:month");

        // ... but once the spec drops it, the sync leaves it and its price alone, like the shop's.
        StripeCatalogSync.Result applied = sync().apply(spec(1900), c -> {});
        assertThat(lines(applied))
                .filteredOn(l -> !l.startsWith("update   portal configuration"))
                .noneMatch(
                        l -> l.contains("billing_tier_team") || l.contains("prod_shop_mug") || l.startsWith("archive"));
        assertThat(stripe.v1().products().retrieve("billing_tier_team").getActive())
                .isTrue();
        assertThat(stripe.v1().prices().retrieve(team).getActive()).isTrue();
        assertThat(stripe.v1().products().retrieve("prod_shop_mug").getActive()).isTrue();
        assertThat(stripe.v1().prices().retrieve(mug.getId()).getActive()).isTrue();
        assertThat(sync().plan(spec(1900)).changes()).isEmpty();
    }

    @Test
    void aDroppedProductWhosePriceThePlanNamesByIdStaysWithAWarning() throws Exception {
        sync().apply(withTeam(spec(1900)), c -> {});
        String team =
                sync().priceIdsByLookupKey(List.of("billing:tier:team:month")).get("billing:tier:team:month");
        // The file now gives the team tier's price by id (the one apply made), or a metered price on the product.
        StripeCatalogSync.Result applied = sync().apply(withPricesInUse(spec(1900), team), c -> {});
        assertThat(lines(applied))
                .contains("warn     product billing_tier_team: \"Team\" is not in the plan file "
                        + "any more, but left active: the plan file names its price " + team + " by id (remove its "
                        + "metadata managed_by to take it out of the sync)")
                .noneMatch(l -> l.startsWith("archive"));
        assertThat(stripe.v1().products().retrieve("billing_tier_team").getActive())
                .isTrue();
        assertThat(stripe.v1().prices().retrieve(team).getActive()).isTrue();
        assertThat(sync().plan(withPricesInUse(spec(1900), team)).noChanges()).isTrue();
    }

    @Test
    void anArchiveInterruptedBetweenThePricesAndTheProductIsFinishedByTheNextRun() throws Exception {
        sync().apply(withTeam(spec(1900)), c -> {});
        String team =
                sync().priceIdsByLookupKey(List.of("billing:tier:team:month")).get("billing:tier:team:month");
        emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/products/billing_tier_team"));
        assertThatThrownBy(() -> sync().apply(spec(1900), c -> {})).isInstanceOf(GatewayException.class);
        assertThat(stripe.v1().prices().retrieve(team).getActive()).isFalse();
        assertThat(stripe.v1().products().retrieve("billing_tier_team").getActive())
                .isTrue();

        StripeCatalogSync.Result finished = sync().apply(spec(1900), c -> {});
        assertThat(lines(finished))
                .contains("archive  product billing_tier_team: \"Team\": not in the plan file " + "any more")
                .noneMatch(l -> l.startsWith("archive  price"));
        assertThat(stripe.v1().products().retrieve("billing_tier_team").getActive())
                .isFalse();
        assertThat(sync().plan(spec(1900)).changes()).isEmpty();
    }

    @Test
    void aMetersDisplayNameFollowsTheSpec() throws Exception {
        sync().apply(spec(1900), c -> {});
        StripeCatalogSpec renamed = withMeters(spec(1900), new StripeCatalogSpec.Meter("api_calls", "API calls"));
        StripeCatalogSync.Result planned = sync().plan(renamed);
        assertThat(lines(planned))
                .containsExactly("update   meter api_calls: display_name \"api_calls\" -> " + "\"API calls\"");

        assertThat(lines(sync().apply(renamed, c -> {}))).isEqualTo(lines(planned));
        assertThat(stripe.v1()
                        .billing()
                        .meters()
                        .list(MeterListParams.builder().build())
                        .getData())
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.getEventName()).isEqualTo("api_calls");
                    assertThat(m.getDisplayName()).isEqualTo("API calls");
                });
        assertThat(sync().plan(renamed).changes()).isEmpty();
        // Back and forth again: the second rename to "API calls" is a new request, not the first one's replay.
        sync().apply(spec(1900), c -> {});
        assertThat(meterName()).isEqualTo("api_calls");
        sync().apply(renamed, c -> {});
        assertThat(meterName()).isEqualTo("API calls");
    }

    private static String meterName() throws Exception {
        return stripe.v1()
                .billing()
                .meters()
                .list(MeterListParams.builder().build())
                .getData()
                .get(0)
                .getDisplayName();
    }

    @Test
    void aMeterTheSpecDropsIsAWarningAndStaysActive() throws Exception {
        sync().apply(spec(1900), c -> {});
        String id = stripe.v1()
                .billing()
                .meters()
                .list(MeterListParams.builder().build())
                .getData()
                .get(0)
                .getId();
        // A meter of another shape (another product line's) is not the sync's to mention.
        stripe.v1()
                .billing()
                .meters()
                .create(MeterCreateParams.builder()
                        .setEventName("shop_orders")
                        .setDisplayName("Orders")
                        .setDefaultAggregation(MeterCreateParams.DefaultAggregation.builder()
                                .setFormula(MeterCreateParams.DefaultAggregation.Formula.COUNT)
                                .build())
                        .build());

        StripeCatalogSync.Result applied = sync().apply(withMeters(spec(1900)), c -> {});
        assertThat(lines(applied))
                .containsExactly("warn     meter api_calls: " + id + " \"api_calls\" is not in the "
                        + "plan file any more; left active, since usage may still be reported to it (deactivate it in the "
                        + "Stripe Dashboard once nothing does)");
        assertThat(applied.noChanges()).isTrue();
        assertThat(stripe.v1().billing().meters().retrieve(id).getStatus()).isEqualTo("active");
    }

    private static void assertCounts(int products, int prices, int endpoints) throws Exception {
        assertThat(stripe.v1()
                        .products()
                        .list(ProductListParams.builder().setLimit(100L).build())
                        .getData())
                .hasSize(products);
        assertThat(stripe.v1()
                        .prices()
                        .list(PriceListParams.builder().setLimit(100L).build())
                        .getData())
                .hasSize(prices);
        assertThat(stripe.v1()
                        .webhookEndpoints()
                        .list(WebhookEndpointListParams.builder().setLimit(100L).build())
                        .getData())
                .hasSize(endpoints);
    }
}

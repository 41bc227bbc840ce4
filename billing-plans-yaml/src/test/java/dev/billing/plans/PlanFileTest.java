package dev.billing.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.PlanCatalog;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanFileTest {
    private static final String BY_AMOUNT = """
            tiers:
              free: {rank: 0}
              pro:
                rank: 1
                prices:
                  month: {amount: 1900, currency: USD}
                  year: price_pro_yearly
            items:
              - {key: credits_100, name: 100 credits, amount: "${CREDITS_AMOUNT:-500}", currency: eur}
            meters:
              - {name: api_calls, stripeEventName: api_calls}
              - {name: exports}
            """;

    @Test
    void pricesGivenByAmountGetStableLookupKeysAndProducts() {
        PlanFile file = PlanCatalogYaml.readText(BY_AMOUNT, Map.of(), "plans.yaml");
        assertThat(file.needsLookup()).isTrue();
        assertThat(file.managedPrices())
                .containsExactly(
                        new PlanFile.ManagedPrice(
                                "billing:tier:pro:month",
                                "billing_tier_pro",
                                "Pro",
                                1900,
                                "usd",
                                "month",
                                "tiers.pro.prices.month"),
                        new PlanFile.ManagedPrice(
                                "billing:item:credits_100",
                                "billing_item_credits_100",
                                "100 credits",
                                500,
                                "eur",
                                null,
                                "items[0]"));
        assertThat(file.stripeMeters()).extracting(m -> m.name()).containsExactly("api_calls");
        assertThat(file.checkedCatalog().plans()).hasSize(2);
    }

    @Test
    void pricesGivenByIdAreListedWithoutThePlaceholdersOfAmounts() {
        String yaml = """
                tiers:
                  free: {rank: 0}
                  pro:
                    rank: 1
                    prices:
                      month: {amount: 1900, currency: usd}
                      year: price_pro_yearly
                    meteredPrices:
                      year: [{meter: api_calls, priceId: price_calls_yearly}]
                items:
                  - {key: credits_100, name: 100 credits, amount: 500, currency: usd}
                  - {key: pack, name: Pack, priceId: price_pack}
                meters:
                  - {name: api_calls, stripeEventName: api_calls}
                """;
        PlanFile file = PlanCatalogYaml.readText(yaml, Map.of(), "plans.yaml");
        assertThat(file.priceIdsGivenById()).containsExactly("price_pro_yearly", "price_calls_yearly", "price_pack");
        assertThat(file.tierPriceIds()).containsExactly("price_pro_yearly");
    }

    @Test
    void theResolverTurnsLookupKeysIntoPriceIds() {
        PlanFile file = PlanCatalogYaml.readText(BY_AMOUNT, Map.of(), "plans.yaml");
        Map<String, String> stripe =
                Map.of("billing:tier:pro:month", "price_1Pro", "billing:item:credits_100", "price_1Credits");
        PlanCatalog plans = file.catalog(key -> Optional.ofNullable(stripe.get(key)));
        assertThat(plans.plan("pro", BillingInterval.MONTH).orElseThrow().priceId())
                .isEqualTo("price_1Pro");
        assertThat(plans.plan("pro", BillingInterval.YEAR).orElseThrow().priceId())
                .isEqualTo("price_pro_yearly");
        assertThat(plans.items().get(0).priceId()).isEqualTo("price_1Credits");
    }

    @Test
    void aLookupKeyNoPriceHoldsIsAProblemNamingIt() {
        PlanFile file = PlanCatalogYaml.readText(BY_AMOUNT, Map.of(), "plans.yaml");
        assertThatThrownBy(() -> file.catalog(key -> Optional.empty()))
                .isInstanceOf(PlanCatalogYaml.InvalidCatalogException.class)
                .hasMessageContaining("plans.yaml: tiers.pro.prices.month: no active Stripe price has the lookup key "
                        + "'billing:tier:pro:month' (create it: billing-server stripe apply)")
                .hasMessageContaining("items[0]: no active Stripe price has the lookup key 'billing:item:credits_100'");
    }

    @Test
    void loadRefusesAFileWithAmountsAndKeepsReadingIdOnlyFiles() {
        assertThatThrownBy(() -> PlanCatalogYaml.parse(BY_AMOUNT, Map.of(), "plans.yaml"))
                .isInstanceOf(PlanCatalogYaml.InvalidCatalogException.class)
                .hasMessageContaining("tiers.pro.prices.month: a price given by amount");
        PlanFile sample = PlanCatalogYaml.readSample(Map.of());
        assertThat(sample.needsLookup()).isFalse();
        assertThat(sample.catalog().plans()).hasSize(6);
    }

    @Test
    void badAmountsAreProblemsWithTheirPaths() {
        String yaml = """
                tiers:
                  free: {rank: 0}
                  pro: {rank: 1, prices: {month: {amount: -1, currency: dollars}, year: {amount: 10, colour: red}}}
                items:
                  - {key: a, name: A, priceId: price_a, amount: 5, currency: usd}
                """;
        assertThatThrownBy(() -> PlanCatalogYaml.readText(yaml, Map.of(), "p.yaml"))
                .isInstanceOf(PlanCatalogYaml.InvalidCatalogException.class)
                .satisfies(e -> assertThat(((PlanCatalogYaml.InvalidCatalogException) e).problems())
                        .containsExactly(
                                "p.yaml: tiers.pro.prices.month.amount: must be a whole number from 0 to 99999999, not -1",
                                "p.yaml: tiers.pro.prices.month.currency: must be a three-letter ISO currency code (usd, "
                                        + "eur...), not 'dollars'",
                                "p.yaml: tiers.pro.prices.year.colour: unknown key (expected one of amount, currency)",
                                "p.yaml: tiers.pro.prices.year.currency: is required",
                                "p.yaml: items[0]: give priceId or amount + currency, not both"));
    }

    private static final String METERED_BY_AMOUNT = """
            tiers:
              free: {rank: 0}
              pro:
                rank: 1
                prices: {month: price_pro_monthly, year: {amount: 19000, currency: usd}}
                meteredPrices:
                  month: [{meter: api_calls, amount: 1, currency: USD}]
                  year: [{meter: api_calls, priceId: price_calls_yearly}]
            meters:
              - {name: api_calls, stripeEventName: api_call_events}
            """;

    @Test
    void aMeteredPriceByAmountIsManagedOnTheTiersProductUnderItsOwnLookupKey() {
        PlanFile file = PlanCatalogYaml.readText(METERED_BY_AMOUNT, Map.of(), "plans.yaml");
        assertThat(file.managedPrices())
                .containsExactly(
                        new PlanFile.ManagedPrice(
                                "billing:tier:pro:year",
                                "billing_tier_pro",
                                "Pro",
                                19000,
                                "usd",
                                "year",
                                "tiers.pro.prices.year"),
                        new PlanFile.ManagedPrice(
                                "billing:metered:pro:api_calls:month",
                                "billing_tier_pro",
                                "Pro",
                                1,
                                "usd",
                                "month",
                                "tiers.pro.meteredPrices.month[0]",
                                "api_call_events"));
        assertThat(file.managedPrices().get(1).metered()).isTrue();
        assertThat(file.managedPrices().get(0).metered()).isFalse();
        // the placeholder is not a price given by id: stripe apply may archive what it stands for
        assertThat(file.priceIdsGivenById()).containsExactly("price_pro_monthly", "price_calls_yearly");
        assertThat(file.tierPriceIds()).containsExactly("price_pro_monthly");

        Map<String, String> stripe = Map.of(
                "billing:tier:pro:year", "price_1ProYear", "billing:metered:pro:api_calls:month", "price_1Calls");
        PlanCatalog plans = file.catalog(key -> Optional.ofNullable(stripe.get(key)));
        assertThat(plans.plan("pro", BillingInterval.MONTH).orElseThrow().meteredPriceIds())
                .containsExactly("price_1Calls");
        assertThat(plans.plan("pro", BillingInterval.YEAR).orElseThrow().meteredPriceIds())
                .containsExactly("price_calls_yearly");
    }

    @Test
    void anUnresolvedMeteredLookupKeyIsAProblemAndLoadRefusesMeteredAmounts() {
        String yaml = METERED_BY_AMOUNT.replace("{amount: 19000, currency: usd}", "price_pro_yearly");
        PlanFile file = PlanCatalogYaml.readText(yaml, Map.of(), "plans.yaml");
        assertThat(file.needsLookup()).isTrue();
        assertThatThrownBy(() -> file.catalog(key -> Optional.empty()))
                .isInstanceOf(PlanCatalogYaml.InvalidCatalogException.class)
                .hasMessage("plans.yaml: tiers.pro.meteredPrices.month[0]: no active Stripe price has the lookup key "
                        + "'billing:metered:pro:api_calls:month' (create it: billing-server stripe apply)");
        assertThatThrownBy(() -> PlanCatalogYaml.parse(yaml, Map.of(), "plans.yaml"))
                .isInstanceOf(PlanCatalogYaml.InvalidCatalogException.class)
                .hasMessageContaining("tiers.pro.meteredPrices.month[0]: a price given by amount has no id until its "
                        + "lookup key 'billing:metered:pro:api_calls:month' is resolved");
    }

    @Test
    void theLongestNamesKeepAMeteredLookupKeyWithinStripesLimit() {
        String tier = "t" + "x".repeat(31);
        String meter = "m" + "y".repeat(63);
        String yaml = """
                tiers:
                  free: {rank: 0}
                  %s:
                    rank: 1
                    prices: {month: price_m}
                    meteredPrices: {month: [{meter: %s, amount: 1, currency: usd}]}
                meters:
                  - {name: %s, stripeEventName: calls}
                  - {name: a.b, stripeEventName: ab_dot}
                  - {name: a_b, stripeEventName: ab_underscore}
                """.formatted(tier, meter, meter);
        PlanFile file = PlanCatalogYaml.readText(yaml, Map.of(), "plans.yaml");
        assertThat(file.managedPrices()).singleElement().satisfies(p -> {
            assertThat(p.lookupKey()).isEqualTo("billing:metered:" + tier + ":" + meter + ":month");
            assertThat(p.lookupKey().length()).isLessThanOrEqualTo(200);
        });
        // meter names that differ only in '.' and '_' still get two placeholders (the core refuses one price twice)
        String both = yaml.replace(
                "[{meter: " + meter + ", amount: 1, currency: usd}]",
                "[{meter: a.b, amount: 1, currency: usd}, {meter: a_b, amount: 2, currency: usd}]");
        assertThat(PlanCatalogYaml.readText(both, Map.of(), "plans.yaml")
                        .checkedCatalog()
                        .plan(tier, BillingInterval.MONTH)
                        .orElseThrow()
                        .meteredPriceIds())
                .doesNotHaveDuplicates()
                .hasSize(2);
    }

    @Test
    void badMeteredAmountsAreProblemsWithTheirPaths() {
        String yaml = """
                tiers:
                  free: {rank: 0}
                  pro:
                    rank: 1
                    prices: {month: price_pro_m, year: price_pro_y}
                    meteredPrices:
                      month:
                        - {meter: api_calls, priceId: price_calls_m, amount: 1, currency: usd}
                        - {meter: storage, amount: 100000000, currency: dollars}
                      year: [{meter: nope, amount: -1}]
                meters:
                  - {name: api_calls, stripeEventName: api_calls}
                  - {name: storage, stripeEventName: storage}
                """;
        assertThatThrownBy(() -> PlanCatalogYaml.readText(yaml, Map.of(), "p.yaml"))
                .isInstanceOf(PlanCatalogYaml.InvalidCatalogException.class)
                .satisfies(e -> assertThat(((PlanCatalogYaml.InvalidCatalogException) e).problems())
                        .containsExactly(
                                "p.yaml: tiers.pro.meteredPrices.month[0]: give priceId or amount + currency, not both",
                                "p.yaml: tiers.pro.meteredPrices.month[1].amount: must be a whole number from 0 to 99999999, "
                                        + "not 100000000",
                                "p.yaml: tiers.pro.meteredPrices.month[1].currency: must be a three-letter ISO currency code "
                                        + "(usd, eur...), not 'dollars'",
                                "p.yaml: tiers.pro.meteredPrices.year[0].meter: meter 'nope' is not defined under meters "
                                        + "(defined: api_calls, storage)",
                                "p.yaml: tiers.pro.meteredPrices.year[0].amount: must be a whole number from 0 to 99999999, "
                                        + "not -1",
                                "p.yaml: tiers.pro.meteredPrices.year[0].currency: is required"));
    }
}

package dev.billing.plans;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.MeteredPrice;
import dev.billing.core.model.catalog.PlanCatalog;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MeteredPricesYamlTest {
    /** A valid catalog with metered prices that each case below breaks in one place. */
    private static final String BASE = """
            tiers:
              free: {rank: 0, quotas: {api_calls: 100}}
              basic:
                rank: 1
                prices: {month: price_basic_m}
                meteredPrices:
                  month: [{meter: api_calls, priceId: price_calls_m}]
              pro:
                rank: 2
                prices: {month: price_pro_m, year: price_pro_y}
                meteredPrices:
                  month:
                    - {meter: api_calls, priceId: price_calls_m}
                    - {meter: storage, priceId: price_storage_m}
                  year: [{meter: api_calls, priceId: price_calls_y}]
            items:
              - {key: credits, name: Credits, priceId: price_credits}
            meters:
              - {name: api_calls, stripeEventName: api_calls}
              - {name: storage, stripeEventName: storage_gb}
              - {name: exports}
            """;

    private static List<String> problems(String yaml) {
        try {
            PlanCatalogYaml.parse(yaml, Map.of(), "plans.yaml");
        } catch (PlanCatalogYaml.InvalidCatalogException e) {
            return e.problems();
        }
        throw new AssertionError("the catalog was accepted:\n" + yaml);
    }

    @Test
    void eachPlanCarriesTheMeteredPricesOfItsInterval() {
        PlanCatalog plans = PlanCatalogYaml.parse(BASE, Map.of(), "plans.yaml");
        assertThat(plans.plan("pro", BillingInterval.MONTH).orElseThrow().meteredPrices())
                .containsExactly(
                        new MeteredPrice("api_calls", "price_calls_m"), new MeteredPrice("storage", "price_storage_m"));
        assertThat(plans.plan("pro", BillingInterval.YEAR).orElseThrow().meteredPriceIds())
                .containsExactly("price_calls_y");
        assertThat(plans.plan("basic", BillingInterval.MONTH).orElseThrow().meteredPriceIds())
                .containsExactly("price_calls_m");
        // a subscription is still found by its plan's price, never by a metered one
        assertThat(plans.planForPrice("price_pro_y"))
                .hasValueSatisfying(p -> assertThat(p.meteredPriceIds()).containsExactly("price_calls_y"));
        assertThat(plans.planForPrice("price_calls_m")).isEmpty();
    }

    @Test
    void aCatalogWithoutMeteredPricesHasNone() {
        PlanCatalog sample = PlanCatalogYaml.sample(Map.of());
        assertThat(sample.plans()).allSatisfy(p -> assertThat(p.meteredPrices()).isEmpty());
    }

    static Stream<Arguments> brokenCatalogs() {
        return Stream.of(
                Arguments.of(
                        "metered prices on the free tier",
                        BASE.replace(
                                "free: {rank: 0, quotas: {api_calls: " + "100}}",
                                "free: {rank: 0, meteredPrices: {month: []}}"),
                        "tiers.free.meteredPrices: the "
                                + "free tier (rank 0) has no subscription, so no metered prices"),
                Arguments.of(
                        "an interval that is not one",
                        BASE.replace(
                                "  year: [{meter: api_calls, priceId: " + "price_calls_y}]",
                                "  week: [{meter: api_calls, priceId: price_calls_y}]"),
                        "tiers.pro.meteredPrices.week: unknown interval (month or year)"),
                Arguments.of(
                        "an interval the tier has no price for",
                        BASE.replace("prices: {month: price_basic_m}", "prices: {year: price_basic_y}"),
                        "tiers.basic.meteredPrices.month: tier basic has no "
                                + "monthly price for these to go with (set tiers.basic.prices.month)"),
                Arguments.of(
                        "not a list",
                        BASE.replace("  year: [{meter: api_calls, priceId: price_calls_y}]", "  year: price_calls_y"),
                        "tiers.pro.meteredPrices.year: must be a list of {meter, priceId} or "
                                + "{meter, amount, currency}"),
                Arguments.of(
                        "an undefined meter",
                        BASE.replace("{meter: storage,", "{meter: storag,"),
                        "tiers.pro.meteredPrices.month[1].meter: meter 'storag' is not defined under meters "
                                + "(defined: api_calls, exports, storage)"),
                Arguments.of(
                        "a meter Stripe never hears of",
                        BASE.replace("{meter: storage,", "{meter: exports,"),
                        "tiers.pro.meteredPrices.month[1].meter: meter 'exports' has no stripeEventName, so Stripe "
                                + "never hears of its usage and would bill nothing (set meters[2].stripeEventName)"),
                Arguments.of(
                        "one meter billed twice",
                        BASE.replace("{meter: storage,", "{meter: api_calls,"),
                        "tiers.pro.meteredPrices.month[1].meter: meter 'api_calls' already has a metered price for "
                                + "this interval (Stripe would bill its usage twice)"),
                Arguments.of(
                        "a missing price id",
                        BASE.replace("{meter: storage, priceId: price_storage_m}", "{meter: storage}"),
                        "tiers.pro.meteredPrices.month[1].priceId: is required"),
                Arguments.of(
                        "an unknown key",
                        BASE.replace("priceId: price_storage_m}", "priceId: price_storage_m, quantity: 1}"),
                        "tiers.pro.meteredPrices.month[1].quantity: "
                                + "unknown key (expected one of amount, currency, meter, priceId)"),
                Arguments.of(
                        "a price that is not a price id",
                        BASE.replace("price_storage_m", "'price storage'"),
                        "tiers.pro.meteredPrices.month[1].priceId: 'price storage' is not a Stripe price id "
                                + "(price_...)"),
                Arguments.of(
                        "a plan's price",
                        BASE.replace("price_storage_m", "price_pro_y"),
                        "tiers.pro.meteredPrices.month[1].priceId: price_pro_y is already used by "
                                + "tiers.pro.prices.year (a metered price bills usage on top of a plan's price, so it cannot "
                                + "be a plan's or an item's price)"),
                Arguments.of(
                        "an item's price",
                        BASE.replace("price_storage_m", "price_credits"),
                        "tiers.pro.meteredPrices.month[1].priceId: price_credits is already used by items[0].priceId (a "
                                + "metered price bills usage on top of a plan's price, so it cannot be a plan's or an item's "
                                + "price)"),
                Arguments.of(
                        "one price for two intervals",
                        BASE.replace("priceId: price_calls_y", "priceId: " + "price_calls_m"),
                        "tiers.pro.meteredPrices.year[0].priceId: price_calls_m is listed under "
                                + "month at tiers.basic.meteredPrices.month[0].priceId (a Stripe price bills at one interval: "
                                + "give each interval its own metered price)"),
                Arguments.of(
                        "one price for two meters",
                        BASE.replace("price_storage_m", "price_calls_m"),
                        "tiers.pro.meteredPrices.month[1].priceId: price_calls_m is on meter 'api_calls' at "
                                + "tiers.basic.meteredPrices.month[0].priceId (a Stripe price belongs to one meter)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCatalogs")
    void eachProblemNamesItsPathInTheFile(String what, String yaml, String expected) {
        assertThat(problems(yaml)).containsExactly("plans.yaml: " + expected);
    }
}

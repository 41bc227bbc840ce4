package dev.billing.plans;

import dev.billing.core.model.BillingInterval;
import dev.billing.core.model.PlanCatalog;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(file.managedPrices()).containsExactly(
                new PlanFile.ManagedPrice("billing:tier:pro:month", "billing_tier_pro", "Pro", 1900, "usd", "month",
                        "tiers.pro.prices.month"),
                new PlanFile.ManagedPrice("billing:item:credits_100", "billing_item_credits_100", "100 credits", 500,
                        "eur", null, "items[0]"));
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
        Map<String, String> stripe = Map.of("billing:tier:pro:month", "price_1Pro", "billing:item:credits_100",
                "price_1Credits");
        PlanCatalog plans = file.catalog(key -> Optional.ofNullable(stripe.get(key)));
        assertThat(plans.plan("pro", BillingInterval.MONTH).orElseThrow().priceId()).isEqualTo("price_1Pro");
        assertThat(plans.plan("pro", BillingInterval.YEAR).orElseThrow().priceId()).isEqualTo("price_pro_yearly");
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
                .satisfies(e -> assertThat(((PlanCatalogYaml.InvalidCatalogException) e).problems()).containsExactly(
                        "p.yaml: tiers.pro.prices.month.amount: must be a whole number from 0 to 99999999, not -1",
                        "p.yaml: tiers.pro.prices.month.currency: must be a three-letter ISO currency code (usd, "
                                + "eur...), not 'dollars'",
                        "p.yaml: tiers.pro.prices.year.colour: unknown key (expected one of amount, currency)",
                        "p.yaml: tiers.pro.prices.year.currency: is required",
                        "p.yaml: items[0]: give priceId or amount + currency, not both"));
    }
}

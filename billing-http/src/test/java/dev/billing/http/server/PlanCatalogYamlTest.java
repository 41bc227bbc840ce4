package dev.billing.http.server;

import dev.billing.core.model.BillingInterval;
import dev.billing.core.model.PlanCatalog;
import dev.billing.core.model.Tier;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanCatalogYamlTest {

    @Test
    void sampleCatalogMatchesTheEmulatorSeed() {
        PlanCatalog plans = PlanCatalogYaml.sample(Map.of());
        assertThat(plans.tiers()).extracting(Tier::name).containsExactly("free", "basic", "pro", "enterprise");
        assertThat(plans.tier("basic").orElseThrow().trialDays()).isEqualTo(14);
        assertThat(plans.tier("pro").orElseThrow().trialDays()).isEqualTo(30);
        assertThat(plans.tier("pro").orElseThrow().purchaseDiscountPercent()).isEqualTo(10);
        assertThat(plans.tier("enterprise").orElseThrow().quota("api_calls")).isEqualTo(Tier.UNLIMITED);
        assertThat(plans.plan("pro", BillingInterval.MONTH).orElseThrow().priceId()).isEqualTo("price_pro_monthly");
        assertThat(plans.plan("enterprise", BillingInterval.YEAR).orElseThrow().priceId())
                .isEqualTo("price_enterprise_yearly");
        assertThat(plans.itemForPrice("price_credits_100")).isPresent();
        assertThat(plans.meter("api_calls").orElseThrow().stripeEventName()).isEqualTo("api_calls");
        assertThat(plans.meter("exports").orElseThrow().reportsToStripe()).isFalse();
    }

    @Test
    void environmentOverridesPlaceholderDefaults() {
        PlanCatalog plans = PlanCatalogYaml.sample(Map.of("STRIPE_PRICE_PRO_MONTHLY", "price_1RealPro"));
        assertThat(plans.plan("pro", BillingInterval.MONTH).orElseThrow().priceId()).isEqualTo("price_1RealPro");
        assertThat(plans.plan("basic", BillingInterval.MONTH).orElseThrow().priceId())
                .isEqualTo("price_basic_monthly");
    }

    @Test
    void missingPricesComeFromStripePriceVariables() {
        String yaml = """
                tiers:
                  free: {rank: 0}
                  team: {rank: 1, features: [a], quotas: {calls: 10}}
                meters:
                  - {name: calls}
                """;
        PlanCatalog none = PlanCatalogYaml.parse(yaml, Map.of(), "t");
        assertThat(none.plans()).isEmpty();
        PlanCatalog some = PlanCatalogYaml.parse(yaml, Map.of("STRIPE_PRICE_TEAM_MONTHLY", "price_team_m",
                "STRIPE_PRICE_TEAM_YEARLY", "price_team_y"), "t");
        assertThat(some.plan("team", BillingInterval.YEAR).orElseThrow().priceId()).isEqualTo("price_team_y");
    }

    @Test
    void everyProblemIsReportedTogether() {
        String yaml = """
                tiers:
                  free: {rank: 0, prices: {month: price_x}}
                  pro:
                    rank: two
                    quotas: {calls: lots}
                    colour: blue
                    prices: {month: "${PRO_PRICE}", week: price_w}
                items:
                  - {key: k}
                meters:
                  - {name: Calls}
                surprise: true
                """;
        assertThatThrownBy(() -> PlanCatalogYaml.parse(yaml, Map.of(), "plans.yaml"))
                .isInstanceOfSatisfying(PlanCatalogYaml.InvalidCatalogException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("unknown key 'surprise'"))
                        .anyMatch(p -> p.contains("the free tier (rank 0) cannot have prices"))
                        .anyMatch(p -> p.contains("tier 'pro'.rank: must be a whole number"))
                        .anyMatch(p -> p.contains("calls: must be a whole number or 'unlimited'"))
                        .anyMatch(p -> p.contains("unknown key 'colour'"))
                        .anyMatch(p -> p.contains("items[0].name: is required"))
                        .anyMatch(p -> p.contains("meter name must be lowercase"))
                        .allMatch(p -> p.startsWith("plans.yaml: ")));
    }

    @Test
    void structuralProblemsFromTheCoreAreReportedToo() {
        String yaml = """
                tiers:
                  free: {rank: 0, quotas: {calls: 5}}
                  a: {rank: 1, prices: {month: price_same}}
                  b: {rank: 2, prices: {month: price_same}}
                meters:
                  - {name: other}
                """;
        assertThatThrownBy(() -> PlanCatalogYaml.parse(yaml, Map.of(), "p"))
                .isInstanceOfSatisfying(PlanCatalogYaml.InvalidCatalogException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("price price_same is used by two plans"))
                        .anyMatch(p -> p.contains("quota for undefined meter 'calls'")));
    }

    @Test
    void unsetPlaceholderWithoutDefaultIsAProblem() {
        String yaml = """
                tiers:
                  free: {rank: 0}
                  pro: {rank: 1, prices: {month: "${PRO_MONTHLY}"}}
                """;
        assertThatThrownBy(() -> PlanCatalogYaml.parse(yaml, Map.of(), "p"))
                .hasMessageContaining("environment variable PRO_MONTHLY is not set");
        assertThat(PlanCatalogYaml.parse(yaml, Map.of("PRO_MONTHLY", "price_p"), "p").plans()).hasSize(1);
    }

    @Test
    void invalidYamlIsOneClearProblem() {
        assertThatThrownBy(() -> PlanCatalogYaml.parse("tiers: [unclosed", Map.of(), "p"))
                .hasMessageStartingWith("p is not valid YAML");
        assertThatThrownBy(() -> PlanCatalogYaml.parse("tiers:\n  free: {rank: 0}\n  free: {rank: 1}\n", Map.of(),
                "p")).hasMessageContaining("not valid YAML");
    }
}

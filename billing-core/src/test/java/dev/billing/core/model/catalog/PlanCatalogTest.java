package dev.billing.core.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanCatalogTest {
    private final Tier free = new Tier("free", 0, Set.of("basic_export"), Map.of("api_calls", 100L), 0, 0);
    private final Tier pro = new Tier("pro", 2, Set.of("basic_export", "sso"), Map.of("api_calls", 10_000L), 30, 20);

    @Test
    void looksUpPlansByTierIntervalAndPrice() {
        PlanCatalog catalog = PlanCatalog.builder()
                .freeTier(free)
                .tier(pro)
                .plan("pro", BillingInterval.MONTH, "price_pro_m")
                .plan("pro", BillingInterval.YEAR, "price_pro_y")
                .item(new CatalogItem("credits", "100 credits", "price_credits"))
                .meter(new MeterDefinition("api_calls", "api_calls"))
                .build();
        assertThat(catalog.plan("pro", BillingInterval.YEAR)).map(Plan::priceId).contains("price_pro_y");
        assertThat(catalog.planForPrice("price_pro_m"))
                .map(p -> p.tier().name())
                .contains("pro");
        assertThat(catalog.plan("pro", BillingInterval.WEEK)).isEmpty();
        assertThat(catalog.itemForPrice("price_credits")).map(CatalogItem::key).contains("credits");
        assertThat(catalog.tiers()).extracting(Tier::name).containsExactly("free", "pro");
        assertThat(catalog.knowsMeter("api_calls")).isTrue();
        assertThat(catalog.knowsMeter("storage")).isFalse();
    }

    @Test
    void listsEveryProblemAtOnce() {
        Tier rankZero = new Tier("basic", 0, Set.of(), Map.of("storage", 1L), 0, 0);
        assertThatThrownBy(() -> PlanCatalog.builder()
                        .tier(rankZero)
                        .plan("gold", BillingInterval.MONTH, "price_1")
                        .plan("basic", BillingInterval.MONTH, "price_2")
                        .plan("basic", BillingInterval.MONTH, "price_2")
                        .meter(new MeterDefinition("api_calls", null))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a free tier is required")
                .hasMessageContaining("rank 0")
                .hasMessageContaining("unknown tier 'gold'")
                .hasMessageContaining("price price_2 is used by two plans")
                .hasMessageContaining("undefined meter 'storage'");
    }

    @Test
    void aPlanCarriesItsMeteredPricesAndIsFoundByItsOwnPriceOnly() {
        PlanCatalog catalog = PlanCatalog.builder()
                .freeTier(free)
                .tier(pro)
                .plan("pro", BillingInterval.MONTH, "price_pro_m")
                .plan("pro", BillingInterval.YEAR, "price_pro_y")
                .meteredPrice("pro", BillingInterval.MONTH, new MeteredPrice("api_calls", "price_calls_m"))
                .meter(new MeterDefinition("api_calls", "api_calls"))
                .build();
        assertThat(catalog.plan("pro", BillingInterval.MONTH).orElseThrow().meteredPriceIds())
                .containsExactly("price_calls_m");
        assertThat(catalog.planForPrice("price_pro_m").orElseThrow().meteredPriceIds())
                .containsExactly("price_calls_m");
        assertThat(catalog.plan("pro", BillingInterval.YEAR).orElseThrow().meteredPrices())
                .isEmpty();
        assertThat(catalog.planForPrice("price_calls_m")).isEmpty();
    }

    @Test
    void aMeteredPriceNeedsAPlanAndAMeterStripeHearsOf() {
        assertThatThrownBy(() -> PlanCatalog.builder()
                        .freeTier(free)
                        .tier(pro)
                        .plan("pro", BillingInterval.MONTH, "price_pro_m")
                        .item(new CatalogItem("credits", "100 credits", "price_credits"))
                        .meteredPrice("pro", BillingInterval.YEAR, new MeteredPrice("api_calls", "price_calls_y"))
                        .meteredPrice("pro", BillingInterval.MONTH, new MeteredPrice("exports", "price_exports_m"))
                        .meteredPrice("pro", BillingInterval.MONTH, new MeteredPrice("api_calls", "price_credits"))
                        .meter(new MeterDefinition("api_calls", "api_calls"))
                        .meter(new MeterDefinition("exports", null))
                        .build())
                .hasMessageContaining("metered price price_calls_y is for tier 'pro' year, which has no plan price")
                .hasMessageContaining(
                        "metered price price_exports_m is on meter 'exports', which has no Stripe " + "event name")
                .hasMessageContaining("metered price price_credits is also a plan's or an item's price");
    }

    @Test
    void theFreeTierCannotBeSold() {
        assertThatThrownBy(() -> PlanCatalog.builder()
                        .freeTier(free)
                        .plan("free", BillingInterval.MONTH, "p")
                        .build())
                .hasMessageContaining("the free tier cannot have a price");
    }

    @Test
    void tierValidatesItsParts() {
        assertThatThrownBy(() -> new Tier("Pro Plan", 1, Set.of(), Map.of(), 0, 0))
                .hasMessageContaining("lowercase");
        assertThatThrownBy(() -> new Tier("pro", 1, Set.of(), Map.of("x", -1L), 0, 0))
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> new Tier("pro", 1, Set.of(), Map.of(), 0, 101))
                .hasMessageContaining("purchaseDiscountPercent");
        assertThat(pro.quota("storage")).isZero();
        assertThat(pro.quota("api_calls")).isEqualTo(10_000L);
    }
}

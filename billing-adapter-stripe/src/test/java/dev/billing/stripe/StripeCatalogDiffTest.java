package dev.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.model.Price;
import com.stripe.model.Product;
import com.stripe.model.billing.Meter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which Stripe objects the catalog sync takes as its own, on objects built in memory. */
class StripeCatalogDiffTest {
    private static final StripeCatalogSpec SPEC = new StripeCatalogSpec(
            List.of(new StripeCatalogSpec.Product("billing_tier_pro", "Pro")),
            List.of(new StripeCatalogSpec.Price("billing:tier:pro:month", "billing_tier_pro", 1900, "usd", "month")),
            List.of(),
            null,
            null);

    private static Product product(String id, boolean active, Map<String, String> metadata) {
        Product product = new Product();
        product.setId(id);
        product.setActive(active);
        product.setMetadata(metadata);
        return product;
    }

    private static Product marked(String id) {
        return product(id, true, Map.of("managed_by", "billing"));
    }

    @Test
    void onlyMarkedActiveProductsTheSpecDropsAreRemovedInIdOrder() {
        List<Product> active = List.of(
                marked("billing_tier_team"),
                marked("billing_tier_pro"),
                marked("billing_item_credits"),
                product("billing_tier_legacy", true, Map.of()),
                product("prod_other_line", true, Map.of("managed_by", "shop")),
                product("prod_no_metadata", true, null),
                product("billing_tier_old", false, Map.of("managed_by", "billing")));
        assertThat(StripeCatalogDiff.removed(active, SPEC))
                .extracting(Product::getId)
                .containsExactly("billing_item_credits", "billing_tier_team");
    }

    @Test
    void theMarkerAloneMakesAProductTheSyncs() {
        assertThat(StripeCatalogDiff.createdBySync(marked("any_id_the_spec_gave")))
                .isTrue();
        assertThat(StripeCatalogDiff.createdBySync(product("billing_tier_pro", true, Map.of())))
                .isFalse();
        assertThat(StripeCatalogDiff.createdBySync(product("billing_tier_pro", true, Map.of("managed_by", "Billing"))))
                .isFalse();
    }

    @Test
    void aMeterCountsAsTheSyncsWhenItSumsValuePerStripeCustomerId() {
        assertThat(StripeCatalogDiff.shapedBySync(meter("stripe_customer_id", "value", "sum")))
                .isTrue();
        assertThat(StripeCatalogDiff.shapedBySync(meter("customer", "value", "sum")))
                .isFalse();
        assertThat(StripeCatalogDiff.shapedBySync(meter("stripe_customer_id", "tokens", "sum")))
                .isFalse();
        assertThat(StripeCatalogDiff.shapedBySync(meter("stripe_customer_id", "value", "count")))
                .isFalse();
        assertThat(StripeCatalogDiff.shapedBySync(new Meter())).isFalse();
    }

    @Test
    void aMeteredPriceMatchesOnlyAMeteredPriceOnItsMeter() {
        StripeCatalogSpec.Price metered = new StripeCatalogSpec.Price(
                "billing:metered:pro:api_calls:month", "billing_tier_pro", 1, "usd", "month", "api_calls");
        StripeCatalogSpec.Price licensed =
                new StripeCatalogSpec.Price("billing:tier:pro:month", "billing_tier_pro", 1, "usd", "month");
        assertThat(StripeCatalogDiff.matches(metered, price("metered", "mtr_1"), "mtr_1"))
                .isTrue();
        assertThat(StripeCatalogDiff.matches(metered, price("metered", "mtr_old"), "mtr_1"))
                .isFalse();
        // no active meter with the event name yet: the price is made once the meter is
        assertThat(StripeCatalogDiff.matches(metered, price("metered", "mtr_1"), null))
                .isFalse();
        assertThat(StripeCatalogDiff.matches(metered, price("licensed", null), "mtr_1"))
                .isFalse();
        assertThat(StripeCatalogDiff.matches(licensed, price("licensed", null))).isTrue();
        assertThat(StripeCatalogDiff.matches(licensed, price("metered", "mtr_1")))
                .isFalse();
    }

    @Test
    void aSpecRefusesAMeteredPriceOnAMeterItDoesNotKeep() {
        assertThatThrownBy(() -> new StripeCatalogSpec(
                        SPEC.products(),
                        List.of(new StripeCatalogSpec.Price(
                                "billing:metered:pro:api_calls:month",
                                "billing_tier_pro",
                                1,
                                "usd",
                                "month",
                                "api_calls")),
                        List.of(),
                        null,
                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("price billing:metered:pro:api_calls:month is metered on api_calls, which is not among "
                        + "the meters");
    }

    private static Price price(String usageType, String meter) {
        Price price = new Price();
        price.setProduct("billing_tier_pro");
        price.setUnitAmount(1L);
        price.setCurrency("usd");
        Price.Recurring recurring = new Price.Recurring();
        recurring.setInterval("month");
        recurring.setIntervalCount(1L);
        recurring.setUsageType(usageType);
        recurring.setMeter(meter);
        price.setRecurring(recurring);
        return price;
    }

    private static Meter meter(String customerKey, String valueKey, String formula) {
        Meter meter = new Meter();
        Meter.CustomerMapping mapping = new Meter.CustomerMapping();
        mapping.setEventPayloadKey(customerKey);
        mapping.setType("by_id");
        meter.setCustomerMapping(mapping);
        Meter.ValueSettings value = new Meter.ValueSettings();
        value.setEventPayloadKey(valueKey);
        meter.setValueSettings(value);
        Meter.DefaultAggregation aggregation = new Meter.DefaultAggregation();
        aggregation.setFormula(formula);
        meter.setDefaultAggregation(aggregation);
        return meter;
    }
}

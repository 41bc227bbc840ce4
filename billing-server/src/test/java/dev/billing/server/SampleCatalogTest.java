package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.plans.PlanCatalogYaml;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The sample plan catalog local mode runs on points at prices the emulator's sample seed has. */
class SampleCatalogTest {

    /**
     * The sample catalog runs against the emulator's sample seed in local mode: every price it names exists there
     * with the right type and interval, and its metered meter reports under the event name of the emulator meter
     * that backs the metered price.
     */
    @Test
    @SuppressWarnings("unchecked")
    void sampleCatalogIsWiredToTheEmulatorSeed() throws IOException {
        Map<String, Object> seed;
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream("dev/billing/emulator/sample-seed.yaml")) {
            assertThat(in).isNotNull();
            seed = new Yaml().load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Map<String, Map<String, Object>> prices = new java.util.HashMap<>();
        for (Map<String, Object> product : (List<Map<String, Object>>) seed.get("products")) {
            for (Map<String, Object> price : (List<Map<String, Object>>) product.get("prices")) {
                prices.put((String) price.get("id"), price);
            }
        }
        PlanCatalog plans = PlanCatalogYaml.sample(Map.of());
        for (Plan plan : plans.plans()) {
            Map<String, Object> price = prices.get(plan.priceId());
            assertThat(price).as(plan.priceId()).isNotNull();
            Map<String, Object> recurring = (Map<String, Object>) price.get("recurring");
            assertThat(recurring)
                    .as(plan.priceId())
                    .containsEntry("interval", plan.interval().stripeName());
            assertThat(recurring.get("usage_type")).as(plan.priceId()).isNotEqualTo("metered");
        }
        plans.items()
                .forEach(item -> assertThat(prices.get(item.priceId()))
                        .as(item.priceId())
                        .isNotNull()
                        .doesNotContainKey("recurring"));
        List<String> meteredMeters = new ArrayList<>();
        for (Map<String, Object> price : prices.values()) {
            Map<String, Object> recurring = (Map<String, Object>) price.get("recurring");
            if (recurring != null && "metered".equals(recurring.get("usage_type"))) {
                meteredMeters.add((String) recurring.get("meter"));
            }
        }
        assertThat(meteredMeters).containsExactly("mtr_api_calls");
        Map<String, Object> meter = ((List<Map<String, Object>>) seed.get("meters"))
                .stream()
                        .filter(m -> m.get("id").equals("mtr_api_calls"))
                        .findFirst()
                        .orElseThrow();
        assertThat(plans.meters().values())
                .filteredOn(MeterDefinition::reportsToStripe)
                .extracting(MeterDefinition::stripeEventName)
                .containsExactly((String) meter.get("event_name"));
    }
}

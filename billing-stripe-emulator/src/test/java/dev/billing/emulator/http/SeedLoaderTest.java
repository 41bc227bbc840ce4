package dev.billing.emulator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.service.CustomerAccounts;
import dev.billing.emulator.state.EmulatorClock;
import dev.billing.emulator.state.EmulatorState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedLoaderTest {
    private final EmulatorState state = new EmulatorState(
            EmulatorOptions.defaults(),
            new EmulatorClock(Clock.systemUTC(), Instant.parse("2026-01-01T00:00:00Z"), true));
    private final SeedLoader loader = new SeedLoader(state, new ApiResources(state));

    @Test
    @SuppressWarnings("unchecked")
    void sampleSeedHasTheTiersTheMeteredPriceAndTheOneOffs() {
        Map<String, Object> counts = loader.apply(SeedLoader.parse(SeedLoader.read(EmulatorOptions.SAMPLE_SEED)));

        assertThat(counts)
                .containsEntry("meters", 1L)
                .containsEntry("prices", 9L)
                .containsEntry("coupons", 2L);
        Map<String, Object> proMonthly = state.store.find("price", "price_pro_monthly");
        assertThat(proMonthly)
                .containsEntry("unit_amount", 2900L)
                .containsEntry("lookup_key", "pro_monthly")
                .containsEntry("type", "recurring")
                .containsEntry("product", "prod_pro");
        assertThat(state.store.find("price", "price_enterprise_yearly")).containsEntry("unit_amount", 99000L);
        assertThat(state.store.find("price", "price_basic_monthly")).containsEntry("unit_amount", 900L);
        Map<String, Object> metered = (Map<String, Object>)
                state.store.find("price", "price_api_calls_metered").get("recurring");
        assertThat(metered).containsEntry("usage_type", "metered").containsEntry("meter", "mtr_api_calls");
        assertThat(state.store.find("billing.meter", "mtr_api_calls")).containsEntry("event_name", "api_calls");
        assertThat(state.store.find("price", "price_credits_100")).containsEntry("type", "one_time");
        assertThat(state.store.find("price", "price_template_pack")).containsEntry("type", "one_time");
        assertThat(state.store.find("product", "prod_pro")).containsEntry("default_price", "price_pro_monthly");
        assertThat(state.store.find("coupon", "LAUNCH20")).containsEntry("percent_off", 20.0);
        assertThat(state.eventLog()).as("seeding emits no events").isEmpty();
    }

    @Test
    void jsonFilesWithFlatPricesCustomersAndEndpointsLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("seed.json");
        Files.writeString(file, """
        {"products":[{"id":"prod_x","name":"X"}],
         "prices":[{"id":"price_x","product":"prod_x","unit_amount":100,"currency":"usd",
                    "recurring":{"interval":"month","interval_count":3}}],
         "customers":[{"id":"cus_seeded","email":"seed@example.com","payment_method":"pm_card_visa",
                       "metadata":{"user_id":"u1"}}],
         "webhook_endpoints":[{"url":"http://127.0.0.1:9/hook","secret":"whsec_seed"}]}
        """);

        loader.apply(SeedLoader.parse(SeedLoader.read(file.toString())));

        @SuppressWarnings("unchecked")
        Map<String, Object> recurring =
                (Map<String, Object>) state.store.find("price", "price_x").get("recurring");
        assertThat(recurring).containsEntry("interval_count", 3L);
        Map<String, Object> customer = state.store.find("customer", "cus_seeded");
        assertThat(CustomerAccounts.invoiceSettings(customer).get("default_payment_method"))
                .asString()
                .startsWith("pm_");
        List<Map<String, Object>> endpoints = state.store.all("webhook_endpoint");
        assertThat(endpoints)
                .singleElement()
                .satisfies(e -> assertThat(e)
                        .containsEntry("_secret", "whsec_seed")
                        .containsEntry("enabled_events", List.of("*")));
    }

    @Test
    void invalidSeedsFailWithAReadableMessage() {
        assertThatThrownBy(() -> loader.apply(SeedLoader.parse("prices:\n  - id: p\n    unit_amount: 1\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing required param");
        assertThatThrownBy(() -> SeedLoader.read("classpath:nope/missing.yaml"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeedLoader.parse("- just\n- a list\n")).isInstanceOf(IllegalArgumentException.class);
    }
}

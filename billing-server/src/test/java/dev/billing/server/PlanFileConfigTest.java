package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan file's problems are listed with the rest of the configuration's, in one message. */
class PlanFileConfigTest {

    @Test
    void problemsJoinTheRestOfTheConfigurationProblems(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plans.yaml");
        Files.writeString(file, """
                tiers:
                  free:
                    rank: 0
                    features: [projects]
                    quotas: {api_calls: 100}
                  pro:
                    rank: 1
                    features: [projects, sso]
                    quotas: {api_calls: -5}
                    prices: {month: price_pro_m, year: price_pro_y}
                meters:
                  - {name: api_calls}
                """);
        Map<String, String> env = new HashMap<>(CliConfigTest.validEnv());
        env.put("BILLING_PLANS_FILE", file.toString());
        env.remove("STRIPE_SECRET_KEY");

        CliConfigTest.Run r = CliConfigTest.run(env, "check-config");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("Invalid configuration (2 problems)")
                .contains("STRIPE_SECRET_KEY is required")
                .contains("BILLING_PLANS_FILE: " + file + ": tiers.pro.quotas.api_calls: must be a whole number >= 0"
                        + " or \"unlimited\", not -5");
    }

    @Test
    void checkConfigCountsMeteredAmountsWithThePricesByLookupKey(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plans.yaml");
        Files.writeString(file, """
                tiers:
                  free: {rank: 0}
                  pro:
                    rank: 1
                    prices: {month: {amount: 1900, currency: usd}}
                    meteredPrices:
                      month: [{meter: api_calls, amount: 1, currency: usd}]
                meters:
                  - {name: api_calls, stripeEventName: api_calls}
                """);
        Map<String, String> env = new HashMap<>(CliConfigTest.validEnv());
        env.put("BILLING_PLANS_FILE", file.toString());

        CliConfigTest.Run r = CliConfigTest.run(env, "check-config");

        assertThat(r.exit()).as(r.err()).isEqualTo(0);
        assertThat(r.out())
                .contains("2 tiers, 1 prices, 0 items, 1 meters (2 prices by lookup key, resolved at " + "start)");
    }
}

package dev.billing.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.CatalogPromotion;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.QuotaPeriod;
import dev.billing.core.model.catalog.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlanCatalogYamlTest {
    /** A valid catalog that each case below breaks in one place. */
    private static final String BASE = """
            tiers:
              free:
                rank: 0
                features: [projects]
                quotas: {api_calls: 100}
              pro:
                rank: 1
                features: [projects, sso]
                quotas: {api_calls: 10000}
                trialDays: 30
                purchaseDiscountPercent: 10
                prices: {month: price_pro_m, year: price_pro_y}
            items:
              - {key: credits, name: Credits, priceId: price_credits}
            meters:
              - {name: api_calls, stripeEventName: api_calls}
            """;

    private static List<String> problems(String yaml, Map<String, String> env) {
        try {
            PlanCatalogYaml.parse(yaml, env, "plans.yaml");
        } catch (PlanCatalogYaml.InvalidCatalogException e) {
            return e.problems();
        }
        throw new AssertionError("the catalog was accepted:\n" + yaml);
    }

    @Test
    void aTierSoldBySeatAndAMeterSharedByTheTeamAreRead() {
        PlanCatalog plans = PlanCatalogYaml.parse(
                BASE.replace("trialDays: 30", "trialDays: 30\n    perSeat: true")
                        .replace("stripeEventName: api_calls}", "stripeEventName: api_calls, shared: true}"),
                Map.of(),
                "plans.yaml");
        assertThat(plans.tier("pro").orElseThrow().perSeat()).isTrue();
        assertThat(plans.tier("free").orElseThrow().perSeat()).isFalse();
        assertThat(plans.meters().values())
                .singleElement()
                .satisfies(m -> assertThat(m.shared()).isTrue());
        assertThat(PlanCatalogYaml.parse(BASE, Map.of(), "plans.yaml").meters().values())
                .singleElement()
                .satisfies(m -> assertThat(m.shared()).isFalse());
    }

    @Test
    void aMeterReadsItsQuotaPeriodAndTimeZoneAndDefaultsToTheBillingPeriodInUtc() {
        PlanCatalog daily = PlanCatalogYaml.parse(
                BASE.replace(
                        "stripeEventName: api_calls}",
                        "stripeEventName: api_calls, period: day, timeZone: Europe/Berlin}"),
                Map.of(),
                "plans.yaml");
        assertThat(daily.meter("api_calls")).hasValueSatisfying(m -> {
            assertThat(m.period()).isEqualTo(QuotaPeriod.DAY);
            assertThat(m.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        });
        assertThat(PlanCatalogYaml.parse(BASE, Map.of(), "plans.yaml").meter("api_calls"))
                .hasValueSatisfying(m -> {
                    assertThat(m.period()).isEqualTo(QuotaPeriod.BILLING_PERIOD);
                    assertThat(m.timeZone()).isEqualTo(ZoneOffset.UTC);
                });
    }

    @Test
    void anItemIsOpenToGuestsOnlyWhenItSaysSo() {
        assertThat(PlanCatalogYaml.parse(
                                BASE.replace("priceId: price_credits}", "priceId: price_credits, " + "guests: true}"),
                                Map.of(),
                                "plans.yaml")
                        .items())
                .singleElement()
                .satisfies(i -> assertThat(i.openToGuests()).isTrue());
        assertThat(PlanCatalogYaml.parse(BASE, Map.of(), "plans.yaml").items())
                .singleElement()
                .satisfies(i -> assertThat(i.openToGuests()).isFalse());
    }

    @Test
    void promotionCodesAreReadInOrderAndArePrivateUnlessMarkedPublic() {
        PlanCatalog plans = PlanCatalogYaml.parse(BASE + """
                promotions:
                  - {code: SPRING25, public: true}
                  - {code: PARTNER50}
                """, Map.of(), "plans.yaml");
        assertThat(plans.promotions())
                .containsExactly(new CatalogPromotion("SPRING25", true), new CatalogPromotion("PARTNER50", false));
        assertThat(PlanCatalogYaml.sample(Map.of()).promotions())
                .containsExactly(new CatalogPromotion("LAUNCH20", true));
    }

    @Test
    void aPromotionCodeListedTwiceOrMalformedIsAProblemNamingItsPath() {
        assertThat(problems(BASE + """
                promotions:
                  - {code: SPRING25, public: true}
                  - {code: spring25}
                  - {code: "no spaces", public: yes please}
                  - {code: X, colour: red}
                """, Map.of()))
                .containsExactly(
                        "plans.yaml: promotions[1].code: 'spring25' is also listed at promotions[0] (Stripe matches codes "
                                + "without regard to case)",
                        "plans.yaml: promotions[2].public: must be true or false, not 'yes please'",
                        "plans.yaml: promotions[2].code: 'no spaces' must be 1-64 letters, digits, '-' or '_' (a Stripe "
                                + "promotion code's customer-facing code)",
                        "plans.yaml: promotions[3].colour: unknown key (expected one of code, public)");
    }

    @Test
    void theBaseOfTheCasesBelowIsValid() {
        PlanCatalog plans = PlanCatalogYaml.parse(BASE, Map.of(), "plans.yaml");
        assertThat(plans.plans()).extracting(Plan::priceId).containsExactly("price_pro_m", "price_pro_y");
        assertThat(plans.tier("pro").orElseThrow().quota("api_calls")).isEqualTo(10_000);
    }

    @Test
    void sampleCatalogHasTheFourTiersOfTheIssue() {
        PlanCatalog plans = PlanCatalogYaml.sample(Map.of());
        assertThat(plans.tiers()).extracting(Tier::name).containsExactly("free", "basic", "pro", "enterprise");
        assertThat(plans.tier("basic").orElseThrow().trialDays()).isEqualTo(14);
        assertThat(plans.tier("pro").orElseThrow().trialDays()).isEqualTo(30);
        assertThat(plans.tier("pro").orElseThrow().purchaseDiscountPercent()).isEqualTo(10);
        assertThat(plans.tier("enterprise").orElseThrow().quota("api_calls")).isEqualTo(Tier.UNLIMITED);
        assertThat(plans.plan("pro", BillingInterval.MONTH).orElseThrow().priceId())
                .isEqualTo("price_pro_monthly");
        assertThat(plans.plan("enterprise", BillingInterval.YEAR).orElseThrow().priceId())
                .isEqualTo("price_enterprise_yearly");
        assertThat(plans.itemForPrice("price_credits_100")).isPresent();
        assertThat(plans.meter("api_calls").orElseThrow().stripeEventName()).isEqualTo("api_calls");
        assertThat(plans.meter("exports").orElseThrow().reportsToStripe()).isFalse();
    }

    @Test
    void environmentOverridesPlaceholderDefaults() {
        PlanCatalog plans = PlanCatalogYaml.sample(Map.of("STRIPE_PRICE_PRO_MONTHLY", "price_1RealPro"));
        assertThat(plans.plan("pro", BillingInterval.MONTH).orElseThrow().priceId())
                .isEqualTo("price_1RealPro");
        assertThat(plans.plan("basic", BillingInterval.MONTH).orElseThrow().priceId())
                .isEqualTo("price_basic_monthly");
    }

    @Test
    void pricesLeftOutOfTheFileComeFromStripePriceVariables() {
        String yaml = """
                tiers:
                  free: {rank: 0}
                  team-plus: {rank: 1, features: [a], quotas: {calls: 10}}
                meters:
                  - {name: calls}
                """;
        PlanCatalog monthOnly = PlanCatalogYaml.parse(yaml, Map.of("STRIPE_PRICE_TEAM_PLUS_MONTHLY", "price_tm"), "t");
        assertThat(monthOnly.plans()).extracting(Plan::priceId).containsExactly("price_tm");
        PlanCatalog both = PlanCatalogYaml.parse(
                yaml,
                Map.of("STRIPE_PRICE_TEAM_PLUS_MONTHLY", "price_tm", "STRIPE_PRICE_TEAM_PLUS_YEARLY", " price_ty "),
                "t");
        assertThat(both.plan("team-plus", BillingInterval.YEAR).orElseThrow().priceId())
                .isEqualTo("price_ty");
    }

    @Test
    void aPaidTierWithoutAnyPriceIsAProblemNamingWhereThePriceCanComeFrom() {
        String yaml = """
                tiers:
                  free: {rank: 0}
                  team: {rank: 1}
                """;
        assertThat(problems(yaml, Map.of()))
                .containsExactly("plans.yaml: tiers.team.prices: a paid tier needs a "
                        + "Stripe price for month or year: set tiers.team.prices.month / .year (a price id or {amount, "
                        + "currency}), or STRIPE_PRICE_TEAM_MONTHLY / STRIPE_PRICE_TEAM_YEARLY");
    }

    static Stream<Arguments> brokenCatalogs() {
        return Stream.of(
                Arguments.of(
                        "a negative quota",
                        BASE.replace("api_calls: 10000", "api_calls: -5"),
                        "tiers.pro.quotas.api_calls: must be a whole number >= 0 or \"unlimited\", not -5"),
                Arguments.of(
                        "a fractional quota",
                        BASE.replace("api_calls: 10000", "api_calls: 1.5"),
                        "tiers.pro.quotas.api_calls: must be a whole number >= 0 or \"unlimited\", not 1.5"),
                Arguments.of(
                        "a word for a quota",
                        BASE.replace("api_calls: 10000", "api_calls: lots"),
                        "tiers.pro.quotas.api_calls: must be a whole number >= 0 or \"unlimited\", not 'lots'"),
                Arguments.of(
                        "an empty quota",
                        BASE.replace("{api_calls: 10000}", "{api_calls: }"),
                        "tiers.pro.quotas.api_calls: must be a whole number >= 0 or \"unlimited\""),
                Arguments.of(
                        "a quota beyond a long",
                        BASE.replace("api_calls: 10000", "api_calls: 9223372036854775808"),
                        "tiers.pro.quotas.api_calls: must be a whole number "
                                + ">= 0 or \"unlimited\", not 9223372036854775808"),
                Arguments.of(
                        "a quota on an undefined meter",
                        BASE.replace("quotas: {api_calls: 10000}", "quotas: {api_calls: 10000, api_call: 5}"),
                        "tiers.pro.quotas.api_call: meter 'api_call' is "
                                + "not defined under meters (defined: api_calls)"),
                Arguments.of(
                        "an unknown key in a tier",
                        BASE.replace("trialDays: 30", "trialDays: 30\n    colour: " + "blue"),
                        "tiers.pro.colour: unknown key (expected one of features, meteredPrices, perSeat, "
                                + "prices, purchaseDiscountPercent, quotas, rank, trialDays)"),
                Arguments.of(
                        "an unknown top-level key",
                        BASE + "discounts: {pro: 10}\n",
                        "discounts: unknown key (expected one of items, meters, promotions, tiers)"),
                Arguments.of(
                        "an unknown key in an item",
                        BASE.replace("priceId: price_credits}", "priceId: price_credits, cost: 5}"),
                        "items[0].cost: unknown key (expected one of amount, "
                                + "currency, guests, key, name, priceId)"),
                Arguments.of(
                        "guests that is not a flag",
                        BASE.replace("priceId: price_credits}", "priceId: price_credits, guests: sometimes}"),
                        "items[0].guests: must be true or false, not " + "'sometimes'"),
                Arguments.of(
                        "an unknown key in a meter",
                        BASE.replace("stripeEventName: api_calls}", "stripeEventName: api_calls, unit: call}"),
                        "meters[0].unit: unknown key (expected one of "
                                + "name, period, shared, stripeEventName, timeZone)"),
                Arguments.of(
                        "a quota period that is not one",
                        BASE.replace("stripeEventName: api_calls}", "stripeEventName: api_calls, period: week}"),
                        "meters[0].period: 'week' is not a quota period " + "(day, month or billing_period)"),
                Arguments.of(
                        "a time zone that is not one",
                        BASE.replace(
                                "stripeEventName: api_calls}",
                                "stripeEventName: api_calls, period: day, timeZone: Mars/Olympus}"),
                        "meters[0].timeZone: "
                                + "'Mars/Olympus' is not a time zone (an IANA name such as Europe/Berlin, or UTC)"),
                Arguments.of(
                        "perSeat that is not a flag",
                        BASE.replace("trialDays: 30", "trialDays: 30\n    perSeat: " + "yes please"),
                        "tiers.pro.perSeat: must be true or false, not 'yes please'"),
                Arguments.of(
                        "a free tier by the seat",
                        BASE.replace("rank: 0", "rank: 0\n    perSeat: true"),
                        "tiers.free.perSeat: the free tier (rank 0) has no subscription, so no seats"),
                Arguments.of(
                        "shared that is not a flag",
                        BASE.replace("stripeEventName: api_calls}", "stripeEventName: api_calls, shared: 1}"),
                        "meters[0].shared: must be true or false, not '1'"),
                Arguments.of(
                        "a bad interval",
                        BASE.replace("year: price_pro_y", "week: price_pro_w"),
                        "tiers.pro.prices.week: unknown interval (month or year)"),
                Arguments.of(
                        "a price that is not a price id",
                        BASE.replace("price_pro_y", "'price pro'"),
                        "tiers.pro.prices.year: 'price pro' is not a Stripe price id (price_...)"),
                Arguments.of(
                        "one price for two intervals",
                        BASE.replace("price_pro_y", "price_pro_m"),
                        "tiers.pro.prices.year: price_pro_m is already used by tiers.pro.prices.month (each Stripe "
                                + "price belongs to one plan or item)"),
                Arguments.of(
                        "an item sold at a plan's price",
                        BASE.replace("priceId: price_credits", "priceId: price_pro_y"),
                        "items[0].priceId: price_pro_y is already used by "
                                + "tiers.pro.prices.year (each Stripe price belongs to one plan or item)"),
                Arguments.of(
                        "a missing environment variable",
                        BASE.replace("price_pro_m", "\"${PRO_PRICE}\""),
                        "tiers.pro.prices.month: environment variable PRO_PRICE is not set "
                                + "(and ${PRO_PRICE} has no default)"),
                Arguments.of(
                        "a discount above 100",
                        BASE.replace("purchaseDiscountPercent: 10", "purchaseDiscountPercent: 101"),
                        "tiers.pro.purchaseDiscountPercent: must be a whole number " + "from 0 to 100, not 101"),
                Arguments.of(
                        "a negative discount",
                        BASE.replace("purchaseDiscountPercent: 10", "purchaseDiscountPercent: -1"),
                        "tiers.pro.purchaseDiscountPercent: must be a whole number " + "from 0 to 100, not -1"),
                Arguments.of(
                        "a fractional discount",
                        BASE.replace("purchaseDiscountPercent: 10", "purchaseDiscountPercent: 12.5"),
                        "tiers.pro.purchaseDiscountPercent: must be a whole number" + " from 0 to 100, not 12.5"),
                Arguments.of(
                        "a trial of more than two years",
                        BASE.replace("trialDays: 30", "trialDays: 731"),
                        "tiers.pro.trialDays: must be a whole number from 0 to 730, not 731"),
                Arguments.of(
                        "a trial on the free tier",
                        BASE.replace("rank: 0", "rank: 0\n    trialDays: 7"),
                        "tiers.free.trialDays: the free tier (rank 0) has no subscription, so no trial"),
                Arguments.of(
                        "prices on the free tier",
                        BASE.replace("rank: 0", "rank: 0\n    prices: {month: " + "price_free}"),
                        "tiers.free.prices: the free tier (rank 0) cannot have prices"),
                Arguments.of(
                        "a missing rank",
                        BASE.replace("    rank: 1\n", ""),
                        "tiers.pro.rank: is required (a whole number from 0 to 1000000)"),
                Arguments.of(
                        "a negative rank",
                        BASE.replace("rank: 1", "rank: -1"),
                        "tiers.pro.rank: must be a whole number from 0 to 1000000, not -1"),
                Arguments.of(
                        "a rank that is a word",
                        BASE.replace("rank: 1", "rank: two"),
                        "tiers.pro.rank: must be a whole number from 0 to 1000000, not 'two'"),
                Arguments.of(
                        "two free tiers",
                        BASE.replace("rank: 1", "rank: 0")
                                .replace("    prices: {month: " + "price_pro_m, year: price_pro_y}\n", ""),
                        "tiers.pro.rank: only one tier may have rank 0 "
                                + "(the free tier); tiers.free has it already"),
                Arguments.of(
                        "no free tier",
                        BASE.replace("rank: 0", "rank: 2")
                                .replace(
                                        "    quotas: {api_calls: " + "100}\n",
                                        "    quotas: {api_calls: 100}\n    prices: {month: price_free_m}\n"),
                        "tiers: one tier must have rank 0 (the free tier: what users without a subscription get)"),
                Arguments.of(
                        "two tiers of one rank",
                        BASE.replace("  pro:", "  team:\n    rank: 1\n    prices: " + "{month: price_team_m}\n  pro:"),
                        "tiers.pro.rank: 1 is also the rank of tiers.team (ranks "
                                + "order the tiers: each must be unique)"),
                Arguments.of(
                        "a tier name in capitals",
                        BASE.replace("  pro:", "  Pro:"),
                        "tiers.Pro: a tier name must be 1-32 lowercase letters, digits, '-' or '_', starting with a "
                                + "letter"),
                Arguments.of(
                        "features that are not a list",
                        BASE.replace("features: [projects, sso]", "features: sso"),
                        "tiers.pro.features: must be a list of feature names"),
                Arguments.of(
                        "a feature listed twice",
                        BASE.replace("features: [projects, sso]", "features: [sso, sso]"),
                        "tiers.pro.features[1]: 'sso' is listed twice"),
                Arguments.of(
                        "an item without a name", BASE.replace("name: Credits, ", ""), "items[0].name: is required"),
                Arguments.of(
                        "an item key in capitals",
                        BASE.replace("key: credits", "key: Credits"),
                        "items[0].key: 'Credits' must be 1-64 lowercase letters, digits, '-' or '_', starting with "
                                + "a letter"),
                Arguments.of(
                        "two items with one key",
                        BASE.replace(
                                "priceId: price_credits}",
                                "priceId: " + "price_credits}\n  - {key: credits, name: More, priceId: price_more}"),
                        "items[1].key: 'credits' is already the key of items[0]"),
                Arguments.of(
                        "items that are not a list",
                        BASE.replace(
                                "items:\n  - {key: credits, name: Credits, " + "priceId: price_credits}",
                                "items: {credits: price_credits}"),
                        "items: must be a list of {key, name, priceId}"),
                Arguments.of(
                        "a meter name in capitals",
                        BASE.replace("name: api_calls", "name: API_calls")
                                .replace("quotas: {api_calls: 100}", "quotas: {}")
                                .replace("quotas: {api_calls: 10000}", "quotas: {}"),
                        "meters[0].name: 'API_calls' must be 1-64 lowercase letters, digits,"
                                + " '.', '-' or '_', starting with a letter"),
                Arguments.of(
                        "a meter defined twice",
                        BASE + "  - {name: api_calls}\n",
                        "meters[1].name: meter 'api_calls' is defined twice"),
                Arguments.of(
                        "a Stripe event name with spaces",
                        BASE.replace("stripeEventName: api_calls", "stripeEventName: api calls"),
                        "meters[0].stripeEventName: 'api calls' is not a Stripe "
                                + "meter event name (1-100 letters, digits, '_', '.', ':' or '-')"),
                Arguments.of(
                        "two meters reporting one event",
                        BASE + "  - {name: exports, stripeEventName: " + "api_calls}\n",
                        "meters[1].stripeEventName: 'api_calls' is already reported by meters[0] "
                                + "(Stripe would add both meters' usage together)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCatalogs")
    void eachProblemNamesItsPathInTheFile(String what, String yaml, String expected) {
        assertThat(problems(yaml, Map.of())).containsExactly("plans.yaml: " + expected);
    }

    @Test
    void aBrokenPriceVariableIsNamedWithThePathItStandsFor() {
        String yaml = """
                tiers:
                  free: {rank: 0}
                  team: {rank: 1}
                """;
        assertThat(problems(yaml, Map.of("STRIPE_PRICE_TEAM_MONTHLY", "not a price")))
                .containsExactly("plans.yaml: STRIPE_PRICE_TEAM_MONTHLY (for tiers.team.prices.month): 'not a price' "
                        + "is not a Stripe price id (price_...)");
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
                  team: not a tier
                items:
                  - {key: k}
                meters:
                  - {name: Calls}
                surprise: true
                """;
        assertThat(problems(yaml, Map.of()))
                .containsExactly(
                        "plans.yaml: surprise: unknown key (expected one of items, meters, promotions, tiers)",
                        "plans.yaml: meters[0].name: 'Calls' must be 1-64 lowercase letters, digits, '.', '-' or '_', "
                                + "starting with a letter",
                        "plans.yaml: tiers.free.prices: the free tier (rank 0) cannot have prices",
                        "plans.yaml: tiers.pro.colour: unknown key (expected one of features, meteredPrices, perSeat, prices, "
                                + "purchaseDiscountPercent, quotas, rank, trialDays)",
                        "plans.yaml: tiers.pro.rank: must be a whole number from 0 to 1000000, not 'two'",
                        "plans.yaml: tiers.pro.quotas.calls: must be a whole number >= 0 or \"unlimited\", not 'lots'",
                        "plans.yaml: tiers.pro.prices.week: unknown interval (month or year)",
                        "plans.yaml: tiers.pro.prices.month: environment variable PRO_PRICE is not set (and ${PRO_PRICE} "
                                + "has no default)",
                        "plans.yaml: tiers.team: must be a mapping with rank, features, quotas, trialDays, "
                                + "purchaseDiscountPercent, prices",
                        "plans.yaml: items[0].name: is required",
                        "plans.yaml: items[0].priceId: is required");
    }

    @Test
    void unsetPlaceholderWithADefaultTakesTheDefault() {
        String yaml = BASE.replace("price_pro_m", "\"${PRO_MONTHLY:-price_default}\"");
        assertThat(PlanCatalogYaml.parse(yaml, Map.of(), "p")
                        .plan("pro", BillingInterval.MONTH)
                        .orElseThrow()
                        .priceId())
                .isEqualTo("price_default");
        assertThat(PlanCatalogYaml.parse(yaml, Map.of("PRO_MONTHLY", "price_env"), "p")
                        .plan("pro", BillingInterval.MONTH)
                        .orElseThrow()
                        .priceId())
                .isEqualTo("price_env");
    }

    @Test
    void unlimitedAndPlaceholderQuotasAreRead() {
        String yaml = BASE.replace("api_calls: 10000", "api_calls: unlimited")
                .replace("api_calls: 100}", "api_calls: \"${FREE_CALLS:-250}\"}");
        PlanCatalog plans = PlanCatalogYaml.parse(yaml, Map.of(), "p");
        assertThat(plans.tier("pro").orElseThrow().quota("api_calls")).isEqualTo(Tier.UNLIMITED);
        assertThat(plans.freeTier().quota("api_calls")).isEqualTo(250);
        assertThat(plans.freeTier().features()).isEqualTo(Set.of("projects"));
    }

    @Test
    void invalidYamlIsOneClearProblem() {
        assertThatThrownBy(() -> PlanCatalogYaml.parse("tiers: [unclosed", Map.of(), "p"))
                .hasMessageStartingWith("p is not valid YAML");
        assertThatThrownBy(() -> PlanCatalogYaml.parse("tiers:\n  free: {rank: 0}\n  free: {rank: 1}\n", Map.of(), "p"))
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> PlanCatalogYaml.parse("- just a list", Map.of(), "p"))
                .hasMessage("p must be a YAML mapping with tiers, items, meters");
        assertThat(problems("items: []", Map.of()))
                .containsExactly("plans.yaml: tiers: is required (a mapping of "
                        + "tier name to tier, one of them with rank 0)");
    }

    @Test
    void theDocumentedSampleInPlansMdIsTheShippedSample() throws IOException {
        Path doc = Path.of("..", "docs", "PLANS.md");
        assertThat(Files.readString(doc)).contains(PlanCatalogYaml.sampleText().strip());
    }
}

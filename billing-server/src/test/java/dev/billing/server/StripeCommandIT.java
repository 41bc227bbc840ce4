package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.model.Price;
import com.stripe.param.PriceListParams;
import com.stripe.param.ProductListParams;
import com.stripe.param.WebhookEndpointCreateParams;
import com.stripe.param.WebhookEndpointListParams;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.StripeEmulator;
import dev.billing.stripe.StripeCatalogSync;
import dev.billing.stripe.StripePaymentGateway;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code billing-server stripe plan|apply} in-process against the emulator over HTTP (stripe-java), the start-up
 * check of the webhook endpoint's API version, and a plan file without price ids sold through local mode.
 */
class StripeCommandIT {
    private static final String WEBHOOK_URL = "https://billing.example.com/webhooks/stripe";
    private static final String LIVE_KEY = "sk_live_emulator";
    private static StripeEmulator emulator;
    private static StripeClient stripe;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEmulator() {
        emulator = StripeEmulator.start(EmulatorOptions.defaults());
        stripe = StripeClient.builder()
                .setApiKey(emulator.apiKey())
                .setApiBase(emulator.baseUrl())
                .build();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
        emulator.clearFaults();
        emulator.removeWebhookEndpoints();
    }

    static String plans(long proMonthly) {
        return """
                tiers:
                  free: {rank: 0, quotas: {api_calls: 10}}
                  pro:
                    rank: 1
                    quotas: {api_calls: 1000}
                    prices:
                      month: {amount: %d, currency: usd}
                      year: {amount: 19000, currency: usd}
                items:
                  - {key: credits_100, name: 100 credits, amount: 500, currency: usd}
                meters:
                  - {name: api_calls, stripeEventName: api_calls}
                """.formatted(proMonthly);
    }

    private Map<String, String> env(String yaml) throws Exception {
        Path file = dir.resolve("plans.yaml");
        Files.writeString(file, yaml);
        Map<String, String> env = new HashMap<>();
        env.put("STRIPE_SECRET_KEY", emulator.apiKey());
        env.put("STRIPE_API_BASE", emulator.baseUrl());
        env.put("BILLING_PLANS_FILE", file.toString());
        env.put("BILLING_WEBHOOK_URL", WEBHOOK_URL);
        return env;
    }

    @Test
    void applyTwiceTheSecondRunChangesNothing() throws Exception {
        Map<String, String> env = env(plans(1900));
        CliConfigTest.Run first = CliConfigTest.run(env, "stripe", "apply");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out())
                .contains(
                        "create   product billing_tier_pro: \"Pro\"",
                        "create   price billing:tier:pro:month: usd 19.00 / month (product billing_tier_pro)",
                        "create   meter api_calls",
                        "create   portal configuration",
                        "create   webhook endpoint " + WEBHOOK_URL,
                        "STRIPE_WEBHOOK_SECRET=whsec_",
                        "done: ");
        emulator.clearRequestLog();

        CliConfigTest.Run second = CliConfigTest.run(env, "stripe", "apply");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).endsWith("no changes" + System.lineSeparator());
        assertThat(emulator.requestLog()).extracting(RecordedRequest::method).containsOnly("GET");
        assertCounts(2, 3, 1);
    }

    @Test
    void planPrintsTheDifferenceAndOnlyReads() throws Exception {
        emulator.clearRequestLog();
        CliConfigTest.Run planned = CliConfigTest.run(env(plans(1900)), "stripe", "plan");
        assertThat(planned.exit()).as(planned.err()).isZero();
        assertThat(planned.out())
                .contains("Planned for ", "create   price billing:item:credits_100: usd 5.00 once")
                .doesNotContain("no changes");
        assertThat(emulator.requestLog())
                .isNotEmpty()
                .extracting(RecordedRequest::method)
                .containsOnly("GET");
        assertCounts(0, 0, 0);
    }

    @Test
    void aChangedAmountInTheFileMovesTheLookupKeyToANewPrice() throws Exception {
        assertThat(CliConfigTest.run(env(plans(1900)), "stripe", "apply").exit())
                .isZero();
        String old = priceId("billing:tier:pro:month");
        CliConfigTest.Run changed = CliConfigTest.run(env(plans(2900)), "stripe", "apply");
        assertThat(changed.exit()).as(changed.err()).isZero();
        assertThat(changed.out()).contains("replacing " + old, "archive  price " + old);
        String now = priceId("billing:tier:pro:month");
        assertThat(now).isNotEqualTo(old);
        Price archived = stripe.v1().prices().retrieve(old);
        assertThat(archived.getActive()).isFalse();
        assertThat(archived.getLookupKey()).isNull();
        assertThat(stripe.v1().prices().retrieve(now).getUnitAmount()).isEqualTo(2900L);
    }

    @Test
    void anItemRemovedFromTheFileIsArchivedAndATierNowGivenByIdStays() throws Exception {
        assertThat(CliConfigTest.run(env(plans(1900)), "stripe", "apply").exit())
                .isZero();
        String credits = priceId("billing:item:credits_100");
        String month = priceId("billing:tier:pro:month");
        String year = priceId("billing:tier:pro:year");
        // The item goes; the tier now names the prices apply made by id, so they are in use.
        String yaml = """
                tiers:
                  free: {rank: 0, quotas: {api_calls: 10}}
                  pro:
                    rank: 1
                    quotas: {api_calls: 1000}
                    prices: {month: %s, year: %s}
                meters:
                  - {name: api_calls, stripeEventName: api_calls}
                """.formatted(month, year);
        CliConfigTest.Run applied = CliConfigTest.run(env(yaml), "stripe", "apply");
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.out())
                .contains(
                        "archive  price " + credits,
                        "archive  product billing_item_credits_100",
                        "warn     product billing_tier_pro: \"Pro\" is not in the plan file any more, but left active: the "
                                + "plan file names its prices "
                                + String.join(", ", new java.util.TreeSet<>(List.of(month, year))) + " by id");
        assertThat(stripe.v1().products().retrieve("billing_item_credits_100").getActive())
                .isFalse();
        assertThat(stripe.v1().prices().retrieve(credits).getActive()).isFalse();
        assertThat(stripe.v1().prices().retrieve(month).getActive()).isTrue();
        assertThat(stripe.v1().products().retrieve("billing_tier_pro").getActive())
                .isTrue();

        emulator.clearRequestLog();
        CliConfigTest.Run second = CliConfigTest.run(env(yaml), "stripe", "apply");
        assertThat(second.out())
                .contains("warn     product billing_tier_pro")
                .endsWith("no changes" + System.lineSeparator());
        assertThat(emulator.requestLog()).extracting(RecordedRequest::method).containsOnly("GET");
    }

    @Test
    void anInterruptedApplyIsFinishedByTheNextOne() throws Exception {
        Map<String, String> env = env(plans(1900));
        // Both attempts (stripe-java retries once with the same key) fail: the run stops after the products.
        emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/prices").times(2));
        CliConfigTest.Run stopped = CliConfigTest.run(env, "stripe", "apply");
        assertThat(stopped.exit()).isEqualTo(Main.FAILED);
        assertThat(stopped.err()).contains("stripe apply stopped at change", "run stripe apply again to finish");
        assertCounts(2, 0, 0);
        // This time the answer to the first new price is lost after Stripe made it.
        emulator.addFault(
                Fault.of(FaultKind.ERROR_500_AFTER_APPLY, "POST", "/v1/prices").times(2));
        assertThat(CliConfigTest.run(env, "stripe", "apply").exit()).isIn(Main.OK, Main.FAILED);

        CliConfigTest.Run finished = CliConfigTest.run(env, "stripe", "apply");
        assertThat(finished.exit()).as(finished.err()).isZero();
        assertThat(CliConfigTest.run(env, "stripe", "apply").out()).contains("no changes");
        assertCounts(2, 3, 1);
    }

    @Test
    void theStartUpCheckWarnsOrRefusesAnEndpointOfAnotherApiVersion() throws Exception {
        StripeCatalogSync sync = Adapters.stripeSync(emulator.apiKey(), URI.create(emulator.baseUrl()));
        URI url = URI.create(WEBHOOK_URL);
        stripe.v1()
                .webhookEndpoints()
                .create(WebhookEndpointCreateParams.builder()
                        .setUrl(WEBHOOK_URL)
                        .addEnabledEvent(WebhookEndpointCreateParams.EnabledEvent.INVOICE__PAID)
                        .putExtraParam("api_version", "2024-06-20")
                        .build());

        assertThat(StripeSetup.checkWebhookApiVersion(sync, url, ServerConfig.WebhookApiVersionCheck.WARN))
                .hasValueSatisfying(m -> assertThat(m)
                        .contains("(2024-06-20)", StripePaymentGateway.API_VERSION, "--replace-webhook-endpoint"));
        assertThatThrownBy(
                        () -> StripeSetup.checkWebhookApiVersion(sync, url, ServerConfig.WebhookApiVersionCheck.REFUSE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sends events at another API version");
        assertThat(StripeSetup.checkWebhookApiVersion(sync, url, ServerConfig.WebhookApiVersionCheck.OFF))
                .isEmpty();
        // Another URL is not this deployment's endpoint.
        assertThat(StripeSetup.checkWebhookApiVersion(
                        sync, URI.create("https://other.example.com/hook"), ServerConfig.WebhookApiVersionCheck.REFUSE))
                .isEmpty();

        // serve refuses before it opens the store (the database here does not exist).
        Map<String, String> env = CliConfigTest.validEnv();
        env.putAll(env(plans(1900)));
        env.put("BILLING_WEBHOOK_API_VERSION_CHECK", "refuse");
        CliConfigTest.Run serve = CliConfigTest.run(env, "serve");
        assertThat(serve.exit()).isEqualTo(Main.CONFIG);
        assertThat(serve.err()).contains("BILLING_WEBHOOK_URL: the webhook endpoint we_");

        assertThat(CliConfigTest.run(env, "stripe", "apply", "--replace-webhook-endpoint")
                        .exit())
                .isZero();
        assertThat(StripeSetup.checkWebhookApiVersion(sync, url, ServerConfig.WebhookApiVersionCheck.REFUSE))
                .isEmpty();
    }

    @Test
    void aPlanFileWithoutPriceIdsSellsInLocalMode() throws Exception {
        Path file = dir.resolve("no-ids.yaml");
        Files.writeString(file, plans(1900));
        try (LocalFixture local =
                LocalFixture.start(dir.resolve("local"), Map.of("BILLING_PLANS_FILE", file.toString()))) {
            String token = local.token("user_by_amount");
            local.customer(token);
            String subscription = local.subscribe(token, "pro", "month");
            StripeClient localStripe = local.stripe();
            Price price = localStripe
                    .v1()
                    .subscriptions()
                    .retrieve(subscription)
                    .getItems()
                    .getData()
                    .get(0)
                    .getPrice();
            assertThat(price.getLookupKey()).isEqualTo("billing:tier:pro:month");
            assertThat(price.getUnitAmount()).isEqualTo(1900L);
            assertThat(local.entitlements(token).path("tier").asText()).isEqualTo("pro");
        }
    }

    @Test
    void planAndApplyNameTheAccountsModeFirst() throws Exception {
        Map<String, String> env = env(plans(1900));
        CliConfigTest.Run planned = CliConfigTest.run(env, "stripe", "plan");
        assertThat(planned.out()).startsWith("Stripe account: test mode (key sk_test_****)");
        CliConfigTest.Run applied = CliConfigTest.run(env, "stripe", "apply");
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.out())
                .startsWith("Stripe account: test mode (key sk_test_****)")
                .doesNotContain("live");
    }

    @Test
    void aLiveKeyWithoutATerminalAndWithoutYesIsRefusedBeforeAnyCall() throws Exception {
        try (StripeEmulator live =
                StripeEmulator.start(EmulatorOptions.defaults().withApiKey(LIVE_KEY))) {
            Map<String, String> env = liveEnv(live);

            CliConfigTest.Run refused = CliConfigTest.run(env, "stripe", "apply");

            assertThat(refused.exit()).isEqualTo(Main.CONFIG);
            assertThat(refused.out())
                    .startsWith("Stripe account: live mode (key sk_live_****): changes reach real " + "customers");
            assertThat(refused.err())
                    .contains("live-mode key", "no terminal", "--yes", "nothing was changed")
                    .doesNotContain(LIVE_KEY);
            assertThat(live.requestLog()).isEmpty();
        }
    }

    @Test
    void aLiveKeyAsksOnTheTerminalAndAppliesOnlyWhenThePersonTypesLiveOrYes() throws Exception {
        try (StripeEmulator live =
                StripeEmulator.start(EmulatorOptions.defaults().withApiKey(LIVE_KEY))) {
            Map<String, String> env = liveEnv(live);

            CliConfigTest.Run declined = typed("no", env, "stripe", "apply");
            assertThat(declined.exit()).isEqualTo(Main.FAILED);
            assertThat(declined.out()).contains("create   product billing_tier_pro"); // what it would do
            assertThat(declined.err()).contains("Type live (or yes)", "not confirmed; nothing was changed");
            assertThat(live.requestLog()).extracting(RecordedRequest::method).containsOnly("GET");

            CliConfigTest.Run nothingTyped = typed("", env, "stripe", "apply");
            assertThat(nothingTyped.exit()).isEqualTo(Main.FAILED);
            assertThat(live.requestLog()).extracting(RecordedRequest::method).containsOnly("GET");

            CliConfigTest.Run confirmed = typed("live", env, "stripe", "apply");
            assertThat(confirmed.exit()).as(confirmed.err()).isZero();
            assertThat(confirmed.out()).contains("done: ");
            assertThat(live.requestLog()).extracting(RecordedRequest::method).contains("POST");

            Files.writeString(Path.of(env.get("BILLING_PLANS_FILE")), plans(2900));
            CliConfigTest.Run yes = typed("YES", env, "stripe", "apply");
            assertThat(yes.exit()).as(yes.err()).isZero();
            assertThat(yes.out()).contains("archive  price");
        }
    }

    @Test
    void aLiveKeyWithYesAppliesWithoutAsking() throws Exception {
        try (StripeEmulator live =
                StripeEmulator.start(EmulatorOptions.defaults().withApiKey(LIVE_KEY))) {
            CliConfigTest.Run applied = CliConfigTest.run(liveEnv(live), "stripe", "apply", "--yes");

            assertThat(applied.exit()).as(applied.err()).isZero();
            assertThat(applied.out()).startsWith("Stripe account: live mode").contains("done: ");
            assertThat(applied.err()).doesNotContain("Type live");
        }
    }

    @Test
    void aPublishableKeyIsRefusedWithAClearError() throws Exception {
        Map<String, String> env = env(plans(1900));
        env.put("STRIPE_SECRET_KEY", "pk_test_51Hc0mPubl1shableKey");
        emulator.clearRequestLog();

        for (String command : List.of("plan", "apply")) {
            CliConfigTest.Run refused = CliConfigTest.run(env, "stripe", command);
            assertThat(refused.exit()).isEqualTo(Main.CONFIG);
            assertThat(refused.err())
                    .contains("STRIPE_SECRET_KEY: a publishable key (pk_...) cannot change Stripe")
                    .doesNotContain("pk_test_51Hc0mPubl1shableKey");
        }
        assertThat(emulator.requestLog()).isEmpty();
    }

    @Test
    void aPlainHttpWebhookUrlIsRefusedExceptOnALoopbackAddress() throws Exception {
        Map<String, String> env = env(plans(1900));
        env.put("BILLING_WEBHOOK_URL", "http://billing.example.com/webhooks/stripe");
        emulator.clearRequestLog();

        CliConfigTest.Run fromEnv = CliConfigTest.run(env, "stripe", "apply");
        assertThat(fromEnv.exit()).isEqualTo(Main.CONFIG);
        assertThat(fromEnv.err()).contains("BILLING_WEBHOOK_URL: Stripe delivers webhooks over https only");
        CliConfigTest.Run fromOption = CliConfigTest.run(
                env(plans(1900)), "stripe", "plan", "--webhook-url", "http://billing.example.com/webhooks/stripe");
        assertThat(fromOption.exit()).isEqualTo(Main.CONFIG);
        assertThat(fromOption.err()).contains("--webhook-url: Stripe delivers webhooks over https only");
        assertThat(emulator.requestLog()).isEmpty();

        CliConfigTest.Run loopback = CliConfigTest.run(
                env(plans(1900)), "stripe", "apply", "--webhook-url", "http://127.0.0.1:8080/webhooks/stripe");
        assertThat(loopback.exit()).as(loopback.err()).isZero();
        assertThat(loopback.out()).contains("create   webhook endpoint http://127.0.0.1:8080/webhooks/stripe");
    }

    private Map<String, String> liveEnv(StripeEmulator live) throws Exception {
        Map<String, String> env = env(plans(1900));
        env.put("STRIPE_SECRET_KEY", live.apiKey());
        env.put("STRIPE_API_BASE", live.baseUrl());
        return env;
    }

    /** The command run as on a terminal where the person types {@code line} and Enter. */
    private static CliConfigTest.Run typed(String line, Map<String, String> env, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.BufferedReader terminal = new java.io.BufferedReader(new java.io.StringReader(line + "\n"));
        int exit = Main.run(
                args,
                env,
                terminal,
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliConfigTest.Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String priceId(String lookupKey) throws Exception {
        List<Price> found = stripe.v1()
                .prices()
                .list(PriceListParams.builder().addLookupKey(lookupKey).build())
                .getData();
        assertThat(found).hasSize(1);
        return found.get(0).getId();
    }

    private static void assertCounts(int products, int prices, int endpoints) throws Exception {
        assertThat(stripe.v1()
                        .products()
                        .list(ProductListParams.builder().setLimit(100L).build())
                        .getData())
                .hasSize(products);
        assertThat(stripe.v1()
                        .prices()
                        .list(PriceListParams.builder().setLimit(100L).build())
                        .getData())
                .hasSize(prices);
        assertThat(stripe.v1()
                        .webhookEndpoints()
                        .list(WebhookEndpointListParams.builder().setLimit(100L).build())
                        .getData())
                .hasSize(endpoints);
    }
}

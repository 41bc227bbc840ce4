package dev.billing.testkit;

import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.CatalogItem;
import dev.billing.core.model.catalog.CatalogPromotion;
import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import java.util.Map;
import java.util.Set;

/**
 * The sample plan catalog, priced with the sample price ids of {@link dev.billing.testkit.fake.FakePaymentGateway}
 * and the Stripe emulator's seed: free / basic (14-day trial) / pro (30-day trial, 10% off items) / enterprise, and
 * the public promotion code {@code LAUNCH20}.
 *
 * <p>Usage: {@code PlanCatalog plans = SamplePlans.catalog();}
 */
public final class SamplePlans {
    private SamplePlans() {}

    /**
     * The sample catalog plus {@code team}: rank 4, sold by the seat ({@code price_team_monthly}, which the fake adds
     * with {@code FakePaymentGateway.addTeamPrices}), its {@code api_calls} a shared pool.
     */
    public static PlanCatalog withTeam() {
        PlanCatalog sample = catalog();
        Tier team = new Tier(
                "team",
                4,
                Set.of("projects", "export_csv", "sso", "team_admin"),
                Map.of("api_calls", 50_000L, "exports", 1_000L),
                0,
                0,
                true);
        PlanCatalog.Builder builder = PlanCatalog.builder().freeTier(sample.freeTier());
        sample.tiers().stream().filter(t -> t.rank() > 0).forEach(builder::tier);
        sample.plans().forEach(p -> builder.plan(p.tier().name(), p.interval(), p.priceId()));
        sample.items().forEach(builder::item);
        return builder.tier(team)
                .plan("team", BillingInterval.MONTH, "price_team_monthly")
                .meter(new MeterDefinition("api_calls", "api_calls", true))
                .meter(new MeterDefinition("exports", null))
                .build();
    }

    /** The sample catalog with its credits item open to guests (bought without an account). */
    public static PlanCatalog withGuests() {
        PlanCatalog sample = catalog();
        PlanCatalog.Builder builder = PlanCatalog.builder().freeTier(sample.freeTier());
        sample.tiers().stream().filter(t -> t.rank() > 0).forEach(builder::tier);
        sample.plans().forEach(p -> builder.plan(p.tier().name(), p.interval(), p.priceId()));
        sample.meters().values().forEach(builder::meter);
        return builder.item(new CatalogItem("credits_100", "100 credits", "price_credits_100", true))
                .build();
    }

    public static PlanCatalog catalog() {
        Tier free = new Tier("free", 0, Set.of("projects"), Map.of("api_calls", 100L, "exports", 5L), 0, 0);
        Tier basic = new Tier(
                "basic", 1, Set.of("projects", "export_csv"), Map.of("api_calls", 1_000L, "exports", 50L), 14, 0);
        Tier pro = new Tier(
                "pro",
                2,
                Set.of("projects", "export_csv", "sso", "priority_support"),
                Map.of("api_calls", 10_000L, "exports", 500L),
                30,
                10);
        Tier enterprise = new Tier(
                "enterprise",
                3,
                Set.of("projects", "export_csv", "sso", "priority_support", "audit_log"),
                Map.of("api_calls", Tier.UNLIMITED, "exports", Tier.UNLIMITED),
                0,
                25);
        return PlanCatalog.builder()
                .freeTier(free)
                .tier(basic)
                .tier(pro)
                .tier(enterprise)
                .plan("basic", BillingInterval.MONTH, "price_basic_monthly")
                .plan("basic", BillingInterval.YEAR, "price_basic_yearly")
                .plan("pro", BillingInterval.MONTH, "price_pro_monthly")
                .plan("pro", BillingInterval.YEAR, "price_pro_yearly")
                .plan("enterprise", BillingInterval.MONTH, "price_enterprise_monthly")
                .item(new CatalogItem("credits_100", "100 credits", "price_credits_100"))
                .meter(new MeterDefinition("api_calls", "api_calls"))
                .meter(new MeterDefinition("exports", null))
                .promotion(new CatalogPromotion("LAUNCH20", true))
                .build();
    }
}

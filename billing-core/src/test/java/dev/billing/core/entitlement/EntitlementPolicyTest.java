package dev.billing.core.entitlement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.UsagePeriod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntitlementPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Instant PERIOD_START = Instant.parse("2026-11-18T00:00:00Z");
    private static final Instant PERIOD_END = Instant.parse("2026-12-18T00:00:00Z");

    private final Tier free = new Tier("free", 0, Set.of("view"), Map.of("api_calls", 100L), 0, 0);
    private final Tier basic = new Tier("basic", 1, Set.of("view", "export"), Map.of("api_calls", 1_000L), 14, 0);
    private final Tier pro = new Tier("pro", 2, Set.of("view", "export", "sso"), Map.of("api_calls", 10_000L), 30, 10);
    private final PlanCatalog catalog = PlanCatalog.builder()
            .freeTier(free)
            .tier(basic)
            .tier(pro)
            .plan("basic", BillingInterval.MONTH, "price_basic")
            .plan("pro", BillingInterval.MONTH, "price_pro")
            .build();
    private final EntitlementPolicy policy = new EntitlementPolicy(catalog, Duration.ofDays(7));

    /** Every Stripe status, plus one this code does not know (grants nothing). */
    @ParameterizedTest(name = "{0} grants {1}")
    @CsvSource({
        "active,pro",
        "trialing,pro",
        "past_due,pro",
        "incomplete,free",
        "incomplete_expired,free",
        "canceled,free",
        "unpaid,free",
        "paused,free",
        "some_future_status,free"
    })
    void entitlementTable(String stripeStatus, String expectedTier) {
        Subscription subscription =
                sub("sub_1", SubscriptionStatus.fromStripe(stripeStatus), "price_pro", PERIOD_START);
        EntitlementPolicy.Grant grant = policy.grant(List.of(subscription), NOW);
        assertThat(grant.tier().name()).isEqualTo(expectedTier);
        assertThat(grant.latest()).isEqualTo(subscription);
        if (expectedTier.equals("free")) {
            assertThat(grant.granting()).isNull();
            assertThat(grant.period()).isEqualTo(UsagePeriod.calendarMonthOf(NOW));
        } else {
            assertThat(grant.period()).isEqualTo(new UsagePeriod(PERIOD_START, PERIOD_END));
        }
    }

    @Test
    void pastDueKeepsThePlanOnlyDuringGrace() {
        Subscription withinGrace =
                sub("sub_1", SubscriptionStatus.PAST_DUE, "price_pro", NOW.minus(Duration.ofDays(6)));
        assertThat(policy.grant(List.of(withinGrace), NOW).tier().name()).isEqualTo("pro");
        assertThat(policy.grant(List.of(withinGrace), NOW).graceEndsAt())
                .isEqualTo(NOW.minus(Duration.ofDays(6)).plus(Duration.ofDays(7)));

        Subscription pastGrace = sub("sub_1", SubscriptionStatus.PAST_DUE, "price_pro", NOW.minus(Duration.ofDays(8)));
        assertThat(policy.grant(List.of(pastGrace), NOW).tier().name()).isEqualTo("free");
    }

    /** A charge in the middle of a period (a plan change invoiced at once) that fails: grace from the failure. */
    @Test
    void pastDueMidPeriodCountsGraceFromWhenItTurnedPastDue() {
        Instant periodStart = NOW.minus(Duration.ofDays(17));
        Instant turned = NOW.minus(Duration.ofDays(2));
        Subscription midPeriod = sub("sub_1", SubscriptionStatus.PAST_DUE, "price_pro", periodStart)
                .withPastDueSince(turned);
        EntitlementPolicy.Grant grant = policy.grant(List.of(midPeriod), NOW);
        assertThat(grant.tier().name()).isEqualTo("pro");
        assertThat(grant.graceEndsAt()).isEqualTo(turned.plus(Duration.ofDays(7)));
        assertThat(policy.grant(List.of(midPeriod), turned.plus(Duration.ofDays(7)))
                        .tier()
                        .name())
                .isEqualTo("free");

        // a renewal that stays unpaid: the newer period's start is the later, as before
        Subscription renewedUnpaid = sub(
                        "sub_1", SubscriptionStatus.PAST_DUE, "price_pro", NOW.minus(Duration.ofDays(1)))
                .withPastDueSince(NOW.minus(Duration.ofDays(20)));
        assertThat(policy.grant(List.of(renewedUnpaid), NOW).graceEndsAt())
                .isEqualTo(NOW.minus(Duration.ofDays(1)).plus(Duration.ofDays(7)));
    }

    @Test
    void onlyAPastDueSubscriptionKeepsWhenItTurnedPastDue() {
        Subscription active = sub("sub_1", SubscriptionStatus.ACTIVE, "price_pro", PERIOD_START)
                .withPastDueSince(NOW);
        assertThat(active.pastDueSince()).isNull();
    }

    @Test
    void aPriceOutsideTheCatalogGrantsNothing() {
        Subscription unknown = sub("sub_1", SubscriptionStatus.ACTIVE, "price_legacy", PERIOD_START);
        assertThat(policy.grant(List.of(unknown), NOW).tier().name()).isEqualTo("free");
    }

    @Test
    void theHighestGrantingTierWins() {
        Subscription basicSub = sub("sub_b", SubscriptionStatus.ACTIVE, "price_basic", PERIOD_START);
        Subscription proSub = sub("sub_p", SubscriptionStatus.TRIALING, "price_pro", PERIOD_START);
        Subscription canceled = sub("sub_c", SubscriptionStatus.CANCELED, "price_pro", PERIOD_START);
        EntitlementPolicy.Grant grant = policy.grant(List.of(basicSub, canceled, proSub), NOW);
        assertThat(grant.tier().name()).isEqualTo("pro");
        assertThat(grant.granting().id()).isEqualTo("sub_p");
    }

    @Test
    void nothingAtAllIsTheFreeTier() {
        EntitlementPolicy.Grant grant = policy.grant(List.of(), NOW);
        assertThat(grant.tier()).isEqualTo(free);
        assertThat(grant.latest()).isNull();
    }

    @Test
    void aLateRenewalWebhookRollsThePeriodForwardToWhereStripeWillStartIt() {
        Instant start = Instant.parse("2026-10-01T00:00:00Z");
        Instant end = Instant.parse("2026-10-31T00:00:00Z");
        Subscription stale = new Subscription(
                "sub_1",
                CustomerId.of("cus_1"),
                SubscriptionStatus.ACTIVE,
                "price_pro",
                1,
                start,
                end,
                false,
                null,
                null,
                null,
                null,
                null,
                start,
                Map.of(),
                SourceVersion.snapshot(start));
        UsagePeriod period = policy.grant(List.of(stale), Instant.parse("2026-11-05T00:00:00Z"))
                .period();
        assertThat(period.start()).isEqualTo(end);
        assertThat(period.end()).isEqualTo(end.plus(Duration.between(start, end)));
    }

    /**
     * A server whose clock is behind Stripe's (skew, or Stripe test clocks / the emulator's time travel while the
     * server keeps real time) receives the renewal with a period that starts after its "now": that new period is
     * the one in force, so the quota is fresh as soon as the webhook is applied.
     */
    @Test
    void aPeriodThatStartsAfterTheServersNowIsTheOneInForce() {
        Instant start = NOW.plus(Duration.ofDays(20));
        Instant end = start.plus(Duration.ofDays(31));
        Subscription renewed = new Subscription(
                "sub_1",
                CustomerId.of("cus_1"),
                SubscriptionStatus.ACTIVE,
                "price_pro",
                1,
                start,
                end,
                false,
                null,
                null,
                null,
                null,
                null,
                NOW.minus(Duration.ofDays(40)),
                Map.of(),
                SourceVersion.snapshot(start));
        EntitlementPolicy.Grant grant = policy.grant(List.of(renewed), NOW);
        assertThat(grant.tier().name()).isEqualTo("pro");
        assertThat(grant.period()).isEqualTo(new UsagePeriod(start, end));

        Subscription unpaid = new Subscription(
                "sub_2",
                CustomerId.of("cus_1"),
                SubscriptionStatus.PAST_DUE,
                "price_pro",
                1,
                start,
                end,
                false,
                null,
                null,
                null,
                null,
                null,
                NOW.minus(Duration.ofDays(40)),
                Map.of(),
                SourceVersion.snapshot(start));
        assertThat(policy.grant(List.of(unpaid), NOW).graceEndsAt()).isEqualTo(start.plus(Duration.ofDays(7)));
    }

    private static Subscription sub(String id, SubscriptionStatus status, String price, Instant periodStart) {
        return new Subscription(
                id,
                CustomerId.of("cus_1"),
                status,
                price,
                1,
                periodStart,
                periodStart.plus(Duration.ofDays(30)),
                false,
                null,
                null,
                null,
                null,
                null,
                periodStart.minus(Duration.ofDays(1)),
                Map.of(),
                SourceVersion.snapshot(periodStart));
    }
}

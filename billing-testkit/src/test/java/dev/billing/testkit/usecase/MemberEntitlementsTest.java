package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.Quota;
import dev.billing.core.model.subscription.MemberEntitlements;
import dev.billing.core.model.subscription.MemberEntitlements.Source;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.SamplePlans;
import org.junit.jupiter.api.Test;

/**
 * A member gets the better of their own plan and their active organization's; a meter marked shared draws on the
 * organization's pool, others are counted per user up to the larger quota. The team tier of
 * {@link SamplePlans#withTeam()} shares api_calls (50,000) and not exports (1,000 each).
 */
class MemberEntitlementsTest {
    static final String ORG = "org_acme";
    final BillingHarness h = BillingHarness.withPlans(SamplePlans.withTeam());

    void subscribe(String account, String tier) {
        CheckoutOutcome outcome = h.billing()
                .startCheckout(
                        h.identity(account),
                        new CheckoutCommand.Subscribe(
                                tier, BillingInterval.MONTH, null, null, null, tier.equals("team") ? 3L : null));
        h.gateway()
                .completeCheckout(((CheckoutOutcome.Started) outcome).session().id());
        h.billing().useCases().reconcile().user(UserId.of(account));
    }

    static Quota quota(MemberEntitlements m, String meter) {
        return m.effective().quotas().stream()
                .filter(q -> q.meter().equals(meter))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aFreeMemberOfATeamGetsTheTeamPlanAndIsToldWhereEachPartComesFrom() {
        subscribe(ORG, "team");

        MemberEntitlements m = h.billing().entitlements(UserId.of("user_ada"), ORG);

        assertThat(m.effective().tier()).isEqualTo("team");
        assertThat(m.tierSource()).isEqualTo(Source.ORGANIZATION);
        assertThat(m.effective().features()).contains("projects", "sso", "team_admin");
        assertThat(m.featureSources()).containsEntry("projects", Source.USER).containsEntry("sso", Source.ORGANIZATION);
        assertThat(quota(m, "api_calls").limit()).isEqualTo(50_000);
        assertThat(m.quotaSources())
                .containsEntry("api_calls", Source.ORGANIZATION)
                .containsEntry("exports", Source.ORGANIZATION);
        assertThat(quota(m, "exports").limit()).isEqualTo(1_000);
        assertThat(m.effective().userId()).isEqualTo(UserId.of("user_ada"));
    }

    @Test
    void sharedMetersDrawOnTheTeamsPoolAndOthersAreCountedPerMember() {
        subscribe(ORG, "team");

        h.billing().recordUsage(UserId.of("user_ada"), ORG, "api_calls", 30, "same-key");
        h.billing().recordUsage(UserId.of("user_bob"), ORG, "api_calls", 12, "same-key");
        h.billing().recordUsage(UserId.of("user_ada"), ORG, "exports", 7, "export-1");

        assertThat(quota(h.billing().entitlements(UserId.of("user_bob"), ORG), "api_calls")
                        .used())
                .isEqualTo(42);
        assertThat(h.billing().entitlements(UserId.of(ORG)).quotas())
                .filteredOn(q -> q.meter().equals("api_calls"))
                .singleElement()
                .satisfies(q -> assertThat(q.used()).isEqualTo(42));
        assertThat(quota(h.billing().entitlements(UserId.of("user_ada"), ORG), "exports")
                        .used())
                .isEqualTo(7);
        assertThat(quota(h.billing().entitlements(UserId.of("user_bob"), ORG), "exports")
                        .used())
                .isZero();
        // Beyond the free tier's 5 exports: the team's per-member quota applies.
        assertThat(h.billing()
                        .recordUsage(UserId.of("user_bob"), ORG, "exports", 6, "export-2")
                        .result())
                .isInstanceOf(UsageResult.Accepted.class);
        // Without the organization, the member's own free plan applies again.
        assertThat(h.billing()
                        .recordUsage(UserId.of("user_bob"), null, "exports", 1, "export-3")
                        .result())
                .isInstanceOf(UsageResult.QuotaExceeded.class);
    }

    @Test
    void aMemberWhoseOwnPlanIsHigherKeepsIt() {
        subscribe(ORG, "basic");
        subscribe("user_ada", "enterprise");

        MemberEntitlements m = h.billing().entitlements(UserId.of("user_ada"), ORG);

        assertThat(m.effective().tier()).isEqualTo("enterprise");
        assertThat(m.tierSource()).isEqualTo(Source.USER);
        assertThat(m.featureSources().values()).containsOnly(Source.USER);
        assertThat(quota(m, "api_calls").unlimited()).isTrue();
    }

    @Test
    void withoutAnActiveOrganizationItIsTheUsersOwn() {
        subscribe(ORG, "team");

        MemberEntitlements m = h.billing().entitlements(UserId.of("user_ada"), null);

        assertThat(m.effective()).isEqualTo(h.billing().entitlements(UserId.of("user_ada")));
        assertThat(m.organizationId()).isNull();
        assertThat(m.effective().tier()).isEqualTo("free");
    }
}

package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Quota;
import dev.billing.core.model.catalog.QuotaPeriod;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.usage.UsageOutcome;
import dev.billing.testkit.BillingHarness;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Quotas that start again each day at midnight in a configured time zone (5 chats a day in Berlin), each calendar
 * month, or each billing period, with a fixed clock across the spring clock change (29 March 2026: a 23-hour day).
 */
class QuotaPeriodsTest {
    static final UserId ADA = UserId.of("user_ada");
    static final PlanCatalog PLANS = PlanCatalog.builder()
            .freeTier(new Tier("free", 0, Set.of(), Map.of("chats", 5L, "exports", 2L, "api_calls", 100L), 0, 0))
            .tier(new Tier("pro", 1, Set.of(), Map.of("chats", 100L), 0, 0))
            .plan("pro", BillingInterval.MONTH, "price_pro_monthly")
            .meter(new MeterDefinition("chats", null, false, QuotaPeriod.DAY, ZoneId.of("Europe/Berlin")))
            .meter(new MeterDefinition("exports", null, false, QuotaPeriod.MONTH, ZoneId.of("Europe/Berlin")))
            .meter(new MeterDefinition("api_calls", null, false, QuotaPeriod.BILLING_PERIOD, ZoneOffset.UTC))
            .build();

    final BillingHarness h = BillingHarness.withPlans(PLANS);
    int keys;

    UsageOutcome chat() {
        return h.billing().recordUsage(ADA, "chats", 1, "chat-" + keys++);
    }

    Quota quota(String meter) {
        return h.billing().entitlements(ADA).quotas().stream()
                .filter(q -> q.meter().equals(meter))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void fiveChatsADayStartAgainAtMidnightInBerlinAlsoOnTheDayTheClocksGoForward() {
        h.clock().set(Instant.parse("2026-03-28T22:30:00Z")); // 23:30 on the 28th in Berlin (CET)
        for (int i = 0; i < 5; i++) {
            assertThat(chat().result()).isInstanceOf(UsageResult.Accepted.class);
        }
        UsageOutcome sixth = chat();
        assertThat(sixth.result()).isInstanceOf(UsageResult.QuotaExceeded.class);
        assertThat(sixth.period().end()).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
        assertThat(quota("chats").resetsAt()).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));

        h.clock().set(Instant.parse("2026-03-28T23:00:00Z")); // midnight: the 29th, the 23-hour day
        assertThat(quota("chats").used()).isZero();
        UsageOutcome first = chat();
        assertThat(first.result()).isInstanceOf(UsageResult.Accepted.class);
        assertThat(first.period().end()).isEqualTo(Instant.parse("2026-03-29T22:00:00Z"));
        assertThat(quota("chats").resetsAt()).isEqualTo(Instant.parse("2026-03-29T22:00:00Z"));

        h.clock().set(Instant.parse("2026-03-29T21:59:59Z")); // still the 29th in Berlin (CEST)
        assertThat(quota("chats").used()).isEqualTo(1);
        h.clock().set(Instant.parse("2026-03-29T22:00:00Z"));
        assertThat(quota("chats").used()).isZero();
    }

    @Test
    void eachMeterKeepsItsOwnPeriod() {
        h.clock().set(Instant.parse("2026-03-31T21:30:00Z")); // 23:30 on 31 March in Berlin
        h.billing().recordUsage(ADA, "exports", 2, "e1");
        h.billing().recordUsage(ADA, "api_calls", 7, "a1");
        assertThat(h.billing().recordUsage(ADA, "exports", 1, "e2").result())
                .isInstanceOf(UsageResult.QuotaExceeded.class);

        h.clock().set(Instant.parse("2026-03-31T22:00:00Z")); // April in Berlin, still March in UTC

        assertThat(quota("exports").used()).isZero();
        assertThat(quota("exports").resetsAt()).isEqualTo(Instant.parse("2026-04-30T22:00:00Z"));
        assertThat(quota("api_calls").used()).isEqualTo(7);
        assertThat(quota("api_calls").resetsAt()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(quota("chats").resetsAt()).isEqualTo(Instant.parse("2026-04-01T22:00:00Z"));
    }
}

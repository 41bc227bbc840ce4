package dev.billing.postgres;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore.LinkResult;
import dev.billing.core.port.EventInbox.RecordOutcome;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.postgres.junit.PostgresDatabaseExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two independent {@link PostgresBillingStores} (two pools, as two server instances would have) on one database:
 * racing on the same rows, they keep every invariant, because the database arbitrates, not the process.
 */
@ExtendWith(PostgresDatabaseExtension.class)
class ScaleOutIT {
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static BillingStores instanceA;
    private static BillingStores instanceB;

    @BeforeAll
    static void startTwoInstances(TestDatabase db) {
        // Both start at once, as a rolling deploy would: both migrate, Flyway's lock lets one do the work.
        List<BillingStores> started = Race.run(2, i -> TestStores.open(db));
        instanceA = started.get(0);
        instanceB = started.get(1);
    }

    @AfterAll
    static void stopInstances() {
        instanceA.close();
        instanceB.close();
    }

    private static BillingStores instance(int i) {
        return i % 2 == 0 ? instanceA : instanceB;
    }

    @Test
    void racingFirstRequestsOfOneUserLinkOneCustomer() {
        UserId user = UserId.of(unique("user_"));
        List<LinkResult> results = Race.run(
                20, i -> instance(i).customers().link(new CustomerLink(user, CustomerId.of(unique("cus_")), null, T0)));

        List<LinkResult> linked =
                results.stream().filter(r -> r instanceof LinkResult.Linked).toList();
        assertThat(linked).hasSize(1);
        assertThat(results)
                .allSatisfy(r -> assertThat(r.link()).isEqualTo(linked.get(0).link()));
        assertThat(instanceA.customers().findByUserId(user))
                .contains(linked.get(0).link());
        assertThat(instanceB.customers().findByUserId(user))
                .contains(linked.get(0).link());
    }

    @Test
    void oneDeliveryIsRecordedAndClaimedOnceAcrossInstances() {
        Instant now = T0.plus(Duration.ofDays(50_000));
        StripeEvent event = anEvent().createdAt(now.minusSeconds(1)).build();

        List<RecordOutcome> recorded = Race.run(10, i -> instance(i).inbox().record(event, now));
        assertThat(recorded).containsOnlyOnce(RecordOutcome.RECORDED);

        List<Optional<InboxEntry>> claims =
                Race.run(10, i -> instance(i).inbox().claim(event.id(), "w" + i, now, LEASE));
        List<InboxEntry> won = claims.stream().flatMap(Optional::stream).toList();
        assertThat(won).singleElement().satisfies(e -> assertThat(e.attempts()).isEqualTo(1));
        assertThat(instanceB.inbox().find(event.id()).orElseThrow().leaseOwner())
                .isEqualTo(won.get(0).leaseOwner());
    }

    @Test
    void workersOnBothInstancesNeverClaimTheSameEvent() {
        Instant now = T0.plus(Duration.ofDays(60_000));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            StripeEvent event = anEvent().createdAt(now.minusSeconds(600 - i)).build();
            instance(i).inbox().record(event, now);
            ids.add(event.id());
        }
        List<List<String>> perWorker = Race.run(8, w -> {
            List<String> mine = new ArrayList<>();
            List<InboxEntry> batch;
            do {
                batch = instance(w).inbox().claimDue(3, "worker-" + w, now, LEASE);
                batch.forEach(e -> mine.add(e.eventId()));
            } while (!batch.isEmpty());
            return mine;
        });
        List<String> claimed =
                perWorker.stream().flatMap(List::stream).filter(ids::contains).toList();
        assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        assertThat(perWorker.stream().filter(list -> !list.isEmpty())).hasSizeGreaterThan(1);
    }

    @Test
    void aQuotaIsNeverOvershotAcrossInstances() {
        UserId user = UserId.of(unique("user_"));
        UsagePeriod period = new UsagePeriod(T0, T0.plus(Duration.ofDays(30)));
        List<UsageResult> results = Race.run(
                60,
                i -> instance(i)
                        .usage()
                        .increment(new UsageIncrement(
                                user,
                                "api_calls",
                                period,
                                1 + i % 3,
                                50,
                                "req-" + i,
                                "api_calls:" + (1 + i % 3),
                                T0,
                                null)));

        long accepted = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof UsageResult.Accepted) {
                accepted += 1 + i % 3;
            }
        }
        assertThat(results).anyMatch(r -> r instanceof UsageResult.QuotaExceeded);
        assertThat(accepted).isLessThanOrEqualTo(50);
        assertThat(instanceA.usage().used(user, "api_calls", period.start())).isEqualTo(accepted);
        assertThat(instanceB.usage().used(user, "api_calls", period.start())).isEqualTo(accepted);
    }

    @Test
    void oneIdempotencyKeyCountsOnceAcrossInstances() {
        UserId user = UserId.of(unique("user_"));
        UsagePeriod period = new UsagePeriod(T0, T0.plus(Duration.ofDays(30)));
        UsageIncrement request =
                new UsageIncrement(user, "api_calls", period, 4, 100, "same-key", "api_calls:4", T0, null);
        List<UsageResult> results = Race.run(16, i -> instance(i).usage().increment(request));

        assertThat(results).containsOnlyOnce(new UsageResult.Accepted(4, 100));
        assertThat(results).filteredOn(r -> r instanceof UsageResult.Replayed).hasSize(15);
        assertThat(instanceA.usage().used(user, "api_calls", period.start())).isEqualTo(4);
    }

    @Test
    void membershipChangesRacingOnBothInstancesEndInTheNewestState() {
        String org = unique("org_");
        List<OrgMember> deliveries = new ArrayList<>();
        for (int u = 0; u < 8; u++) {
            UserId user = UserId.of("user_" + u);
            deliveries.add(new OrgMember(org, user, "org:member", true, T0.plusSeconds(1), unique("msg_")));
            deliveries.add(new OrgMember(org, user, "org:member", false, T0.plusSeconds(2), unique("msg_")));
            if (u % 2 == 0) {
                deliveries.add(new OrgMember(org, user, "org:admin", true, T0.plusSeconds(3), unique("msg_")));
            }
        }
        deliveries.addAll(List.copyOf(deliveries)); // every change delivered twice, to either instance
        Collections.shuffle(deliveries, new Random(7));

        Race.run(deliveries.size(), i -> instance(i).memberships().apply(deliveries.get(i)));

        assertThat(instanceA.memberships().countActive(org)).isEqualTo(4);
        assertThat(instanceB
                        .memberships()
                        .find(org, UserId.of("user_2"))
                        .orElseThrow()
                        .role())
                .isEqualTo("org:admin");
        assertThat(instanceB
                        .memberships()
                        .find(org, UserId.of("user_3"))
                        .orElseThrow()
                        .active())
                .isFalse();
    }
}

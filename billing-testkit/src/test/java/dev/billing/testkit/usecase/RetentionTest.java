package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.config.BackgroundOptions;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.RetentionOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.WorkObserver;
import dev.billing.core.retention.Pruned;
import dev.billing.testkit.Await;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retention (docs/OPERATIONS.md, "Retention"): what a pass deletes, what it keeps, and that a started core runs it. */
class RetentionTest {
    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private Billing billing;

    @AfterEach
    void close() {
        if (billing != null) {
            billing.close();
        }
    }

    private Billing billing(RetentionOptions retention, WorkObserver observer) {
        billing = Billing.builder()
                .gateway(FakePaymentGateway.withSampleCatalog(clock))
                .webhookVerifier(new FakeWebhookVerifier())
                .stores(stores.stores())
                .plans(SamplePlans.catalog())
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .retention(retention)
                        .build())
                .clock(clock)
                .sleeper(d -> {})
                .observer(observer)
                .background(BackgroundOptions.defaults().withCloseTimeout(Duration.ofSeconds(30)))
                .build();
        return billing;
    }

    /**
     * One of each kind, at the clock's time: a handled and a pending event, a usage key, a notice, a meter report sent
     * and one not sent.
     */
    private Map<String, String> rowsNow() {
        Instant now = clock.instant();
        StripeEvent handled = anEvent().createdAt(now).build();
        stores.inbox().record(handled, now);
        stores.inbox().claim(handled.id(), "me", now, Duration.ofMinutes(1));
        stores.inbox().complete(handled.id(), "me", InboxStatus.PROCESSED, now);
        StripeEvent pending = anEvent().createdAt(now).build();
        stores.inbox().record(pending, now);
        String key = Builders.unique("key_");
        stores.usage()
                .increment(new UsageIncrement(
                        UserId.of("user_1"),
                        "api_calls",
                        new UsagePeriod(now, now.plus(Duration.ofDays(30))),
                        1,
                        100,
                        key,
                        "api_calls:1",
                        now,
                        new MeterEvent("api_calls", CustomerId.of("cus_1"), 1, "usage-" + key, now)));
        stores.usage().markReported("usage-" + key, now);
        String unsent = Builders.unique("usage-unsent-");
        stores.usage()
                .restoreReport(
                        MeterReport.pending(new MeterEvent("api_calls", CustomerId.of("cus_1"), 1, unsent, now)));
        stores.notices()
                .record(new NoticeRecord(
                        handled.id(),
                        NoticeKind.PAYMENT_FAILED,
                        UserId.of("user_1"),
                        CustomerId.of("cus_1"),
                        NoticeStatus.SENT,
                        "<m@example.com>",
                        null,
                        now));
        return Map.of("handled", handled.id(), "pending", pending.id(), "key", key, "unsent", unsent);
    }

    @Test
    void aPassDeletesWhatIsOlderThanEachKindKeepsItAndNothingElse() {
        Billing billing = billing(RetentionOptions.defaults(), WorkObserver.NONE);
        Map<String, String> old = rowsNow();

        clock.advance(Duration.ofDays(6));
        assertThat(billing.pruneExpired()).isEqualTo(new Pruned(0, 0, 0, 0, 0, List.of()));

        clock.advance(Duration.ofDays(2)); // 8 days: past the keys' 7
        assertThat(billing.pruneExpired()).isEqualTo(new Pruned(0, 1, 0, 0, 0, List.of()));

        Map<String, String> recent = rowsNow();
        clock.advance(Duration.ofDays(23)); // 31 days: past the events' 30, not the recent rows'
        assertThat(billing.pruneExpired()).isEqualTo(new Pruned(1, 1, 0, 0, 0, List.of()));
        assertThat(stores.inbox().find(old.get("handled"))).isEmpty();
        assertThat(stores.inbox().find(old.get("pending")))
                .as("pending events stay")
                .isPresent();
        assertThat(stores.inbox().find(recent.get("handled"))).isPresent();

        clock.advance(Duration.ofDays(335)); // 366 days
        assertThat(billing.pruneExpired()).isEqualTo(new Pruned(1, 0, 1, 2, 0, List.of()));
        assertThat(stores.notices().forUser(UserId.of("user_1"))).hasSize(1);
        assertThat(stores.usage().reportsOf(CustomerId.of("cus_1")))
                .as("sent reports past their 90 days go, unsent ones stay")
                .extracting(MeterReport::identifier)
                .containsExactlyInAnyOrder(old.get("unsent"), recent.get("unsent"));
        assertThat(stores.usage().used(UserId.of("user_1"), "api_calls", Builders.T0))
                .as("a counter stays 400 days after its period")
                .isEqualTo(1);

        clock.advance(Duration.ofDays(66)); // 432 days: the first counter's period ended 402 days ago
        assertThat(billing.pruneExpired()).isEqualTo(new Pruned(0, 0, 1, 0, 1, List.of()));
        assertThat(stores.usage().countersOf(UserId.of("user_1")))
                .as("the later period's counter stays")
                .singleElement()
                .satisfies(c -> assertThat(c.period().start()).isEqualTo(Builders.T0.plus(Duration.ofDays(8))));
    }

    @Test
    void aPassWorksABacklogOffInBatches() {
        Billing billing = billing(RetentionOptions.defaults().withBatch(2), WorkObserver.NONE);
        for (int i = 0; i < 5; i++) {
            rowsNow();
        }
        clock.advance(Duration.ofDays(400));
        assertThat(billing.pruneExpired()).isEqualTo(new Pruned(5, 5, 5, 5, 0, List.of()));
        clock.advance(Duration.ofDays(31)); // the counter they share: its period ended 401 days ago
        assertThat(billing.pruneExpired()).isEqualTo(new Pruned(0, 0, 0, 0, 1, List.of()));
    }

    @Test
    void keepingEverythingDeletesNothing() {
        Billing billing = billing(RetentionOptions.keepEverything(), WorkObserver.NONE);
        rowsNow();
        clock.advance(Duration.ofDays(4000));
        assertThat(billing.pruneExpired()).isEqualTo(new Pruned(0, 0, 0, 0, 0, List.of()));
    }

    @Test
    void aRetentionShorterThanStripesRedeliveriesNeedIsRefused() {
        assertThatThrownBy(() -> RetentionOptions.defaults().withInboxEvents(Optional.of(Duration.ofDays(3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inboxEvents must be at least 7 day(s)");
        assertThatThrownBy(() -> RetentionOptions.defaults().withUsageKeys(Optional.of(Duration.ofHours(2))))
                .hasMessageContaining("usageKeys must be at least 1 day(s)");
        assertThatThrownBy(() -> RetentionOptions.defaults().withUsageCounters(Optional.of(Duration.ofDays(30))))
                .hasMessageContaining("usageCounters must be at least 31 day(s)");
        assertThatThrownBy(() -> RetentionOptions.defaults().withMeterReports(Optional.of(Duration.ofHours(2))))
                .hasMessageContaining("meterReports must be at least 1 day(s)");
        assertThatThrownBy(() -> RetentionOptions.defaults().withNotices(Optional.of(Duration.ofDays(29))))
                .hasMessageContaining("notices must be at least 30 day(s)");
        assertThat(RetentionOptions.defaults()
                        .withNotices(Optional.of(Duration.ofDays(30)))
                        .notices())
                .contains(Duration.ofDays(30));
        assertThatThrownBy(() -> RetentionOptions.defaults().withBatch(0)).hasMessageContaining("batch");
    }

    @Test
    void aStartedCoreRunsPassesOnItsOwnAndTellsTheObserver() {
        Map<String, Long> told = new ConcurrentHashMap<>();
        WorkObserver observer = new WorkObserver() {
            @Override
            public void pruned(String kind, long rows) {
                told.merge(kind, rows, Long::sum);
            }
        };
        Billing billing = billing(RetentionOptions.defaults().withEvery(Duration.ofMillis(50)), observer);
        Map<String, String> old = rowsNow();
        clock.advance(Duration.ofDays(400));
        billing.start();

        Await.until("a pass deleted the old rows", () -> told.getOrDefault("notices", 0L) == 1);
        assertThat(told)
                .containsEntry("inbox_events", 1L)
                .containsEntry("usage_keys", 1L)
                .containsEntry("meter_reports", 1L);
        assertThat(stores.inbox().find(old.get("handled"))).isEmpty();
    }
}

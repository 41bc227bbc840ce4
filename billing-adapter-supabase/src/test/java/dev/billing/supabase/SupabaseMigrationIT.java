package dev.billing.supabase;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.migration.MigrateStores;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.migration.MigrationReport;
import dev.billing.core.model.migration.MigrationReport.TypeReport;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MigrationListener;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.InMemoryMigrationCheckpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration engine over real PostgREST: a seeded Supabase project (with rows the old backend wrote) into
 * memory, verified; and back into a second project, interrupted by Supabase going down, resumed, verified; and into a
 * third one, where an erasure in the source between two passes arrives by removals and rewrites.
 */
class SupabaseMigrationIT {
    private static final int N = 120;
    /** Memberships seeded: one for every fourth user, half of them removed again (inactive records migrate too). */
    private static final int MEMBERS = N / 4;

    private static SupabaseProject source;

    @TempDir
    Path dir;

    @BeforeAll
    static void seed() {
        source = SupabaseProject.start("sb_migrate_src");
        long t0 = System.nanoTime();
        int writes = fill(source.stores());
        source.supabase()
                .executeSql(
                        "INSERT INTO stripe_webhook_events (stripe_event_id, event_type, processed_at) "
                                + "VALUES ('evt_node_1', 'invoice.paid', '2025-03-01T12:00:05Z');"
                                + "INSERT INTO stripe_customer_mapping (clerk_user_id, stripe_customer_id) VALUES ('user_node_1', 'cus_node_1')");
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf(
                "Seeded Supabase through the ports: %d store calls in %.0f ms (%.1f ms per call)%n",
                writes, ms, ms / writes);
    }

    @AfterAll
    static void stop() {
        source.close();
    }

    @Test
    void aSupabaseProjectMigratesIntoMemoryAndVerifies() {
        InMemoryBillingStores memory = InMemoryBillingStores.create();
        long t0 = System.nanoTime();

        MigrationReport report = MigrateStores.from(source.stores())
                .to(memory.stores())
                .batchSize(50)
                .checkpoint(new InMemoryMigrationCheckpoint())
                .run();

        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(report.matches()).as(report.summary()).isTrue();
        assertThat(count(report, MigrationRecordType.CUSTOMER_LINKS)).isEqualTo(N + 1);
        assertThat(count(report, MigrationRecordType.INBOX_ENTRIES)).isEqualTo(N + 1);
        assertThat(count(report, MigrationRecordType.USAGE_KEYS)).isEqualTo(N);
        assertThat(count(report, MigrationRecordType.METER_REPORTS)).isEqualTo(N);
        assertThat(count(report, MigrationRecordType.MEMBERSHIPS)).isEqualTo(MEMBERS);
        assertThat(report.written())
                .isEqualTo(report.types().stream()
                        .mapToLong(t -> t.source().count())
                        .sum());
        assertThat(memory.inbox().find("evt_node_1").orElseThrow().status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(memory.inbox().countByStatus())
                .isEqualTo(source.stores().inbox().countByStatus());
        assertMembershipsCopied(memory.stores());
        System.out.printf(
                "Supabase -> memory: %d records copied and verified (both sides) in %.2f s, %.0f records/s%n%s",
                report.written(), seconds, report.written() / seconds, report.summary());

        MigrationReport again = MigrateStores.from(source.stores())
                .to(memory.stores())
                .batchSize(50)
                .run();
        assertThat(again.matches()).isTrue();
        assertThat(again.written()).isZero();
    }

    @Test
    void memoryMigratesIntoASecondProjectResumingAfterSupabaseWentDown() {
        InMemoryBillingStores memory = InMemoryBillingStores.create();
        MigrateStores.from(source.stores()).to(memory.stores()).run();
        InMemoryMigrationCheckpoint checkpoint = new InMemoryMigrationCheckpoint();
        try (SupabaseProject target = SupabaseProject.start("sb_migrate_dst")) {
            AtomicBoolean stopped = new AtomicBoolean();
            MigrationListener stopAfterTwoInvoiceBatches = (type, copied, total) -> {
                if (type == MigrationRecordType.INVOICES && copied >= 60 && stopped.compareAndSet(false, true)) {
                    target.supabase().stopPostgrest();
                }
            };

            assertThatThrownBy(() -> MigrateStores.from(memory.stores())
                            .to(target.stores())
                            .batchSize(30)
                            .checkpoint(checkpoint)
                            .listener(stopAfterTwoInvoiceBatches)
                            .run())
                    .isInstanceOf(StoreUnavailableException.class);
            target.supabase().startPostgrest();
            long t0 = System.nanoTime();
            MigrationReport resumed = MigrateStores.from(memory.stores())
                    .to(target.stores())
                    .batchSize(30)
                    .checkpoint(checkpoint)
                    .run();
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertThat(resumed.matches()).as(resumed.summary()).isTrue();
            assertThat(resumed.types().get(0).read()).isZero();
            TypeReport invoices = resumed.types().get(MigrationRecordType.INVOICES.ordinal());
            assertThat(invoices.read()).isEqualTo(N - 60);
            assertThat(invoices.written()).isEqualTo(N - 60);
            // The project that received the copy verifies against the original too.
            MigrationReport direct = MigrateStores.from(source.stores())
                    .to(target.stores())
                    .dryRun(true)
                    .run();
            assertThat(direct.matches()).as(direct.summary()).isTrue();
            assertMembershipsCopied(target.stores());
            System.out.printf(
                    "memory -> Supabase (resumed part): %d records written and both sides verified in %.2f s,"
                            + " %.0f records/s%n",
                    resumed.written(), seconds, resumed.written() / seconds);
        }
    }

    @Test
    void anErasureInTheSourceBetweenTwoPassesReachesASupabaseTarget() {
        // The source is a whole billing core in memory (its erasure the real use case), the target a project.
        BillingHarness harness = BillingHarness.create();
        MigrateStores.from(source.stores()).to(harness.stores().stores()).run();
        UserId user = UserId.of(user(4));
        try (SupabaseProject target = SupabaseProject.start("sb_migrate_erased")) {
            MigrationReport first = MigrateStores.from(harness.stores().stores())
                    .to(target.stores())
                    .batchSize(40)
                    .run();
            assertThat(first.matches()).as(first.summary()).isTrue();
            UserId pseudonym = harness.billing()
                    .useCases()
                    .erasePersonalData()
                    .erase(user, ErasePersonalData.Options.localOnly())
                    .pseudonym();

            MigrationReport second = MigrateStores.from(harness.stores().stores())
                    .to(target.stores())
                    .batchSize(40)
                    .run();

            assertThat(second.matches()).as(second.summary()).isTrue();
            assertThat(second.removed()).isPositive();
            assertThat(target.stores().customers().findByUserId(user)).isEmpty();
            assertThat(target.stores()
                            .customers()
                            .findByUserId(pseudonym)
                            .orElseThrow()
                            .customerId())
                    .isEqualTo(CustomerId.of("cus_0004"));
            assertThat(target.stores().usage().countersOf(user)).isEmpty();
            assertThat(target.stores().usage().countersOf(pseudonym)).hasSize(1);
            assertThat(target.stores().memberships().find(org(4), user)).isEmpty();
            assertThat(target.stores().memberships().find(org(4), pseudonym)).isPresent();
            assertThat(target.stores()
                            .subscriptions()
                            .findSubscription("sub_0004")
                            .orElseThrow()
                            .metadata())
                    .containsEntry("user_id", pseudonym.value());
            // 016's triggers recorded nothing for the copy's writes, and the removals none either.
            assertThat(target.stores()
                            .audit()
                            .list(AuditQuery.all(AuditQuery.MAX_LIMIT))
                            .items())
                    .noneMatch(e -> AuditCause.MIGRATION.equals(e.cause()));
            MigrationReport third = MigrateStores.from(harness.stores().stores())
                    .to(target.stores())
                    .run();
            assertThat(third.written() + third.removed()).isZero();
        }
    }

    /** Every seeded membership, active or removed, is in {@code copy} as in the source. */
    private static void assertMembershipsCopied(BillingStores copy) {
        assertThat(copy.memberships().count()).isEqualTo(MEMBERS);
        for (int i = 0; i < N; i += 4) {
            OrgMember original = source.stores()
                    .memberships()
                    .find(org(i), UserId.of(user(i)))
                    .orElseThrow();
            assertThat(original.active()).isEqualTo(i % 8 != 0);
            assertThat(original.membershipId()).isEqualTo(i % 8 == 4 ? null : "orgmem_" + i);
            assertThat(copy.memberships().find(org(i), UserId.of(user(i)))).contains(original);
        }
        for (int o = 0; o < 3; o++) {
            assertThat(copy.memberships().countActive("org_" + o))
                    .isEqualTo(source.stores().memberships().countActive("org_" + o));
        }
    }

    private static String user(int i) {
        return String.format("user_%04d", i);
    }

    private static String org(int i) {
        return "org_" + i % 3;
    }

    private static long count(MigrationReport report, MigrationRecordType type) {
        return report.types().get(type.ordinal()).source().count();
    }

    /** Every record type through the Supabase ports, in varied states; returns how many store calls it made. */
    private static int fill(BillingStores stores) {
        int calls = 0;
        UsagePeriod period = new UsagePeriod(T0, T0.plus(Duration.ofDays(30)));
        Instant now = T0.plus(Duration.ofDays(1));
        for (int i = 0; i < N; i++) {
            String user = user(i);
            String customer = String.format("cus_%04d", i);
            stores.customers()
                    .link(new CustomerLink(
                            UserId.of(user),
                            CustomerId.of(customer),
                            i % 3 == 0 ? null : user + "@example.com",
                            T0.plusMillis(i)));
            stores.subscriptions()
                    .upsertSubscription(aSubscription()
                            .withId(String.format("sub_%04d", i))
                            .withCustomer(customer)
                            .withStatus(SubscriptionStatus.values()[i % SubscriptionStatus.values().length])
                            .withMetadata("user_id", user)
                            .withMetadata("é", "ü " + i)
                            .withVersion(
                                    i % 2 == 0
                                            ? SourceVersion.snapshot(T0.plusSeconds(i))
                                            : SourceVersion.refetch(T0.plusNanos(i * 1_234_000L)))
                            .build());
            stores.subscriptions()
                    .upsertInvoice(anInvoice()
                            .withId(String.format("in_%04d", i))
                            .withCustomer(customer)
                            .withNumber(i % 4 == 0 ? null : "INV-" + i)
                            .build());
            stores.subscriptions()
                    .recordPurchase(new Purchase(
                            String.format("cs_%04d", i),
                            CustomerId.of(customer),
                            "price_credits",
                            1 + i % 3,
                            "usd",
                            100L * i,
                            i % 5 == 0 ? null : "pi_" + i,
                            T0.plusSeconds(i)));
            StripeEvent event = anEvent()
                    .withId(String.format("evt_%04d", i))
                    .createdAt(T0.plusSeconds(i))
                    .withPayload(
                            "{\"id\":\"evt_" + i + "\", \"data\": {\"object\": {\"amount\": 1.50, \"n\": " + i + "}}}")
                    .build();
            stores.inbox().record(event, T0.plusSeconds(i / 3));
            calls += 5;
            switch (i % 5) {
                case 1 -> {
                    stores.inbox().claim(event.id(), "w", now, Duration.ofSeconds(30));
                    stores.inbox()
                            .complete(event.id(), "w", i % 2 == 0 ? InboxStatus.PROCESSED : InboxStatus.IGNORED, now);
                    stores.inbox().markNotified(event.id(), now);
                    calls += 3;
                }
                case 2 -> {
                    stores.inbox().claim(event.id(), "w", now, Duration.ofSeconds(30));
                    stores.inbox().fail(event.id(), "w", "boom " + i, now.plusSeconds(10), now);
                    calls += 2;
                }
                case 3 -> {
                    stores.inbox().claim(event.id(), "w", now, Duration.ofSeconds(30));
                    stores.inbox().fail(event.id(), "w", "gave up", null, now);
                    calls += 2;
                }
                case 4 -> {
                    stores.inbox().claim(event.id(), "w", now, Duration.ofSeconds(30));
                    calls++;
                }
                default -> {}
            }
            stores.usage()
                    .increment(new UsageIncrement(
                            UserId.of(user),
                            "api_calls",
                            period,
                            1 + i,
                            1_000_000,
                            "key-" + i,
                            "api_calls:" + (1 + i),
                            T0.plusSeconds(i),
                            new MeterEvent(
                                    "api_calls", CustomerId.of(customer), 1 + i, "usage-" + i, T0.plusSeconds(i))));
            calls++;
            if (i % 4 == 0) {
                // Every other one kept from before membership ids were.
                OrgMember joined = new OrgMember(
                        org(i),
                        UserId.of(user),
                        i % 3 == 0 ? null : "org:member",
                        true,
                        T0.plusSeconds(i),
                        "msg_join_" + i,
                        i % 8 == 4 ? null : "orgmem_" + i);
                stores.memberships().apply(joined);
                calls++;
                if (i % 8 == 0) {
                    stores.memberships()
                            .apply(new OrgMember(
                                    joined.orgId(),
                                    joined.userId(),
                                    joined.role(),
                                    false,
                                    joined.changedAt().plusMillis(1_500),
                                    "msg_leave_" + i,
                                    joined.membershipId()));
                    calls++;
                }
            }
        }
        for (MeterReport report : stores.usage().claimReports(N / 2, now, Duration.ofSeconds(60))) {
            if (report.event().value() % 2 == 0) {
                stores.usage().markReported(report.identifier(), now);
            } else {
                stores.usage().retryReport(report.identifier(), "stripe_unavailable", now.plusSeconds(60));
            }
            calls++;
        }
        return calls + 1;
    }
}

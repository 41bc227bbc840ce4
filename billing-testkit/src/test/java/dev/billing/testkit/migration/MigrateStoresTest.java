package dev.billing.testkit.migration;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aSubscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.migration.MigrateStores;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.migration.MigrationReport;
import dev.billing.core.model.migration.MigrationReport.TypeReport;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.MigrationCheckpoint;
import dev.billing.core.port.MigrationListener;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.InMemoryMigrationCheckpoint;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MigrateStores} between in-memory stores: copy, interruption and resume, re-run, dry run, verification. */
class MigrateStoresTest {
    private static final int N = 30;

    private final InMemoryBillingStores source = InMemoryBillingStores.create();
    private final InMemoryBillingStores target = InMemoryBillingStores.create();

    @TempDir
    Path dir;

    MigrateStoresTest() {
        MigrationSeed.fill(source.stores(), N);
    }

    @Test
    void copiesEveryRecordOfEveryTypeAndVerifiesThem() {
        Map<MigrationRecordType, Long> lastCopied = new EnumMap<>(MigrationRecordType.class);
        Map<MigrationRecordType, Long> totals = new EnumMap<>(MigrationRecordType.class);
        List<MigrationRecordType> verified = new ArrayList<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void copied(MigrationRecordType type, long copied, long total) {
                lastCopied.put(type, copied);
                totals.put(type, total);
            }

            @Override
            public void verified(TypeReport report) {
                verified.add(report.type());
            }
        };

        MigrationReport report = MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(7)
                .listener(listener)
                .run();

        assertThat(report.matches()).as(report.summary()).isTrue();
        assertThat(report.dryRun()).isFalse();
        Map<MigrationRecordType, Long> expected = MigrationSeed.expectedCounts(N);
        for (TypeReport type : report.types()) {
            long count = expected.get(type.type());
            assertThat(type.read()).as(type.type().wireName()).isEqualTo(count);
            assertThat(type.written()).as(type.type().wireName()).isEqualTo(count);
            assertThat(type.alreadyPresent() + type.conflicts()).isZero();
            assertThat(type.source().count()).isEqualTo(count);
            assertThat(type.target()).isEqualTo(type.source());
            assertThat(lastCopied.get(type.type())).isEqualTo(count);
        }
        assertThat(report.types()).extracting(TypeReport::type).containsExactly(MigrationRecordType.values());
        assertThat(verified).containsExactly(MigrationRecordType.values());
        assertThat(totals.get(MigrationRecordType.CUSTOMER_LINKS)).isEqualTo(N);
        assertThat(totals.get(MigrationRecordType.INBOX_ENTRIES)).isEqualTo(N);
        assertThat(totals.get(MigrationRecordType.USAGE_KEYS)).isEqualTo(-1);
        // Spot checks through the target's own ports.
        assertThat(target.customers().findByUserId(UserId.of("user_00004")))
                .isEqualTo(source.customers().findByUserId(UserId.of("user_00004")));
        assertThat(target.subscriptions().findSubscription("sub_00007"))
                .isEqualTo(source.subscriptions().findSubscription("sub_00007"));
        assertThat(target.subscriptions().findSubscription("sub_00004"))
                .map(Subscription::pastDueSince)
                .contains(T0.minusSeconds(4));
        assertThat(target.inbox().find("evt_00011")).isEqualTo(source.inbox().find("evt_00011"));
        assertThat(target.usage().used(UserId.of("user_00003"), "exports", T0)).isEqualTo(4);
        assertThat(target.usage().pendingReports()).isEqualTo(source.usage().pendingReports());
    }

    @Test
    void resumesFromTheCheckpointAfterAnInterruptionWithoutWritingAnythingTwice() {
        InMemoryMigrationCheckpoint checkpoint = new InMemoryMigrationCheckpoint();
        // The target takes 40 calls, then fails like an unreachable database: the links' listing (empty) and their
        // 30 writes, then the subscriptions' listing and 8 writes.
        target.storeSwitch().failAfter(40, Integer.MAX_VALUE);

        assertThatThrownBy(() -> MigrateStores.from(source.stores())
                        .to(target.stores())
                        .batchSize(7)
                        .checkpoint(checkpoint)
                        .run())
                .isInstanceOf(StoreUnavailableException.class);

        // The 30 links (done), then 8 subscriptions: one whole batch (7) checkpointed, 1 more written.
        MigrationCheckpoint saved = checkpoint;
        assertThat(saved.load(MigrationRecordType.CUSTOMER_LINKS).orElseThrow().done())
                .isTrue();
        MigrationCheckpoint.Position subscriptions =
                saved.load(MigrationRecordType.SUBSCRIPTIONS).orElseThrow();
        assertThat(subscriptions.done()).isFalse();
        assertThat(subscriptions.copied()).isEqualTo(7);
        assertThat(subscriptions.cursor()).isNotNull();
        assertThat(saved.load(MigrationRecordType.INVOICES))
                .as("not reached: where the pass set every type when it began")
                .contains(MigrationCheckpoint.Position.START);
        target.storeSwitch().up();

        MigrationReport resumed = MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(7)
                .checkpoint(checkpoint)
                .run();

        assertThat(resumed.matches()).as(resumed.summary()).isTrue();
        TypeReport links = resumed.types().get(0);
        assertThat(links.read()).isZero();
        TypeReport subs = resumed.types().get(1);
        // Resumed after the checkpointed batch: the one written before the failure is found already present.
        assertThat(subs.read()).isEqualTo(N - 7);
        assertThat(subs.alreadyPresent()).isEqualTo(1);
        assertThat(subs.written()).isEqualTo(N - 8);
        // Every record was written exactly once over the two runs.
        assertThat(resumed.written() + 30 + 8).isEqualTo(expectedTotal());
        assertThat(resumed.removed()).isZero();
        assertThat(resumed.types())
                .allSatisfy(
                        t -> assertThat(t.target().count()).isEqualTo(t.source().count()));
        assertThat(checkpoint
                        .load(MigrationRecordType.METER_REPORTS)
                        .orElseThrow()
                        .done())
                .isTrue();
    }

    @Test
    void writersSideBySideCopyExactlyWhatOneWriterCopies() {
        InMemoryBillingStores oneByOne = InMemoryBillingStores.create();

        MigrationReport together = MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(7)
                .writers(8)
                .run();
        MigrationReport alone = MigrateStores.from(source.stores())
                .to(oneByOne.stores())
                .batchSize(7)
                .writers(1)
                .run();

        assertThat(together.matches()).as(together.summary()).isTrue();
        assertThat(together.written()).isEqualTo(expectedTotal());
        assertThat(together.types()).hasSameSizeAs(alone.types());
        for (int i = 0; i < together.types().size(); i++) {
            TypeReport a = together.types().get(i);
            TypeReport b = alone.types().get(i);
            assertThat(List.of(a.read(), a.written(), a.changed(), a.alreadyPresent(), a.removed(), a.conflicts()))
                    .as(a.type().wireName())
                    .isEqualTo(List.of(
                            b.read(), b.written(), b.changed(), b.alreadyPresent(), b.removed(), b.conflicts()));
            assertThat(a.target()).as(a.type().wireName()).isEqualTo(b.target());
        }
    }

    @Test
    void aSecondRunChangesNothing() {
        MigrationReport first = MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(9)
                .run();

        MigrationReport again = MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(4)
                .run();

        assertThat(again.matches()).isTrue();
        assertThat(again.written()).isZero();
        assertThat(again.types())
                .allSatisfy(
                        t -> assertThat(t.alreadyPresent()).isEqualTo(t.source().count()));
        assertThat(again.types())
                .extracting(TypeReport::target)
                .isEqualTo(first.types().stream().map(TypeReport::target).toList());
    }

    @Test
    void aRunAfterAFinishedOneIsANewPassThatWritesNothingNew() {
        MigrationCheckpoint checkpoint = new InMemoryMigrationCheckpoint();
        MigrateStores.from(source.stores())
                .to(target.stores())
                .checkpoint(checkpoint)
                .run();

        MigrationReport again = MigrateStores.from(source.stores())
                .to(target.stores())
                .checkpoint(checkpoint)
                .run();

        assertThat(again.read()).isEqualTo(expectedTotal());
        assertThat(again.written()).isZero();
        assertThat(again.matches()).isTrue();
    }

    @Test
    void aSecondPassBringsRecordsThatChangedInTheSourceUpToDate() {
        MigrationCheckpoint checkpoint = new InMemoryMigrationCheckpoint();
        MigrateStores.from(source.stores())
                .to(target.stores())
                .checkpoint(checkpoint)
                .run();
        // The source kept serving while the first pass ran: usage grew, an event was processed, a report was sent.
        source.usage()
                .increment(new UsageIncrement(
                        UserId.of("user_00003"),
                        "api_calls",
                        new UsagePeriod(T0, T0.plus(Duration.ofDays(30))),
                        5,
                        1_000_000,
                        "late-key",
                        "api_calls:5",
                        T0.plusSeconds(500),
                        null));
        InboxEntry pending =
                source.inbox().list(InboxStatus.PENDING, null, 1).items().get(0);
        InboxEntry claimed = source.inbox()
                .claim(pending.event().id(), "late-worker", T0.plus(Duration.ofDays(3)), Duration.ofSeconds(60))
                .orElseThrow();
        source.inbox()
                .complete(claimed.event().id(), "late-worker", InboxStatus.PROCESSED, T0.plus(Duration.ofDays(3)));
        MeterReport unsent = source.usage()
                .claimReports(1, T0.plus(Duration.ofDays(10)), Duration.ofSeconds(60))
                .get(0);
        source.usage().markReported(unsent.identifier(), T0.plus(Duration.ofDays(10)));
        assertThat(MigrateStores.from(source.stores())
                        .to(target.stores())
                        .dryRun(true)
                        .run()
                        .mismatches())
                .extracting(TypeReport::type)
                .contains(
                        MigrationRecordType.USAGE_COUNTERS,
                        MigrationRecordType.INBOX_ENTRIES,
                        MigrationRecordType.METER_REPORTS);

        MigrationReport second = MigrateStores.from(source.stores())
                .to(target.stores())
                .checkpoint(checkpoint)
                .run();

        assertThat(second.matches()).isTrue();
        assertThat(second.written()).isGreaterThanOrEqualTo(4);
        assertThat(target.usage().used(UserId.of("user_00003"), "api_calls", T0))
                .isEqualTo(4 + 5);
        assertThat(target.inbox().find(pending.event().id()).orElseThrow().status())
                .isEqualTo(InboxStatus.PROCESSED);
    }

    @Test
    void theTargetsTrailAndNoticeLogAreExactlyTheSourcesWithNoEntriesOfTheCopysOwn() {
        MigrationReport report = MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(7)
                .run();

        assertThat(report.matches()).as(report.summary()).isTrue();
        // Same ids, times and causes: the copy's projection writes (cause system:migration) recorded nothing.
        assertThat(target.audit().entries()).isEqualTo(source.audit().entries());
        assertThat(target.audit().entries()).noneMatch(e -> AuditCause.MIGRATION.equals(e.cause()));
        assertThat(allNotices(target)).isEqualTo(allNotices(source)).hasSize(N);
        // What the target records afterwards comes after the copied history.
        long newest = source.audit()
                .entries()
                .get(source.audit().entries().size() - 1)
                .id();
        target.subscriptions()
                .upsertSubscription(
                        aSubscription()
                                .withId("sub_after")
                                .withCustomer("cus_00001")
                                .build(),
                        AuditCause.event("evt_after"));
        assertThat(target.audit().list(AuditQuery.all(1)).items())
                .singleElement()
                .satisfies(e -> assertThat(e.id()).isGreaterThan(newest));
    }

    @Test
    void aResumedCopyOfTheAuditTrailWritesNoEntryTwice() {
        InMemoryMigrationCheckpoint checkpoint = new InMemoryMigrationCheckpoint();
        // Only the trail is left to copy; the target takes 10 calls (its listing, 9 writes), then fails.
        for (MigrationRecordType type : MigrationRecordType.values()) {
            if (type.compareTo(MigrationRecordType.AUDIT_ENTRIES) < 0) {
                checkpoint.save(type, new MigrationCheckpoint.Position(null, 0, true));
            }
        }
        target.storeSwitch().failAfter(10, Integer.MAX_VALUE);

        assertThatThrownBy(() -> MigrateStores.from(source.stores())
                        .to(target.stores())
                        .batchSize(7)
                        .checkpoint(checkpoint)
                        .run())
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(checkpoint
                        .load(MigrationRecordType.AUDIT_ENTRIES)
                        .orElseThrow()
                        .copied())
                .isEqualTo(7);
        target.storeSwitch().up();

        MigrationReport resumed = MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(7)
                .checkpoint(checkpoint)
                .run();

        TypeReport audit = resumed.types().get(MigrationRecordType.AUDIT_ENTRIES.ordinal());
        long entries = MigrationSeed.expectedCounts(N).get(MigrationRecordType.AUDIT_ENTRIES);
        assertThat(audit.alreadyPresent()).isEqualTo(2);
        assertThat(audit.written() + 9).isEqualTo(entries);
        assertThat(audit.target()).isEqualTo(audit.source());
        assertThat(target.audit().entries()).isEqualTo(source.audit().entries());
        assertThat(resumed.types()
                        .get(MigrationRecordType.NOTICES.ordinal())
                        .target()
                        .count())
                .isEqualTo(N);
    }

    @Test
    void anErasureInTheSourceAfterACopyReachesTheCopiedTrailAndNoticesOnTheNextPass() {
        MigrateStores.from(source.stores()).to(target.stores()).run();
        UserId user = UserId.of("user_00002");
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + "p2");
        source.customers().pseudonymise(user, pseudonym, AuditCause.admin("req_erase"));
        source.notices().pseudonymise(user, pseudonym);

        MigrationReport dry = MigrateStores.from(source.stores())
                .to(target.stores())
                .dryRun(true)
                .run();
        assertThat(dry.mismatches())
                .extracting(TypeReport::type)
                .containsExactly(
                        MigrationRecordType.CUSTOMER_LINKS,
                        MigrationRecordType.AUDIT_ENTRIES,
                        MigrationRecordType.NOTICES);
        assertThat(dry.mismatches().get(2).differences()).containsExactly("different: 3");

        MigrationReport second =
                MigrateStores.from(source.stores()).to(target.stores()).run();

        // The link moves to the pseudonym in the target too (its old key removed); the trail and the notices,
        // rewritten entry by entry, follow the source.
        assertThat(second.matches()).as(second.summary()).isTrue();
        assertThat(target.customers().findByUserId(user)).isEmpty();
        assertThat(target.customers().findByUserId(pseudonym))
                .isEqualTo(source.customers().findByUserId(pseudonym));
        assertThat(second.types()
                        .get(MigrationRecordType.AUDIT_ENTRIES.ordinal())
                        .written())
                .isEqualTo(2);
        assertThat(target.audit().entries()).isEqualTo(source.audit().entries());
        assertThat(target.notices().forUser(pseudonym)).hasSize(1);
        assertThat(target.notices().forUser(user)).isEmpty();
    }

    @Test
    void aMemberErasedInTheSourceAfterACopyMovesInTheCopyOnTheNextPass() {
        MigrateStores.from(source.stores()).to(target.stores()).run();
        UserId user = UserId.of("user_00001");
        assertThat(target.memberships().ofUser(user))
                .singleElement()
                .satisfies(m -> assertThat(m.membershipId()).isEqualTo("orgmem_00001"));
        source.memberships().pseudonymise(user, user.pseudonym());

        MigrationReport second =
                MigrateStores.from(source.stores()).to(target.stores()).run();

        // The record of that membership id is the pseudonym's now, in the copy as in the source: one record, moved.
        assertThat(second.types().get(MigrationRecordType.MEMBERSHIPS.ordinal()).target())
                .isEqualTo(second.types()
                        .get(MigrationRecordType.MEMBERSHIPS.ordinal())
                        .source());
        assertThat(target.memberships().ofUser(user)).isEmpty();
        assertThat(target.memberships().ofUser(user.pseudonym()))
                .singleElement()
                .satisfies(m -> assertThat(m.membershipId()).isEqualTo("orgmem_00001"));
        assertThat(target.memberships().count()).isEqualTo(source.memberships().count());
    }

    @Test
    void aChangedCopiedEntryOrNoticeIsNamedByItsId() {
        MigrateStores.from(source.stores()).to(target.stores()).run();
        AuditEntry entry = target.audit().entries().get(4);
        target.audit()
                .restore(new AuditEntry(
                        entry.id(),
                        entry.recordedAt().plusSeconds(1),
                        entry.action(),
                        entry.entityId(),
                        entry.userId(),
                        entry.customerId(),
                        entry.cause(),
                        entry.detail()));
        NoticeEntry notice = allNotices(target).get(0);
        NoticeRecord r = notice.record();
        target.notices()
                .restore(new NoticeEntry(
                        notice.id(),
                        new NoticeRecord(
                                r.eventId(),
                                r.kind(),
                                r.userId(),
                                r.customerId(),
                                r.status(),
                                r.messageId(),
                                "changed",
                                r.at())));

        MigrationReport dry = MigrateStores.from(source.stores())
                .to(target.stores())
                .dryRun(true)
                .run();

        assertThat(dry.mismatches())
                .extracting(TypeReport::type)
                .containsExactly(MigrationRecordType.AUDIT_ENTRIES, MigrationRecordType.NOTICES);
        assertThat(dry.mismatches().get(0).differences()).containsExactly("different: " + entry.id());
        assertThat(dry.mismatches().get(1).differences()).containsExactly("different: " + notice.id());
    }

    private static List<NoticeEntry> allNotices(InMemoryBillingStores stores) {
        List<NoticeEntry> all = new ArrayList<>();
        NoticeQuery query = NoticeQuery.all(NoticeQuery.MAX_LIMIT);
        Page<NoticeEntry> page;
        do {
            page = stores.notices().list(query);
            all.addAll(page.items());
            query = query.after(page.nextCursor());
        } while (page.hasMore());
        return all;
    }

    @Test
    void aDryRunReadsAndCountsButWritesNothing() {
        InMemoryMigrationCheckpoint checkpoint = new InMemoryMigrationCheckpoint();

        MigrationReport report = MigrateStores.from(source.stores())
                .to(target.stores())
                .dryRun(true)
                .checkpoint(checkpoint)
                .run();

        assertThat(report.dryRun()).isTrue();
        // What a copy would write: everything, into the empty target.
        assertThat(report.written()).isEqualTo(expectedTotal());
        assertThat(report.changed() + report.removed()).isZero();
        assertThat(report.read()).isEqualTo(expectedTotal());
        assertThat(report.matches()).isFalse();
        assertThat(report.types())
                .allSatisfy(t -> assertThat(t.target().count()).isZero());
        assertThat(target.customers().count()).isZero();
        assertThat(target.subscriptions().countSubscriptions()).isZero();
        assertThat(target.inbox().countByStatus().values()).containsOnly(0L);
        assertThat(checkpoint.isEmpty()).isTrue();
        assertThat(report.summary()).contains("Nothing was written.").contains("DIFFER");
    }

    @Test
    void aDryRunAfterTheMigrationConfirmsTheTargetMatches() {
        MigrateStores.from(source.stores()).to(target.stores()).run();

        MigrationReport dry = MigrateStores.from(source.stores())
                .to(target.stores())
                .dryRun(true)
                .run();

        assertThat(dry.matches()).isTrue();
        assertThat(dry.written()).isZero();
    }

    @Test
    void aCorruptedTargetRecordIsReportedByADryRunAndPutBackByTheNextPass() {
        MigrateStores.from(source.stores()).to(target.stores()).run();
        Subscription original =
                source.subscriptions().findSubscription("sub_00005").orElseThrow();
        // Someone changed a subscription in the target only, and added a link the source does not have.
        target.subscriptions()
                .upsertSubscription(new Subscription(
                        original.id(),
                        original.customerId(),
                        SubscriptionStatus.CANCELED,
                        original.priceId(),
                        original.quantity(),
                        original.currentPeriodStart(),
                        original.currentPeriodEnd(),
                        original.cancelAtPeriodEnd(),
                        original.cancelAt(),
                        original.canceledAt(),
                        original.endedAt(),
                        original.trialStart(),
                        original.trialEnd(),
                        original.created(),
                        original.metadata(),
                        SourceVersion.refetch(T0.plusSeconds(1_000_000))));
        target.customers().link(new CustomerLink(UserId.of("user_intruder"), CustomerId.of("cus_intruder"), null, T0));

        MigrationReport report = MigrateStores.from(source.stores())
                .to(target.stores())
                .dryRun(true)
                .run();

        assertThat(report.matches()).isFalse();
        // The target's own trail recorded the intruder's link, an entry the source does not have.
        assertThat(report.mismatches())
                .extracting(TypeReport::type)
                .containsExactly(
                        MigrationRecordType.CUSTOMER_LINKS,
                        MigrationRecordType.SUBSCRIPTIONS,
                        MigrationRecordType.AUDIT_ENTRIES);
        assertThat(report.mismatches().get(2).differences())
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d).startsWith("only in target: "));
        TypeReport subscriptions = report.mismatches().get(1);
        assertThat(subscriptions.source().count())
                .isEqualTo(subscriptions.target().count());
        assertThat(subscriptions.source().checksum())
                .isNotEqualTo(subscriptions.target().checksum());
        assertThat(subscriptions.changed()).isEqualTo(1);
        assertThat(subscriptions.differences()).containsExactly("different: sub_00005");
        assertThat(report.mismatches().get(0).differences()).containsExactly("only in target: user_intruder");
        assertThat(report.mismatches().get(0).removed()).isEqualTo(1);
        assertThat(report.summary()).contains("MISMATCH").contains("different: sub_00005");

        // The source is the authority: its older version comes back, the intruder and its audit entry go.
        MigrationReport copy =
                MigrateStores.from(source.stores()).to(target.stores()).run();

        assertThat(copy.matches()).as(copy.summary()).isTrue();
        assertThat(copy.types())
                .extracting(TypeReport::changed, TypeReport::removed)
                .containsExactlyElementsOf(report.types().stream()
                        .map(t -> org.assertj.core.groups.Tuple.tuple(t.changed(), t.removed()))
                        .toList());
        assertThat(target.subscriptions().findSubscription("sub_00005")).isEqualTo(Optional.of(original));
        assertThat(target.customers().findByUserId(UserId.of("user_intruder"))).isEmpty();
        assertThat(target.audit().entries()).isEqualTo(source.audit().entries());
    }

    @Test
    void aRecordMissingFromTheTargetIsNamed() {
        InMemoryBillingStores partial = InMemoryBillingStores.create();
        MigrateStores.from(source.stores()).to(partial.stores()).run();
        source.customers().link(new CustomerLink(UserId.of("user_late"), CustomerId.of("cus_late"), null, T0));

        MigrationReport dry = MigrateStores.from(source.stores())
                .to(partial.stores())
                .dryRun(true)
                .run();

        long linkedId = source.audit()
                .entries()
                .get(source.audit().entries().size() - 1)
                .id();
        assertThat(dry.mismatches())
                .extracting(TypeReport::type)
                .containsExactly(MigrationRecordType.CUSTOMER_LINKS, MigrationRecordType.AUDIT_ENTRIES);
        assertThat(dry.mismatches())
                .allSatisfy(
                        t -> assertThat(t.source().count()).isEqualTo(t.target().count() + 1));
        assertThat(dry.mismatches().get(0).differences()).containsExactly("missing in target: user_late");
        assertThat(dry.mismatches().get(1).differences()).containsExactly("missing in target: " + linkedId);
    }

    @Test
    void theSameRecordsInAnyStoreGiveTheSameChecksums() {
        // One audit clock for both: their trails then hold the same times too.
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        InMemoryBillingStores one = InMemoryBillingStores.create(clock);
        InMemoryBillingStores copy = InMemoryBillingStores.create(clock);
        MigrationSeed.fill(one.stores(), N);
        MigrationSeed.fill(copy.stores(), N);

        MigrationReport report =
                MigrateStores.from(one.stores()).to(copy.stores()).dryRun(true).run();

        assertThat(report.matches()).isTrue();
        assertThat(report.types())
                .allSatisfy(t -> assertThat(t.source().checksum()).matches("[0-9a-f]{64}"));
    }

    @Test
    void refusesToMigrateStoresIntoThemselves() {
        assertThatThrownBy(() ->
                        MigrateStores.from(source.stores()).to(source.stores()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MigrateStores.from(source.stores()).batchSize(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MigrateStores.from(source.stores()).writers(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MigrateStores.from(source.stores()).writers(MigrateStores.MAX_WRITERS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void migratesTensOfThousandsOfRecordsAndMeasuresThroughput() {
        InMemoryBillingStores big = InMemoryBillingStores.create();
        MigrationSeed.fill(big.stores(), 2_500);
        InMemoryBillingStores into = InMemoryBillingStores.create();
        long t0 = System.nanoTime();

        MigrationReport report = MigrateStores.from(big.stores())
                .to(into.stores())
                .batchSize(500)
                .run();

        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(report.matches()).isTrue();
        assertThat(report.written())
                .isEqualTo(MigrationSeed.expectedCounts(2_500).values().stream()
                        .mapToLong(Long::longValue)
                        .sum());
        System.out.printf(
                "In-memory migration: %d records copied and verified in %.2f s (%.0f records/s)%n",
                report.written(), seconds, report.written() / seconds);
    }

    private static long expectedTotal() {
        return MigrationSeed.expectedCounts(N).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}

package dev.billing.testkit.migration;

import static dev.billing.testkit.Builders.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.migration.MigrateStores;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.migration.MigrationReport;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.port.MigrationCheckpoint;
import dev.billing.core.port.MigrationCheckpoint.Position;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.InMemoryMigrationCheckpoint;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MigrateStores} resuming a pass that came after a finished one: the pass set every type back to its start when
 * it began, so the checkpoint holds this pass's positions only (a checkpoint an earlier version left may still hold
 * the finished pass's "done" on the types after the one it stopped in: {@link MigrateStores#resumePositions} copies
 * those again).
 */
class MigrateStoresResumeTest {
    private static final int N = 30;
    private static final String KEY = String.format("bsk_%016x", 0);
    /** A page larger than any type's records here. */
    private static final int BIG_PAGE = 500;
    /** Target calls that take a pass over these stores past the links and into the next type's page. */
    private static final int CALLS_PAST_THE_LINKS = 3;

    private final InMemoryBillingStores source = InMemoryBillingStores.create();
    private final InMemoryBillingStores target = InMemoryBillingStores.create();
    private final MigrationCheckpoint checkpoint = new InMemoryMigrationCheckpoint();

    MigrateStoresResumeTest() {
        MigrationSeed.fill(source.stores(), N);
    }

    @Test
    void aSecondPassStoppedEarlyAndResumedBringsTheTypesAfterWhereItStoppedUpToDate() {
        assertThat(copy().matches()).isTrue();
        // The source kept serving after the first pass: a service key, the last type copied, was revoked.
        source.stores().serviceKeys().revoke(KEY, T0.plus(Duration.ofDays(2)));
        target.storeSwitch().failAfter(12, Integer.MAX_VALUE);

        assertThatThrownBy(this::copy).isInstanceOf(StoreUnavailableException.class);

        // What makes the case: the second pass stopped in an early type, after finishing the one before it; the types
        // after it must not count as done, although the first pass finished them.
        MigrationRecordType stopped = Arrays.stream(MigrationRecordType.values())
                .filter(t -> !checkpoint.load(t).map(Position::done).orElse(false))
                .findFirst()
                .orElseThrow();
        assertThat(stopped.ordinal()).isBetween(1, MigrationRecordType.SERVICE_KEYS.ordinal() - 1);
        assertThat(checkpoint.load(MigrationRecordType.SERVICE_KEYS)).contains(Position.START);
        target.storeSwitch().up();

        caughtUpWithoutTheLinks(copy());
        assertThat(copy().written()).as("a third pass finds nothing to write").isZero();
    }

    @Test
    void aSecondPassStoppedInATypesFirstPageResumesThatTypeAndRereadsNoneBefore() {
        assertThat(copy(BIG_PAGE).matches()).isTrue();
        source.stores().serviceKeys().revoke(KEY, T0.plus(Duration.ofDays(2)));
        // Every type fits in one page: wherever the pass stops, it is in a type's first page, before that type's
        // first position of this pass is saved.
        target.storeSwitch().failAfter(CALLS_PAST_THE_LINKS, Integer.MAX_VALUE);

        assertThatThrownBy(() -> copy(BIG_PAGE)).isInstanceOf(StoreUnavailableException.class);

        target.storeSwitch().up();
        Map<MigrationRecordType, Position> resumes = MigrateStores.resumePositions(checkpoint);
        assertThat(resumes)
                .as("the pass is resumed, not started over for the first pass's \"done\" on the type it stopped in")
                .isNotEmpty();
        MigrationRecordType stopped = resumes.keySet().stream()
                .filter(t -> !resumes.get(t).done())
                .findFirst()
                .orElseThrow();
        assertThat(stopped.ordinal()).as("stopped after the links").isPositive();
        assertThat(resumes.get(stopped)).isEqualTo(Position.START);

        caughtUpWithoutTheLinks(copy(BIG_PAGE));
    }

    @Test
    void aRunResumesThePassItsCheckpointIsPartOfAndNothingElse() {
        Map<MigrationRecordType, Position> stoppedInSubscriptions = new LinkedHashMap<>();
        stoppedInSubscriptions.put(MigrationRecordType.CUSTOMER_LINKS, new Position("links-end", 30, true));
        stoppedInSubscriptions.put(MigrationRecordType.SUBSCRIPTIONS, new Position("subscriptions-14", 14, false));
        assertThat(MigrateStores.resumePositions(checkpoint)).as("a first run").isEmpty();

        stoppedInSubscriptions.forEach(checkpoint::save);
        assertThat(MigrateStores.resumePositions(checkpoint))
                .as("a first pass stopped in the subscriptions")
                .containsExactlyEntriesOf(stoppedInSubscriptions);

        for (MigrationRecordType type : MigrationRecordType.values()) {
            checkpoint.save(type, new Position(type.wireName() + "-end", 30, true));
        }
        assertThat(MigrateStores.resumePositions(checkpoint))
                .as("a finished pass: the next run is a new one")
                .isEmpty();

        stoppedInSubscriptions.forEach(checkpoint::save);
        assertThat(MigrateStores.resumePositions(checkpoint))
                .as("a second pass stopped in the subscriptions: the types after them are the first pass's")
                .containsExactlyEntriesOf(stoppedInSubscriptions);
    }

    /** The resumed run verified, did not read the links its pass had finished, and brought the revocation over. */
    private void caughtUpWithoutTheLinks(MigrationReport resumed) {
        assertThat(resumed.matches()).as(resumed.summary()).isTrue();
        assertThat(resumed.types().get(0).read())
                .as("the links, done in this pass, are not read again")
                .isZero();
        assertThat(target.stores().serviceKeys().find(KEY).map(ServiceKey::revokedAt))
                .isEqualTo(source.stores().serviceKeys().find(KEY).map(ServiceKey::revokedAt))
                .isPresent();
    }

    private MigrationReport copy() {
        return copy(7);
    }

    private MigrationReport copy(int batchSize) {
        return MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(batchSize)
                .checkpoint(checkpoint)
                .run();
    }
}

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
 * {@link MigrateStores} resuming a pass that came after a finished one: the checkpoint then holds this pass's
 * positions for the types it reached and the finished pass's for the others.
 */
class MigrateStoresResumeTest {
    private static final int N = 30;
    private static final String KEY = String.format("bsk_%016x", 0);

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

        // What makes the case: the second pass stopped in an early type, after finishing the one before it, so the
        // types after it still say "done", from the first pass.
        MigrationRecordType stopped = Arrays.stream(MigrationRecordType.values())
                .filter(t -> !checkpoint.load(t).map(Position::done).orElse(false))
                .findFirst()
                .orElseThrow();
        assertThat(stopped.ordinal()).isBetween(1, MigrationRecordType.SERVICE_KEYS.ordinal() - 1);
        assertThat(checkpoint
                        .load(MigrationRecordType.SERVICE_KEYS)
                        .orElseThrow()
                        .done())
                .isTrue();
        target.storeSwitch().up();

        MigrationReport resumed = copy();

        assertThat(resumed.matches()).as(resumed.summary()).isTrue();
        assertThat(resumed.types().get(0).read())
                .as("the links, done in this pass, are not read again")
                .isZero();
        assertThat(target.stores().serviceKeys().find(KEY).map(ServiceKey::revokedAt))
                .isEqualTo(source.stores().serviceKeys().find(KEY).map(ServiceKey::revokedAt))
                .isPresent();
        assertThat(copy().written()).as("a third pass finds nothing to write").isZero();
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

    private MigrationReport copy() {
        return MigrateStores.from(source.stores())
                .to(target.stores())
                .batchSize(7)
                .checkpoint(checkpoint)
                .run();
    }
}

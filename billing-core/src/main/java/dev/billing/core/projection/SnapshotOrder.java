package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UpsertResult;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether a webhook snapshot the store did not apply leaves the order to Stripe (DESIGN §4.3), so that the caller
 * reads the object and writes Stripe's state: two snapshots of one second, or a stored read the snapshot may have
 * followed ({@link SourceVersion#mayFollowRead}). Decision: without the second case a change Stripe made later in the
 * second of a reconcile's read, or before our own call's answer arrived, was refused and lost until the next event;
 * a deletion has none.
 */
@Internal
public final class SnapshotOrder {
    private SnapshotOrder() {}

    /**
     * @param stored the stored row's version, looked up only for a stale result (out of order, so not on the hot path)
     */
    public static boolean leftToStripe(
            UpsertResult result, SourceVersion snapshot, Supplier<Optional<SourceVersion>> stored) {
        return switch (result) {
            case SAME_VERSION -> true;
            case STALE -> stored.get().map(snapshot::mayFollowRead).orElse(false);
            default -> false;
        };
    }
}

package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.port.ProjectionChanges;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@link ProjectionChanges} in memory, positions from 1, shared by every {@code Billing} built on the same
 * {@link InMemoryBillingStores} (two "processes" in one test). It fails only while its {@link StoreSwitch} is
 * down, and does not count against {@link StoreSwitch#failNext}, so tests that count store calls are unaffected.
 * Thread-safe.
 *
 * <p>Usage: {@code ProjectionChanges changes = new InMemoryProjectionChanges();}
 */
public final class InMemoryProjectionChanges implements ProjectionChanges {
    private final List<Change> changes = new ArrayList<>();
    private final StoreSwitch storeSwitch;
    private long last;

    public InMemoryProjectionChanges() {
        this(new StoreSwitch());
    }

    InMemoryProjectionChanges(StoreSwitch storeSwitch) {
        this.storeSwitch = storeSwitch;
    }

    @Override
    public synchronized void append(String origin, Collection<CustomerId> customers, Instant at) {
        storeSwitch.checkUp();
        for (CustomerId customer : customers) {
            changes.add(new Change(++last, origin, customer, at));
        }
    }

    @Override
    public synchronized List<Change> after(long position, int limit) {
        storeSwitch.checkUp();
        List<Change> page = new ArrayList<>();
        for (Change change : changes) {
            if (change.position() > position && page.size() < limit) {
                page.add(change);
            }
        }
        return page;
    }

    @Override
    public synchronized long head() {
        storeSwitch.checkUp();
        return last;
    }

    @Override
    public synchronized int prune(Instant before) {
        storeSwitch.checkUp();
        int size = changes.size();
        changes.removeIf(change -> change.at().isBefore(before));
        return size - changes.size();
    }
}
